import StrataDomain
import StrataLog

/// One commodity × route × month of the volumes read model, in whole grams, so that cells
/// add and subtract exactly: the stored, incrementally maintained cells and a fresh
/// computation from the claims agree to the gram whatever order shipments came in.
struct VolumeCell: Equatable, Sendable {
    /// The fields, in stored order: low, best and high grams (the sum of the bounded
    /// highs), the number of shipments with no upper bound, then shipments and shipments
    /// with no quantity counted for month, quarter and year: a shipment spanning several
    /// months counts once in each month and once in each quarter and year (in its first
    /// month there), so the months of a period add up to the period's count.
    /// Inline, so cells add and subtract without allocating; lanes 10–15 stay zero.
    private(set) var values: SIMD16<Int64>

    static let fieldCount = 10

    init() { values = .zero }

    var low: Int64 { values[0] }
    var best: Int64 { values[1] }
    var high: Int64 { values[2] }
    var unbounded: Int64 { values[3] }

    func shipments(_ g: Granularity) -> Int64 { values[4 + g.index] }
    func unquantified(_ g: Granularity) -> Int64 { values[7 + g.index] }

    mutating func add(low: Int64, best: Int64, high: Int64?) {
        values[0] += low
        values[1] += best
        if let high { values[2] += high } else { values[3] += 1 }
    }

    mutating func count(_ g: Granularity, unquantified: Bool) {
        values[4 + g.index] += 1
        if unquantified { values[7 + g.index] += 1 }
    }

    var isZero: Bool { values == .zero }

    static func + (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        out.values &+= b.values
        return out
    }

    static func += (a: inout VolumeCell, b: VolumeCell) { a.values &+= b.values }

    static func - (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        out.values &-= b.values
        return out
    }

    /// The fields as zigzag varints, in order: most are small counts or zero, and a
    /// stored cell (a delta in the volume log, a snapshot row) takes about 20 bytes
    /// instead of 80.
    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 3 * 9 + VolumeCell.fieldCount)
        for i in 0..<VolumeCell.fieldCount { w.zigzag(values[i]) }
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
        values = .zero
        for i in 0..<VolumeCell.fieldCount {
            guard let v = try? r.zigzag() else { return nil }
            values[i] = v
        }
        guard r.remaining == 0 else { return nil }
    }

    static func grams(_ tonnes: Double) -> Int64 { Int64((tonnes * 1_000_000).rounded()) }

    static func tonnes(_ grams: Int64) -> Double { Double(grams) / 1_000_000 }

    /// `total` split in proportion to `weights` (which are positive), the parts adding up
    /// to `total` exactly: each part rounded down, and the units left over given to the
    /// largest remainders (the earliest on ties).
    static func apportion(_ total: Int64, _ weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
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
