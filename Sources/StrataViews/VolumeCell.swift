import StrataDomain
import StrataLog

/// One commodity × route × month of the volumes read model, in whole grams, so that cells
/// add and subtract exactly: the stored, incrementally maintained cells and a fresh
/// computation from the claims agree to the gram whatever order shipments came in.
struct VolumeCell: Equatable, Sendable {
    /// Low, best and high grams (the sum of the bounded highs), in 128 bits: a cell sums any
    /// number of shipments, and 64 bits of grams end at 9.2 million million tonnes, which
    /// a hundred accepted claims of 10¹¹ t passed (the sums wrapped round to negative
    /// tonnes). Each shipment's own grams fit in 64 bits (``grams(_:)``).
    private(set) var low: Int128 = 0
    private(set) var best: Int128 = 0
    private(set) var high: Int128 = 0
    /// Then, in stored order: the number of shipments with no upper bound, then shipments
    /// and shipments with no quantity counted for month, quarter and year: a shipment
    /// spanning several months counts once in each month and once in each quarter and
    /// year (in its first month there), so the months of a period add up to the period's
    /// count. Inline, so cells add and subtract without allocating; lane 7 stays zero.
    private var counts: SIMD8<Int64> = .zero

    /// Stored fields: the three sums and seven counts.
    static let fieldCount = 10

    init() {}

    var unbounded: Int64 { counts[0] }

    func shipments(_ g: Granularity) -> Int64 { counts[1 + g.index] }
    func unquantified(_ g: Granularity) -> Int64 { counts[4 + g.index] }

    mutating func add(low: Int64, best: Int64, high: Int64?) {
        self.low += Int128(low)
        self.best += Int128(best)
        if let high { self.high += Int128(high) } else { counts[0] += 1 }
    }

    mutating func count(_ g: Granularity, unquantified: Bool) {
        counts[1 + g.index] += 1
        if unquantified { counts[4 + g.index] += 1 }
    }

    var isZero: Bool { low == 0 && best == 0 && high == 0 && counts == .zero }

    static func + (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        out += b
        return out
    }

    static func += (a: inout VolumeCell, b: VolumeCell) {
        a.low += b.low
        a.best += b.best
        a.high += b.high
        a.counts &+= b.counts
    }

    static func - (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        out.low -= b.low
        out.best -= b.best
        out.high -= b.high
        out.counts &-= b.counts
        return out
    }

    /// The fields as zigzag varints, in order: most are small counts or zero, and a
    /// stored cell (a delta in the volume log, a snapshot row) takes about 20 bytes
    /// instead of 80. A sum within 64 bits is stored in the same bytes as a 64-bit one.
    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 3 * 9 + VolumeCell.fieldCount)
        w.zigzag(low)
        w.zigzag(best)
        w.zigzag(high)
        for i in 0..<(VolumeCell.fieldCount - 3) { w.zigzag(counts[i]) }
        return w.bytes
    }

    init?(encoded bytes: [UInt8]) {
        guard let cell = bytes.withUnsafeBytes({ VolumeCell(encoded: $0) }) else { return nil }
        self = cell
    }

    /// A cell from its stored form (read straight from the database's memory); `nil` unless
    /// `raw` is exactly the fields.
    init?(encoded raw: UnsafeRawBufferPointer) {
        var r = ByteReader(raw)
        guard let low = try? r.zigzag128(), let best = try? r.zigzag128(), let high = try? r.zigzag128() else {
            return nil
        }
        (self.low, self.best, self.high) = (low, best, high)
        for i in 0..<(VolumeCell.fieldCount - 3) {
            guard let v = try? r.zigzag() else { return nil }
            counts[i] = v
        }
        guard r.remaining == 0 else { return nil }
    }

    static func grams(_ tonnes: Double) -> Int64 { Int64((tonnes * 1_000_000).rounded()) }

    static func tonnes(_ grams: Int128) -> Double {
        // Converted by halves: Double(Int128) goes through a generic, unspecialised path.
        let small = Int64(truncatingIfNeeded: grams)
        if Int128(small) == grams { return Double(small) / 1_000_000 }
        let high = Double(Int64(truncatingIfNeeded: grams >> 64)) * 18_446_744_073_709_551_616.0
        return (high + Double(UInt64(truncatingIfNeeded: grams))) / 1_000_000
    }

    /// `total` split in proportion to `weights` (which are positive), the parts adding up
    /// to `total` exactly: each part rounded down, and the units left over given to the
    /// largest remainders (the earliest on ties).
    static func apportion(_ total: Int64, _ weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        // Most shipments fall in one month: all of it there.
        if weights.count == 1 { return [total] }
        var parts: [Int64] = []
        var remainders: [(Int64, Int)] = []
        for (i, w) in weights.enumerated() {
            let (q, r) = sum.dividingFullWidth(total.multipliedFullWidth(by: w))
            parts.append(q)
            remainders.append((r, i))
        }
        var left = total - parts.reduce(0, +)
        for (_, i) in remainders.sorted(by: { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }) where left > 0 {
            parts[i] += 1
            left -= 1
        }
        return parts
    }
}
