import StrataDomain
import StrataLog

/// The point of the three time axes a read model answers for, and its filters.
public struct View: Sendable, Equatable {
    /// Only events recorded at or before this time (record-time axis).
    public var asOf: RecordTime?
    /// Only events up to this log position.
    public var atPosition: Position?
    /// Only claims and corrections from reports published at or before this time.
    public var publishedBy: RecordTime?
    /// Valid-time window; `nil` ends are open.
    public var from: Day?
    public var to: Day?
    /// Keep what certainly lies within the window rather than what possibly overlaps it.
    public var certainly = false
    public var commodity: String?
    public var place: String?
    public var country: String?
    public var vessel: String?
    public var source: String?
    public var kind: ClaimKind?

    public init() {}
}

/// The view a read model answered for, printed with its rows.
public struct ViewPoint: Sendable, Equatable {
    public let position: Position
    public let asOf: RecordTime?
    public let publishedBy: RecordTime?
    public let from: Day?
    public let to: Day?
    public let certainly: Bool

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
