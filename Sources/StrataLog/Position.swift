/// A place in the log: events are numbered 1, 2, 3… in commit order, without gaps.
/// Position 0 means "before the first event".
public struct Position: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }

    /// Before the first event.
    public static let zero = Position(0)
    /// The position after this one.
    public var next: Position { Position(rawValue + 1) }
    public static func < (a: Position, b: Position) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }

    /// The 8-byte big-endian key, so LMDB's byte order is position order.
    public var key: [UInt8] { BigEndian.bytes(rawValue) }
    public init?(key: UnsafeRawBufferPointer) {
        guard key.count == 8 else { return nil }
        self.init(BigEndian.uint64(key))
    }

    /// The position stored in `bytes` (a key or an index value), or, when they are not 8
    /// bytes, a ``LogError/corrupted(position:reason:)`` naming `what` they are: bytes read
    /// back from a damaged file must not trap.
    static func stored(_ bytes: [UInt8], _ what: @autoclosure () -> String) throws -> Position {
        guard let p = bytes.withUnsafeBytes(Position.init(key:)) else {
            throw LogError.corrupted(position: nil, reason: "\(what()) is \(bytes.count) bytes, not a position's 8")
        }
        return p
    }
}
