import StrataDomain

/// One commodity × route × month of the volumes read model, in whole grams, so that cells
/// add and subtract exactly: the stored, incrementally maintained cells and a fresh
/// computation from the claims agree to the gram whatever order shipments came in.
struct VolumeCell: Equatable, Sendable {
    /// The fields, in stored order: low, best and high grams (the sum of the bounded
    /// highs), the number of shipments with no upper bound, then shipments and shipments
    /// with no quantity counted for month, quarter and year: a shipment spanning several
    /// months counts once in each month and once in each quarter and year (in its first
    /// month there), so the months of a period add up to the period's count.
    private(set) var values: [Int64]

    static let fieldCount = 10

    init() { values = Array(repeating: 0, count: VolumeCell.fieldCount) }

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

    var isZero: Bool { values.allSatisfy { $0 == 0 } }

    static func + (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        for i in 0..<fieldCount { out.values[i] += b.values[i] }
        return out
    }

    static func - (a: VolumeCell, b: VolumeCell) -> VolumeCell {
        var out = a
        for i in 0..<fieldCount { out.values[i] -= b.values[i] }
        return out
    }

    /// The fields as little-endian 64-bit integers.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * VolumeCell.fieldCount)
        for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    init?(encoded bytes: [UInt8]) {
        guard bytes.count == 8 * VolumeCell.fieldCount else { return nil }
        values = bytes.withUnsafeBytes { raw in
            (0..<VolumeCell.fieldCount).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
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

/// Where a cell belongs: commodity, month (`2020-05`, or empty for a shipment with no known
/// time), origin and destination countries; empty strings for unknowns.
struct VolumeKey: Hashable, Comparable, Sendable {
    let commodity: String
    let month: String
    let from: String
    let to: String

    static func < (a: VolumeKey, b: VolumeKey) -> Bool {
        (a.commodity, a.month, a.from, a.to) < (b.commodity, b.month, b.from, b.to)
    }

    private static let separator: UInt8 = 0x1F

    var encoded: [UInt8] {
        Array(commodity.utf8) + [VolumeKey.separator] + Array(month.utf8) + [VolumeKey.separator] + Array(from.utf8)
            + [VolumeKey.separator] + Array(to.utf8)
    }

    init(commodity: String, month: String, from: String, to: String) {
        self.commodity = commodity
        self.month = month
        self.from = from
        self.to = to
    }

    init?(encoded bytes: [UInt8]) {
        let parts = bytes.split(separator: VolumeKey.separator, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let s = parts.map { String(decoding: $0, as: UTF8.self) }
        self.init(commodity: s[0], month: s[1], from: s[2], to: s[3])
    }
}
