import StrataLog

/// A compact stored form of a claim's fields for read models, which hold a version of
/// every claim per change: no field names, a bit per optional field that is present,
/// enumerations as their index in `allCases`, strings as varint length and UTF-8, numbers
/// as IEEE doubles. About a third of the size of the `claim.asserted` payload form, and read
/// straight into ``ClaimFields`` without building a ``Payload`` tree.
///
/// Read models are rebuilt when their version changes, so this form is never read by
/// another version of the code; ``ClaimFields/binaryEnumerations`` pins the order of the
/// enumerations it indexes (a test compares it with `allCases`).
extension ClaimFields {
    /// The bits of the optional fields, in write order.
    private enum Present: Int {
        case said, when, whenSaid, commodity, quantity, from, to, vessel, voyages, method, price, parties, note
    }

    /// Appends the compact form to `w`.
    public func encode(into w: inout ByteWriter) {
        var present: UInt64 = 0
        func mark(_ bit: Present, _ on: Bool) { if on { present |= 1 << UInt64(bit.rawValue) } }
        mark(.said, said != nil)
        mark(.when, when.edtf != nil)
        mark(.whenSaid, when.whenSaid != nil)
        mark(.commodity, commodity != nil)
        mark(.quantity, quantity != nil)
        mark(.from, !from.isEmpty)
        mark(.to, !to.isEmpty)
        mark(.vessel, vessel != nil)
        mark(.voyages, voyages != nil)
        mark(.method, !method.isEmpty)
        mark(.price, price != nil)
        mark(.parties, !parties.isEmpty)
        mark(.note, note != nil)
        w.u8(ClaimFields.index(kind))
        w.string(source.rawValue)
        w.u8(UInt8(credibility.rawValue))
        w.varint(present)
        if let said { w.string(said) }
        if let edtf = when.edtf { w.string(edtf) }
        if let phrase = when.whenSaid { w.string(phrase) }
        if let commodity { w.string(commodity) }
        if let quantity {
            w.u8(ClaimFields.index(quantity.unit))
            switch quantity.amount {
            case .value(let v, let qualifier):
                w.u8(ClaimFields.index(qualifier))
                w.u64(v.bitPattern)
            case .range(let lo, let hi):
                w.u8(UInt8(Quantity.Qualifier.allCases.count))
                w.u64(lo.bitPattern)
                w.u64(hi.bitPattern)
            }
        }
        for places in [from, to] where !places.isEmpty {
            w.varint(UInt64(places.count))
            for l in places { ClaimFields.optionals([l.place, l.country], into: &w) }
        }
        if let vessel { ClaimFields.optionals([vessel.name, vessel.imo, vessel.flag], into: &w) }
        if let voyages { w.string(voyages) }
        if !method.isEmpty {
            w.varint(UInt64(method.count))
            for m in method { w.u8(ClaimFields.index(m)) }
        }
        if let price {
            w.u64(price.amount.bitPattern)
            w.string(price.currency)
            ClaimFields.optionals([price.per], into: &w)
        }
        if !parties.isEmpty {
            w.varint(UInt64(parties.count))
            for p in parties { w.string(p) }
        }
        if let note { w.string(note) }
    }

    /// Reads the compact form written by ``encode(into:)``.
    /// - Throws: ``ByteReader/Truncated`` when the bytes are not such a form.
    public init(binary r: inout ByteReader) throws {
        func fail(_ what: String) -> ByteReader.Truncated {
            ByteReader.Truncated(offset: r.offset, reason: "bad \(what)")
        }
        func pick<T: CaseIterable>(_ type: T.Type, _ what: String) throws -> T {
            let i = Int(try r.u8())
            let all = Array(T.allCases)
            guard i < all.count else { throw fail(what) }
            return all[i]
        }
        let kind = try pick(ClaimKind.self, "claim kind")
        guard let source = SourceID(try r.string()) else { throw fail("source id") }
        self.init(kind: kind, source: source)
        guard let credibility = Credibility(rawValue: Int(try r.u8())) else { throw fail("credibility") }
        self.credibility = credibility
        let present = try r.varint()
        func has(_ bit: Present) -> Bool { present & (1 << UInt64(bit.rawValue)) != 0 }
        if has(.said) { said = try r.string() }
        let edtf = has(.when) ? try r.string() : nil
        let phrase = has(.whenSaid) ? try r.string() : nil
        if let edtf {
            do {
                when = try ValidTime(edtf: edtf, whenSaid: phrase)
            } catch {
                throw fail("EDTF \(edtf)")
            }
        } else {
            when = .unknown(whenSaid: phrase)
        }
        if has(.commodity) { commodity = try r.string() }
        if has(.quantity) {
            let unit = try pick(MassUnit.self, "unit")
            let tag = Int(try r.u8())
            let amount: Quantity.Amount
            if tag < Quantity.Qualifier.allCases.count {
                amount = .value(Double(bitPattern: try r.u64()), Array(Quantity.Qualifier.allCases)[tag])
            } else if tag == Quantity.Qualifier.allCases.count {
                amount = .range(min: Double(bitPattern: try r.u64()), max: Double(bitPattern: try r.u64()))
            } else {
                throw fail("quantity")
            }
            guard let q = try? Quantity(amount: amount, unit: unit) else { throw fail("quantity") }
            quantity = q
        }
        func locations() throws -> [Location] {
            try (0..<(try ClaimFields.count(&r))).map { _ in
                let parts = try ClaimFields.optionals(2, from: &r)
                return Location(place: parts[0], country: parts[1])
            }
        }
        if has(.from) { from = try locations() }
        if has(.to) { to = try locations() }
        if has(.vessel) {
            let parts = try ClaimFields.optionals(3, from: &r)
            guard let v = try? Vessel(name: parts[0], imo: parts[1], flag: parts[2]) else { throw fail("vessel") }
            vessel = v
        }
        if has(.voyages) { voyages = try r.string() }
        if has(.method) {
            method = try (0..<(try ClaimFields.count(&r))).map { _ in try pick(ShipmentMethod.self, "method") }
        }
        if has(.price) {
            let amount = Double(bitPattern: try r.u64())
            let currency = try r.string()
            price = Price(amount: amount, currency: currency, per: try ClaimFields.optionals(1, from: &r)[0])
        }
        if has(.parties) { parties = try (0..<(try ClaimFields.count(&r))).map { _ in try r.string() } }
        if has(.note) { note = try r.string() }
    }

    /// The enumerations the compact form stores by index, in their `allCases` order.
    public static let binaryEnumerations: [String: [String]] = [
        "ClaimKind": ["shipment", "total", "agreement", "policy", "price", "observation"],
        "MassUnit": ["t", "kt", "Mt", "kg", "short ton", "long ton", "lb"],
        "Quantity.Qualifier": ["exact", "about", "at_least", "up_to"],
        "ShipmentMethod": ["transshipment", "ship-to-ship", "ais-off", "ais-spoofed", "relabelled"],
    ]

    private static func index<T: CaseIterable & Equatable>(_ value: T) -> UInt8 {
        UInt8(Array(T.allCases).firstIndex(of: value)!)
    }

    /// A count of list items; no list has more items than bytes remain.
    private static func count(_ r: inout ByteReader) throws -> Int {
        let n = try r.varint()
        guard n <= UInt64(r.remaining) else {
            throw ByteReader.Truncated(offset: r.offset, reason: "list of \(n) items")
        }
        return Int(n)
    }

    /// Up to eight optional strings: a byte of which are present, then those strings.
    private static func optionals(_ values: [String?], into w: inout ByteWriter) {
        var bits: UInt8 = 0
        for (i, v) in values.enumerated() where v != nil { bits |= 1 << UInt8(i) }
        w.u8(bits)
        for case let v? in values { w.string(v) }
    }

    private static func optionals(_ n: Int, from r: inout ByteReader) throws -> [String?] {
        let bits = try r.u8()
        guard bits >> UInt8(n) == 0 else {
            throw ByteReader.Truncated(offset: r.offset - 1, reason: "bad optional fields")
        }
        return try (0..<n).map { i in bits & (1 << UInt8(i)) != 0 ? try r.string() : nil }
    }
}
