import StrataLog
import Testing

@testable import StrataDomain

@Suite("Claim fields in their compact stored form")
struct ClaimFieldsBinaryTests {
    private func roundTrip(_ f: ClaimFields) throws -> ClaimFields {
        var w = ByteWriter()
        f.encode(into: &w)
        return try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            let back = try ClaimFields(binary: &r)
            #expect(r.remaining == 0)
            return back
        }
    }

    @Test("every claim of the seed report reads back equal")
    func seedReportClaims() throws {
        let doc = try decode(seedReport)
        #expect(!doc.claims.isEmpty)
        for c in doc.claims { #expect(try roundTrip(c.fields) == c.fields) }
    }

    @Test("every field, each value of every enumeration, ranges and empty strings")
    func everyField() throws {
        for (i, kind) in ClaimKind.allCases.enumerated() {
            var f = ClaimFields(kind: kind, source: SourceID("src-\(i)")!)
            f.said = i == 0 ? "" : "said \(i)"
            f.credibility = Credibility.allCases[i % Credibility.allCases.count]
            f.when = try ValidTime(
                edtf: ["2020-05", "2019-07-01/2019-09~", "2021?", "../2020-02", "2020-05-22", "2018"][i],
                whenSaid: i % 2 == 0 ? "last spring" : nil)
            f.commodity = "coal \(i)"
            let unit = MassUnit.allCases[i % MassUnit.allCases.count]
            f.quantity =
                i == 5
                ? try Quantity(amount: .range(min: 1.5, max: 2.25), unit: unit)
                : try Quantity(amount: .value(1234.5 + Double(i), Quantity.Qualifier.allCases[i % 4]), unit: unit)
            f.from = [Location(place: "Nampo", country: "KP"), Location(place: nil, country: "KP")]
            f.to = [Location(place: "Lianyungang", country: nil)]
            f.vessel = try Vessel(name: "Ri Song \(i)", imo: nil, flag: i % 2 == 0 ? "KP" : nil)
            f.voyages = "\(i)"
            f.method = Array(ShipmentMethod.allCases.prefix(i))
            f.price = Price(amount: 88.5, currency: "USD", per: i % 2 == 0 ? "t" : nil)
            f.parties = ["Party A", "Party B \(i)"]
            f.note = "a note with \"quotes\" and ünïcode"
            #expect(try roundTrip(f) == f)
        }
        // Nothing but the required fields, and a phrase with no date.
        var bare = ClaimFields(kind: .policy, source: SourceID("s")!)
        #expect(try roundTrip(bare) == bare)
        bare.when = .unknown(whenSaid: "some time ago")
        #expect(try roundTrip(bare) == bare)
    }

    @Test("the stored enumerations keep their order (indexes are stored)")
    func enumerationOrder() {
        let stored = ClaimFields.binaryEnumerations
        #expect(stored["ClaimKind"] == ClaimKind.allCases.map(\.rawValue))
        #expect(stored["MassUnit"] == MassUnit.allCases.map(\.rawValue))
        #expect(stored["Quantity.Qualifier"] == Quantity.Qualifier.allCases.map(\.rawValue))
        #expect(stored["ShipmentMethod"] == ShipmentMethod.allCases.map(\.rawValue))
    }

    @Test("cut or damaged bytes are refused, never read past")
    func damaged() throws {
        var f = ClaimFields(kind: .shipment, source: SourceID("dailynk")!)
        f.commodity = "coal"
        f.quantity = try Quantity(amount: .value(5000, .about), unit: .tonne)
        f.from = [Location(place: "Nampo", country: "KP")]
        var w = ByteWriter()
        f.encode(into: &w)
        let bytes = w.bytes
        for n in 0..<bytes.count {
            #expect(throws: ByteReader.Truncated.self) {
                try Array(bytes.prefix(n)).withUnsafeBytes { raw in
                    var r = ByteReader(raw)
                    _ = try ClaimFields(binary: &r)
                }
            }
        }
        var badKind = bytes
        badKind[0] = 0xFF
        #expect(throws: ByteReader.Truncated.self) {
            try badKind.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                _ = try ClaimFields(binary: &r)
            }
        }
    }
}
