/// The versioned name of an event type, such as `claim.asserted.v1`: dot-separated
/// lowercase words ending in `.vN`. Names are written by hand, never derived from Swift
/// type names, so renaming a type never changes what is stored.
public struct EventType: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    /// The schema version, the `N` of the `.vN` suffix.
    public let schemaVersion: UInt16

    public init?(_ name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, name.utf8.count <= 128, let last = parts.last, last.first == "v",
            let version = UInt16(last.dropFirst()), version > 0, String(version) == last.dropFirst()
        else { return nil }
        for part in parts.dropLast() {
            guard let first = part.first, first.isASCII, first.isLowercase,
                part.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            else { return nil }
        }
        self.name = name
        self.schemaVersion = version
    }

    /// The name without its version: `claim.asserted` for `claim.asserted.v1`.
    public var family: Substring { name[..<(name.lastIndex(of: ".") ?? name.endIndex)] }

    public init(stringLiteral value: String) {
        guard let t = EventType(value) else { preconditionFailure("not an event type name: \(value)") }
        self = t
    }

    public var description: String { name }
}
