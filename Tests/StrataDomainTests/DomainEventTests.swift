import StrataLog
import Testing

@testable import StrataDomain

@Suite("Domain events")
struct DomainEventTests {
    @Test("every event of the seed report decodes back to what was written")
    func roundTrip() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let doc = try decode(seedReport)
        var asserted: [ClaimAsserted] = []
        try t.journal.log.read { e in
            if e.type.family == ClaimAsserted.eventType.family {
                let c = try ClaimAsserted(payload: e.payload, type: e.type)
                #expect(c.payload == e.payload)
                asserted.append(c)
            }
            return true
        }
        #expect(asserted.map(\.claim) == doc.claims.map(\.id))
        #expect(asserted.map(\.fields.quantity) == doc.claims.map(\.fields.quantity))
        #expect(asserted.map(\.fields.when) == doc.claims.map(\.fields.when))
    }

    @Test("a version newer than this code reads is refused clearly; v1 is read")
    func versions() throws {
        let e = SourceRated(source: SourceID("s")!, reliability: .a, reason: "r")
        #expect(try SourceRated(payload: e.payload, type: "source.rated.v1") == e)
        #expect(throws: EventDecodingError.self) { try SourceRated(payload: e.payload, type: "source.rated.v2") }
        #expect(throws: EventDecodingError.self) { try SourceRated(payload: e.payload, type: "claim.retracted.v1") }
    }

    @Test(
        "quantities read by the spec's table",
        arguments: [
            (Quantity.Amount.value(5000, .exact), MassUnit.tonne, Tonnes(low: 5000, best: 5000, high: 5000)),
            (.value(20, .about), .tonne, Tonnes(low: 18, best: 20, high: 22)),
            // 1.1 × 700 and 1.1 × 200 in doubles are 770.0000000000001 and 220.00000000000003.
            (.value(700, .about), .tonne, Tonnes(low: 630, best: 700, high: 770)),
            (.value(200, .about), .tonne, Tonnes(low: 180, best: 200, high: 220)),
            (.value(100, .atLeast), .tonne, Tonnes(low: 100, best: 100, high: nil)),
            (.value(100, .upTo), .tonne, Tonnes(low: 0, best: 100, high: 100)),
            (.range(min: 2, max: 4), .kilotonne, Tonnes(low: 2000, best: 3000, high: 4000)),
            (.value(1, .exact), .megatonne, Tonnes(low: 1e6, best: 1e6, high: 1e6)),
            (.value(1000, .exact), .kilogram, Tonnes(low: 1, best: 1, high: 1)),
            // 24.3 × 0.001 in doubles is 0.024300000000000002; 24.3 / 1000 is 0.0243.
            (.value(24.3, .exact), .kilogram, Tonnes(low: 0.0243, best: 0.0243, high: 0.0243)),
        ])
    func tonnes(amount: Quantity.Amount, unit: MassUnit, expected: Tonnes) throws {
        #expect(try Quantity(amount: amount, unit: unit).tonnes == expected)
    }

    @Test(
        "qualifiers are read as the spec's table writes them, with a space or an underscore",
        arguments: [
            ("at_least", Quantity.Qualifier.atLeast), ("at least", .atLeast), ("over", .atLeast),
            ("more_than", .atLeast), ("more than", .atLeast), ("up_to", .upTo), ("up to", .upTo),
            ("at_most", .upTo), ("at most", .upTo), ("about", .about), ("exact", .exact),
            // In any case, as units and grades are read.
            ("At least", .atLeast), ("ABOUT", .about), ("Up To", .upTo),
        ])
    func qualifierSpellings(text: String, expected: Quantity.Qualifier) throws {
        #expect(Quantity.Qualifier(text: text) == expected)
        let doc = try decode(
            report(claims: "  - {id: c1, kind: shipment, quantity: {value: 10, unit: t, qualifier: \(text)}}"))
        #expect(doc.claims.first?.fields.quantity?.amount == .value(10, expected))
    }

    @Test("an unknown qualifier is refused", arguments: ["around", "at-least", "atleast", ""])
    func unknownQualifier(text: String) {
        #expect(Quantity.Qualifier(text: text) == nil)
    }

    @Test("imperial units convert exactly")
    func imperial() throws {
        #expect(try Quantity(amount: .value(1, .exact), unit: .shortTon).tonnes.best == 0.90718474)
        #expect(try Quantity(amount: .value(1, .exact), unit: .longTon).tonnes.best == 1.0160469088)
        #expect(try Quantity(amount: .value(2204.62262185, .exact), unit: .pound).tonnes.best.rounded() == 1)
        #expect(MassUnit(text: "tons") == .tonne && MassUnit(text: "Mt") == .megatonne && MassUnit(text: "mt") == nil)
    }

    @Test("a pound is exactly 0.45359237 kg, as a short ton is 2000 lb and a long ton 2240 lb")
    func pound() throws {
        // The check above rounds 2204.6 lb to a whole tonne, which a factor wrong in its
        // fourth digit still passes.
        #expect(try Quantity(amount: .value(1, .exact), unit: .pound).tonnes.best == 0.00045359237)
        #expect(try Quantity(amount: .value(1000, .exact), unit: .pound).tonnes.best == 0.45359237)
        #expect(try Quantity(amount: .value(2000, .exact), unit: .pound).tonnes.best == 0.90718474)
        #expect(try Quantity(amount: .value(2240, .exact), unit: .pound).tonnes.best == 1.0160469088)
    }

    @Test(
        "bad quantities are refused",
        arguments: [
            Quantity.Amount.value(-1, .exact), .value(.nan, .exact), .value(.infinity, .about), .range(min: 5, max: 1),
            .value(2e11, .exact),
        ])
    func badQuantities(amount: Quantity.Amount) {
        #expect(throws: InputError.self) { try Quantity(amount: amount, unit: .tonne) }
    }

    @Test(
        "numbers for readers are grouped by thousands in their whole part only, and never in exponent form",
        arguments: [
            (0.0, "0"), (999.0, "999"), (1000.0, "1,000"), (24_000_000.0, "24,000,000"), (1234.5, "1,234.5"),
            (-1_234_567.25, "-1,234,567.25"), (-999.0, "-999"), (0.001, "0.001"),
            (1e20, "100,000,000,000,000,000,000"), (1.2345e16, "12,345,000,000,000,000"), (1e-06, "0.000001"),
            (1.5e-07, "0.00000015"), (-2.5e-05, "-0.000025"), (0.0001, "0.0001"),
        ])
    func grouped(value: Double, text: String) {
        #expect(value.groupedText == text)
    }

    @Test("claim ids are equal, and hash alike, exactly when report and local id are")
    func claimIDIdentity() throws {
        let a = try #require(ClaimID("r1/c1"))
        #expect(a == ClaimID(report: ReportID("r1")!, local: "c1"))
        #expect(a.hashValue == ClaimID("r1/c1")!.hashValue)
        #expect(a != ClaimID("r1/c2"))
        #expect(a != ClaimID("r2/c1"))
        // The same characters split otherwise name another claim.
        #expect(ClaimID("r1/c12") != ClaimID("r1c/12"))
        #expect(Set([a, ClaimID("r1/c1")!, ClaimID("r1/c2")!]).count == 2)
        #expect(a.description == "r1/c1")
    }

    @Test("outlet ids are made from names")
    func outletIDs() {
        #expect(SourceID.outlet(named: "Daily NK")?.rawValue == "daily-nk")
        #expect(SourceID.outlet(named: "  UN Panel of Experts (2020) ")?.rawValue == "un-panel-of-experts-2020")
        // A name without ASCII letters or digits: `outlet-` and a hash of its name key.
        #expect(SourceID.outlet(named: "연합")?.rawValue == "outlet-7762368e59")
        #expect(SourceID.outlet(named: " 연합 ") == SourceID.outlet(named: "연합"))
        #expect(SourceID.outlet(named: "聯合") != SourceID.outlet(named: "연합"))
        #expect(SourceID.outlet(named: "()") == nil)
        // One id however the name's letters were typed: composed or decomposed, with or
        // without invisible characters.
        #expect(SourceID.outlet(named: "S\u{FC}ddeutsche Zeitung")?.rawValue == "s-ddeutsche-zeitung")
        #expect(SourceID.outlet(named: "Su\u{308}ddeutsche Zeitung")?.rawValue == "s-ddeutsche-zeitung")
        #expect(SourceID.outlet(named: "Reu\u{200B}ters")?.rawValue == "reuters")
        #expect(SourceID.outlet(named: "Ch\u{14F}ngjin Ilbo") == SourceID.outlet(named: "Cho\u{306}ngjin Ilbo"))
    }
}
