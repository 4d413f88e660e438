import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The identity of an event (a UUID), unique forever: appending an event whose id is
/// already in the log is a no-op when the content is the same and an error otherwise.
///
/// New ids are UUIDv7 (time-ordered), so the id index is written almost in key order.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 16 bytes of the UUID, most significant first.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// A new UUIDv7 from the current time and random bits.
    public static func make() -> EventID {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return make(milliseconds: UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000)
    }

    /// A UUIDv7 for the given Unix time in milliseconds, with random bits from `rng`.
    public static func make<G: RandomNumberGenerator>(milliseconds ms: UInt64, using rng: inout G) -> EventID {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        let r1 = rng.next() as UInt64
        let r2 = rng.next() as UInt64
        for i in 0..<8 { b[8 + i] = UInt8(truncatingIfNeeded: r1 >> (8 * UInt64(i))) }
        b[6] = UInt8(truncatingIfNeeded: r2)
        b[7] = UInt8(truncatingIfNeeded: r2 >> 8)
        b[6] = 0x70 | (b[6] & 0x0F)
        b[8] = 0x80 | (b[8] & 0x3F)
        return EventID(unchecked: b)
    }

    public static func make(milliseconds ms: UInt64) -> EventID {
        var rng = SystemRandomNumberGenerator()
        return make(milliseconds: ms, using: &rng)
    }

    /// A name-based id (UUIDv8 over SHA-256 of `name`): the same name always gives the same
    /// id, so a command whose events are named this way can be run again as a no-op, and
    /// the same name with other content is caught as a conflict.
    public static func derived(from name: String) -> EventID {
        var b = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        b[6] = 0x80 | (b[6] & 0x0F)
        b[8] = 0x80 | (b[8] & 0x3F)
        return EventID(unchecked: b)
    }

    /// Parses the canonical 8-4-4-4-12 hexadecimal form (either case).
    public init?(_ text: String) {
        var text = text
        let parsed: [UInt8]? = text.withUTF8 { utf8 in
            guard utf8.count == 36 else { return nil }
            var out = [UInt8](repeating: 0, count: 16)
            var n = 0
            var i = 0
            while i < 36 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard utf8[i] == UInt8(ascii: "-") else { return nil }
                    i += 1
                    continue
                }
                guard let high = EventID.hexValue(utf8[i]), let low = EventID.hexValue(utf8[i + 1]) else { return nil }
                out[n] = high << 4 | low
                n += 1
                i += 2
            }
            return out
        }
        guard let parsed else { return nil }
        self.bytes = parsed
    }

    /// The lowercase canonical form, e.g. `0190f1a2-…`.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        s.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { s.append(UInt8(ascii: "-")) }
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: s, as: UTF8.self)
    }

    public static func < (a: EventID, b: EventID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
