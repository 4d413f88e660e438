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
    /// The UUID's 16 bytes as two big-endian halves: no heap storage per id, and ids
    /// compare in byte order as integers.
    private let high: UInt64
    private let low: UInt64

    /// The 16 bytes of the UUID, most significant first.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lends the 16 bytes, most significant first, without copying them to the heap.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { try body($0) }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(unchecked: bytes)
    }

    init(unchecked bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { EventID(raw: $0) }
    }

    /// The id in the first 16 of `raw` (the caller checks there are 16).
    init(raw: UnsafeRawBufferPointer) {
        high = UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self))
        low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

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
        guard let id = text.withUTF8({ EventID(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    /// Parses the canonical form from UTF-8 bytes (as an import line holds it).
    init?(utf8: UnsafeRawBufferPointer) {
        guard utf8.count == 36, utf8[8] == UInt8(ascii: "-"), utf8[13] == UInt8(ascii: "-"),
            utf8[18] == UInt8(ascii: "-"), utf8[23] == UInt8(ascii: "-")
        else { return nil }
        // 16 hex digits each: 8-4-4 then 4-12; a digit's value or 0xFF from a table.
        var high: UInt64 = 0
        var low: UInt64 = 0
        var bad: UInt8 = 0
        EventID.hexTable.withUnsafeBufferPointer { table in
            for i in 0..<18 where i != 8 && i != 13 {
                let v = table[Int(utf8[i])]
                bad |= v
                high = high << 4 | UInt64(v & 0x0F)
            }
            for i in 19..<36 where i != 23 {
                let v = table[Int(utf8[i])]
                bad |= v
                low = low << 4 | UInt64(v & 0x0F)
            }
        }
        guard bad & 0xF0 == 0 else { return nil }
        self.high = high
        self.low = low
    }

    private static let hexTable: [UInt8] = (0...255).map { hexValue(UInt8($0)) ?? 0xFF }

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

    public static func < (a: EventID, b: EventID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
