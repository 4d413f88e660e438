/// What a writer expects of a stream's version, for optimistic concurrency.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Append whatever the stream holds.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last event must have this version (versions start at 1).
    case exact(UInt64)

    func admits(current: UInt64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return current == 0
        case .exact(let v): return current == v
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .exact(let v): return "version \(v)"
        }
    }
}
