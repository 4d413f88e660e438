/// The versioned name of an event type, such as `claim.asserted.v1`: dot-separated
/// lowercase words ending in `.vN`. Names are written by hand, never derived from Swift
/// type names, so renaming a type never changes what is stored.
public struct EventType: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    /// The schema version, the `N` of the `.vN` suffix.
    public let schemaVersion: UInt16

    /// The longest name, in bytes (a stored event's type is read against it too).
    public static let maximumBytes = 128

    public init?(_ name: String) {
        var name = name
        guard let version = name.withUTF8({ EventType.schemaVersion(of: $0) }) else { return nil }
        self.name = name
        self.schemaVersion = version
    }

    /// Checks a name on its bytes (this runs for every imported and replayed event) and
    /// returns the version of its `.vN` suffix.
    private static func schemaVersion(of utf8: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard utf8.count <= maximumBytes, let dot = utf8.lastIndex(of: UInt8(ascii: ".")), dot + 2 < utf8.count,
            utf8[dot + 1] == UInt8(ascii: "v"), utf8[dot + 2] != UInt8(ascii: "0")
        else { return nil }
        var version: UInt32 = 0
        for b in utf8[(dot + 2)...] {
            guard b >= 48, b <= 57 else { return nil }
            version = version * 10 + UInt32(b - 48)
            guard version <= UInt32(UInt16.max) else { return nil }
        }
        var wordStart = true
        for b in utf8[..<dot] {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): wordStart = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): if wordStart { return nil }
            case UInt8(ascii: "."): if wordStart { return nil } else { wordStart = true }
            default: return nil
            }
        }
        return wordStart ? nil : UInt16(version)
    }

    /// The name without its version: `claim.asserted` for `claim.asserted.v1`.
    public var family: Substring { name[..<(name.utf8.lastIndex(of: UInt8(ascii: ".")) ?? name.endIndex)] }

    public init(stringLiteral value: String) {
        guard let t = EventType(value) else { preconditionFailure("not an event type name: \(value)") }
        self = t
    }

    public var description: String { name }
}
