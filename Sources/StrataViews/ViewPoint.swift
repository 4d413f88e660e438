import StrataDomain
import StrataLog

/// The view a read model answered for, printed with its rows.
public struct ViewPoint: Sendable, Equatable {
    public let position: Position
    public let asOf: RecordTime?
    public let publishedBy: RecordTime?
    public let from: Day?
    public let to: Day?
    public let certainly: Bool
    /// Days the qualified ends of valid times were widened by for the window (`--pad`);
    /// shown in the caption, not in the JSON view, whose keys the spec lists.
    public let padding: Int

    /// `{"position", "as_of", "published_by", "from", "to", "certainly"}`.
    public var payload: Payload {
        .object([
            "position": .int(Int64(position.rawValue)), "as_of": asOf.map { .string($0.iso8601) } ?? .null,
            "published_by": publishedBy.map { .string($0.iso8601) } ?? .null,
            "from": from.map { .string($0.description) } ?? .null, "to": to.map { .string($0.description) } ?? .null,
            "certainly": .bool(certainly),
        ])
    }
}
