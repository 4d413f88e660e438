#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stream an event belongs to, e.g. `claim-dailynk-2020-05-minerals/c1`. Each stream
/// has its own version sequence 1, 2, 3…, used for optimistic concurrency.
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// The longest stream id in UTF-8 bytes: a stream's id is its key in `streams`, and
    /// LMDB's keys are at most 511 bytes. (Strata's longest, a link between two claims of
    /// 120-byte report and claim ids, is `link-` + 241 + `|` + 241 = 488 bytes.)
    public static let maximumLength = 500

    /// A stream id: 1 to 500 UTF-8 bytes with no control characters.
    public init?(_ rawValue: String) {
        let bytes = rawValue.utf8
        guard !bytes.isEmpty, bytes.count <= StreamID.maximumLength,
            !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The category: the part before the first `-` (`claim` in `claim-abc`), or the whole id.
    public var category: Substring {
        // Without `split`, which makes an array: imports ask it of every event.
        guard let dash = rawValue.utf8.firstIndex(of: UInt8(ascii: "-")) else { return rawValue[...] }
        return rawValue[..<dash]
    }

    public var description: String { rawValue }

    // Ids compare, hash and sort by their UTF-8 bytes, as LMDB keys them: as `String`s,
    // "café" written with é and with e + U+0301 would be one stream here and two in the
    // `streams` table. Imports compare ids in every dictionary lookup of a stream head, so
    // native strings are compared with `memcmp`, not element by element.
    public static func == (a: StreamID, b: StreamID) -> Bool {
        let x = a.rawValue.utf8
        let y = b.rawValue.utf8
        guard x.count == y.count else { return false }
        return StreamID.compare(x, y) == 0
    }

    public func hash(into hasher: inout Hasher) {
        var id = rawValue
        id.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public static func < (a: StreamID, b: StreamID) -> Bool { compare(a.rawValue.utf8, b.rawValue.utf8) < 0 }

    /// The order of two UTF-8 byte sequences, as `memcmp` gives it with the shorter first
    /// on a tie.
    private static func compare(_ x: String.UTF8View, _ y: String.UTF8View) -> Int {
        let fast = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q -> Int in
                let n = min(p.count, q.count)
                let c = n == 0 ? 0 : Int(memcmp(p.baseAddress!, q.baseAddress!, n))
                return c != 0 ? c : p.count - q.count
            }
        }
        if let fast, let order = fast { return order }
        if x.elementsEqual(y) { return 0 }
        return x.lexicographicallyPrecedes(y) ? -1 : 1
    }
}
