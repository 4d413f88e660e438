import StrataDomain
import StrataLog

/// Where a cell belongs: commodity, period (stored cells are monthly, `2020-05`; a view by
/// quarter or year labels its cells `2020-Q2` or `2020`; empty for a shipment with no
/// known time), origin and destination countries; empty strings for unknowns.
struct VolumeKey: Hashable, Sendable {
    let commodity: String
    let period: String
    let from: String
    let to: String
    /// The four fields' hash, made once: a writer looks each key up in several dictionaries
    /// per event, and hashing four strings each time showed in its profile. Swift's own
    /// string hash, not one of the bytes: names that are equal as strings (`étain` written
    /// composed or decomposed) are one key.
    private let digest: Int

    static func == (a: VolumeKey, b: VolumeKey) -> Bool {
        a.digest == b.digest && a.commodity == b.commodity && a.period == b.period && a.from == b.from && a.to == b.to
    }

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// Whether encoded key `a` sorts before `b` (as LMDB orders them: bytes, then length).
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
    }

    private static let separator: UInt8 = 0x1F

    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(commodity.utf8.count + period.utf8.count + from.utf8.count + to.utf8.count + 3)
        out.append(contentsOf: commodity.utf8)
        out.append(VolumeKey.separator)
        out.append(contentsOf: period.utf8)
        out.append(VolumeKey.separator)
        out.append(contentsOf: from.utf8)
        out.append(VolumeKey.separator)
        out.append(contentsOf: to.utf8)
        return out
    }

    init(commodity: String, period: String, from: String, to: String) {
        self.commodity = commodity
        self.period = period
        self.from = from
        self.to = to
        var h = Hasher()
        h.combine(commodity)
        h.combine(period)
        h.combine(from)
        h.combine(to)
        digest = h.finalize()
    }

    init?(encoded bytes: [UInt8]) {
        guard let key = bytes.withUnsafeBytes({ VolumeKey(encoded: $0) }) else { return nil }
        self = key
    }

    /// A key from its stored form, the four fields split at the separators without copies.
    init?(encoded raw: UnsafeRawBufferPointer) {
        var fields: (String, String, String) = ("", "", "")
        var start = 0
        var found = 0
        for i in 0..<raw.count where raw[i] == VolumeKey.separator {
            let field = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<i]), as: UTF8.self)
            switch found {
            case 0: fields.0 = field
            case 1: fields.1 = field
            case 2: fields.2 = field
            default: return nil
            }
            found += 1
            start = i + 1
        }
        guard found == 3 else { return nil }
        let to = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start...]), as: UTF8.self)
        self.init(commodity: fields.0, period: fields.1, from: fields.2, to: to)
    }
}
