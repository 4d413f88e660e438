import Foundation
import StrataDomain
import StrataLog
import Testing

@testable import StrataViews

/// The read models on the seed report, checked against the numbers the product spec's
/// rules give, and at points of the three time axes.
@Suite("Read models")
struct ReadModelTests {
    private struct Fixture {
        let directory: String
        let journal: Journal

        init() throws {
            directory = NSTemporaryDirectory() + "strata-views-tests-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            journal = Journal(log: try EventLog(path: directory + "/journal"))
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("examples/dailynk-2020-05-minerals.yaml")
            let doc = try ReportDecoder().decode(Array(try Data(contentsOf: url)), json: false)
            _ = try journal.append(doc, recordedAt: RecordTime(iso8601: "2020-05-23T00:00:00Z"), by: "t")
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }

        func fold(_ view: View = View()) throws -> (JournalState, ViewPoint, Resolver) {
            let (state, point) = try JournalState.fold(journal.log, view: view)
            return (state, point, Resolver(state: state))
        }

        func volumes(_ view: View = View(), by g: Granularity = .month) throws -> Volumes {
            let (s, p, r) = try fold(view)
            return Volumes(state: s, view: view, point: p, resolver: r, by: g)
        }

        func at(_ text: String) -> RecordTime? { RecordTime(iso8601: text) }
    }

    @Test("a place aliased to a country code resolves to that country")
    func aliasToCountryCode() throws {
        var state = JournalState()
        state.aliases[.place] = [NameKey("Korea"): "KP"]
        let resolver = Resolver(state: state)
        #expect(resolver.resolve(Location(place: "Korea", country: nil)) == (nil, "KP"))
        #expect(resolver.mentions(country: "KP", in: [Location(place: "Korea", country: nil)]))
    }

    @Test("confidence maps every grade as the spec's table does: A .9 … F .5, 1 .95 … 6 .5, a claim's the product")
    func confidenceTable() {
        // Each reliability with credibility 1 (.95), each credibility with reliability A (.9):
        // every code of both scales is pinned to its number, not only compared with another.
        let reliabilities: [(Reliability, Double)] = [
            (.a, 0.855), (.b, 0.7125), (.c, 0.5225), (.d, 0.3325), (.e, 0.1425), (.f, 0.475),
        ]
        for (r, expected) in reliabilities {
            #expect(Confidence.of(r, .confirmed) == expected, "\(r)")
        }
        let credibilities: [(Credibility, Double)] = [
            (.confirmed, 0.855), (.probablyTrue, 0.72), (.possiblyTrue, 0.54), (.doubtful, 0.36), (.improbable, 0.18),
            (.cannotBeJudged, 0.45),
        ]
        for (c, expected) in credibilities {
            #expect(Confidence.of(.a, c) == expected, "\(c)")
        }
        #expect(Confidence.of(.e, .improbable) == 0.03)
        #expect(Confidence.of(nil, .cannotBeJudged) == 0.25)  // ungraded counts as F
    }

    @Test("volumes: gold 20 t (18–22) KP→CN in 2020-05; fertilizer rolls up to 1,100 t; coal unquantified")
    func seedVolumes() throws {
        let f = try Fixture()
        defer { f.remove() }
        let rows = try f.volumes().rows
        let gold = try #require(rows.first { $0.commodity == "gold" })
        #expect(gold.period == "2020-05" && gold.fromCountry == "KP" && gold.toCountry == "CN")
        #expect(gold.low == 18 && gold.best == 20 && gold.high == 22)
        let coal = try #require(rows.first { $0.commodity == "coal" })
        #expect(coal.period == "2019-10" && coal.shipments == 1 && coal.unquantified == 1 && coal.best == 0)
        var view = View()
        view.commodity = "fertilizer"
        let fertilizer = try f.volumes(view).rows
        #expect(fertilizer.count == 1)
        #expect(fertilizer.first?.best == 1100 && fertilizer.first?.shipments == 2)
        #expect(fertilizer.first?.fromCountry == "CN" && fertilizer.first?.toCountry == "KP")
        view.commodity = "coal"
        #expect(try f.volumes(view).rows.map(\.period) == ["2019-10"])
    }

    @Test("timeline: the 2019 Huludao claim first, early April 2020 next, the open-ended policy last")
    func seedTimeline() throws {
        let f = try Fixture()
        defer { f.remove() }
        let (s, p, r) = try f.fold()
        let rows = Timeline(state: s, view: View(), point: p, resolver: r).rows
        #expect(rows.first?.claim.local == "c3")
        #expect(rows[1].claim.local == "c12")
        #expect(rows.last?.claim.local == "c2")
        #expect(rows.first { $0.claim.local == "c4" }?.grade == "C3")
        #expect(rows.count == 12)
        #expect(rows.allSatisfy { $0.outlet == "Daily NK" })
    }

    @Test("a view as of a moment before a correction, retraction, link and re-grading shows things as they were")
    func timeTravel() throws {
        let f = try Fixture()
        defer { f.remove() }
        let c6 = ClaimID("dailynk-2020-05-minerals/c6")!
        let c7 = ClaimID("dailynk-2020-05-minerals/c7")!
        let ref = { (c: ClaimID) in ReportDocument.ClaimReference(text: c.description, line: 0, field: "") }
        let quantity = Payload.object(["value": .double(500), "qualifier": .string("exact"), "unit": .string("t")])
        _ = try f.journal.apply(
            .correct(ref(c6), set: [Payload.Field("quantity", quantity)], setLines: [:], reason: "r"),
            citing: nil, recordedAt: f.at("2020-07-01T00:00:00Z"), by: "t")
        _ = try f.journal.apply(
            .link(ref(c6), ref(c7), .sameShipment, reason: nil), citing: nil, recordedAt: f.at("2020-08-01T00:00:00Z"),
            by: "t")
        _ = try f.journal.apply(
            .retract(ref(ClaimID("dailynk-2020-05-minerals/c11")!), reason: "r"), citing: nil,
            recordedAt: f.at("2020-09-01T00:00:00Z"), by: "t")
        _ = try f.journal.rate(
            SourceID("dailynk-china-source")!, .a, reason: "r", recordedAt: f.at("2020-10-01T00:00:00Z"), by: "t")

        var view = View()
        view.commodity = "fertilizer"
        // Now c6 (corrected to 500 t) and c7 (800 t) are one shipment; equally confident,
        // so the best is the claim recorded last, c7, after c6 in the report (a correction
        // changes c6, not when it was recorded).
        #expect(try f.volumes(view).rows.first?.best == 800)
        view.asOf = f.at("2020-06-30T00:00:00Z")
        #expect(try f.volumes(view).rows.first?.best == 1100)  // before the correction: 300 + 800
        view.asOf = f.at("2020-07-15T00:00:00Z")
        #expect(try f.volumes(view).rows.first?.best == 1300)  // corrected, not yet linked: 500 + 800
        view.asOf = nil
        let merged = try f.volumes(view).rows.first
        #expect(merged?.shipments == 1 && merged?.low == 500 && merged?.high == 800)

        var all = View()
        #expect(try f.volumes(all).rows.contains { $0.commodity == "gold" } == false)
        all.asOf = f.at("2020-08-15T00:00:00Z")
        #expect(try f.volumes(all).rows.contains { $0.commodity == "gold" })

        let (s1, p1, r1) = try f.fold(all)
        #expect(
            Timeline(state: s1, view: all, point: p1, resolver: r1).rows.first { $0.claim.local == "c4" }?.grade == "C3"
        )
        let (s2, p2, r2) = try f.fold()
        #expect(
            Timeline(state: s2, view: View(), point: p2, resolver: r2).rows.first { $0.claim.local == "c4" }?.grade
                == "A3")
        #expect(p1.position < p2.position)
    }

    @Test("at-position views equal a fresh fold of the first P events")
    func atPosition() throws {
        let f = try Fixture()
        defer { f.remove() }
        var view = View()
        view.atPosition = Position(5)
        let (state, point, _) = try f.fold(view)
        #expect(point.position == Position(5))
        #expect(state.claims.count == 2)  // 2 sources, the report, then claims c1 and c2
    }

    @Test("--published-by leaves out reports published later; --from/--to windows by valid time")
    func publicationAndWindows() throws {
        let f = try Fixture()
        defer { f.remove() }
        var view = View()
        view.publishedBy = f.at("2020-05-21T23:59:59Z")
        #expect(try f.volumes(view).rows.isEmpty)
        view.publishedBy = f.at("2020-05-22T23:59:59Z")
        #expect(try !f.volumes(view).rows.isEmpty)
        var window = View()
        window.from = Day(year: 2019, month: 1, day: 1)
        window.to = Day(year: 2019, month: 12, day: 31)
        #expect(try f.volumes(window).rows.map(\.commodity) == ["coal"])
        window.from = Day(year: 2020, month: 5, day: 1)
        window.to = Day(year: 2020, month: 5, day: 15)
        let possibly = try f.volumes(window).rows.count
        window.certainly = true
        let certainly = try f.volumes(window).rows.count
        #expect(possibly > certainly)
    }

    @Test("a shipment spanning months is split by days")
    func proportionalSplit() {
        let split = Granularity.month.split(Day(year: 2020, month: 5, day: 22)!, Day(year: 2020, month: 6, day: 10)!)
        #expect(split.map(\.label) == ["2020-05", "2020-06"])
        #expect(split.map(\.days) == [10, 10])
        #expect(
            Granularity.quarter.split(Day(year: 2020, month: 3, day: 1)!, Day(year: 2020, month: 4, day: 30)!).map(
                \.label) == ["2020-Q1", "2020-Q2"])
    }

    @Test("months are labelled YYYY-MM, the year padded to four digits")
    func monthLabels() {
        for (y, m) in [(0, 1), (7, 9), (999, 10), (1000, 11), (2020, 12), (9999, 2)] {
            let label = Granularity.month.period(of: Day(year: y, month: m, day: 14)!).label
            let year = String(y)
            #expect(
                label == String(repeating: "0", count: max(0, 4 - year.count)) + year + (m < 10 ? "-0" : "-")
                    + String(m))
        }
    }

    @Test("volume keys are equal, and hash alike, exactly when their four fields are")
    func volumeKeyIdentity() {
        let a = VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "CN")
        #expect(a == VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "CN"))
        #expect(a.hashValue == VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "CN").hashValue)
        // The same bytes in other fields are another key.
        #expect(a != VolumeKey(commodity: "coal2", period: "020-05", from: "KP", to: "CN"))
        #expect(a != VolumeKey(commodity: "coal", period: "2020-05", from: "KPC", to: "N"))
        #expect(a != VolumeKey(commodity: "coal", period: "2020-05", from: "CN", to: "KP"))
        #expect(Set([a, VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "CN")]).count == 1)
        // Equal as strings, one key: a name written composed or decomposed, the Kelvin sign.
        let composed = VolumeKey(commodity: "\u{E9}tain", period: "2020-05", from: "KP", to: "CN")
        let decomposed = VolumeKey(commodity: "e\u{301}tain", period: "2020-05", from: "KP", to: "CN")
        #expect(composed == decomposed && composed.hashValue == decomposed.hashValue)
        let kelvin = VolumeKey(commodity: "coal", period: "2020-05", from: "\u{212A}P", to: "CN")
        #expect(kelvin == a && kelvin.hashValue == a.hashValue)
    }

    @Test("cell keys and cells survive their stored form; rows come in the stored keys' byte order")
    func cellCodecAndOrder() throws {
        let keys = [
            VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "CN"),
            VolumeKey(commodity: "coal", period: "", from: "", to: ""),
            VolumeKey(commodity: "Ölschiefer", period: "2020-05", from: "KP", to: "CN"),
            VolumeKey(commodity: "Zinc", period: "2020-05", from: "KP", to: "CN"),
            VolumeKey(commodity: "coal", period: "2020-05", from: "KP", to: "C"),
            VolumeKey(commodity: "co", period: "2020-05", from: "KP", to: "CN"),
            VolumeKey(commodity: "\u{e9}tain", period: "2020-05", from: "KP", to: "CN"),
        ]
        for k in keys {
            #expect(VolumeKey(encoded: k.encoded) == k)
            #expect(k.encoded.withUnsafeBytes { VolumeKey(encoded: $0) } == k)
        }
        #expect(VolumeKey(encoded: Array("a\u{1F}b".utf8)) == nil)
        #expect(VolumeKey(encoded: Array("a\u{1F}b\u{1F}c\u{1F}d\u{1F}e".utf8)) == nil)
        // The order LMDB keeps them in: memcmp, then length.
        let byBytes = keys.sorted { VolumeKey.precedes($0.encoded, $1.encoded) }.map(\.encoded)
        #expect(byBytes == keys.map(\.encoded).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(byBytes.first == Array("Zinc\u{1F}2020-05\u{1F}KP\u{1F}CN".utf8))

        var cell = VolumeCell()
        cell.add(low: 1, best: -2, high: nil)
        cell.count(.quarter, unquantified: true)
        #expect(VolumeCell(encoded: cell.encoded) == cell)
        // Zigzag varints: a byte per small field, whatever its sign.
        #expect(cell.encoded.count == VolumeCell.fieldCount)
        var large = VolumeCell()
        large.add(low: Int64.min + 1, best: Int64.max, high: -VolumeCell.grams(2_000_000))
        #expect(VolumeCell(encoded: large.encoded) == large)
        #expect(VolumeCell(encoded: large.encoded + [0]) == nil)
        #expect(cell + cell - cell == cell)
        #expect((cell - cell).isZero && !cell.isZero)
        #expect(VolumeCell(encoded: Array(cell.encoded.dropLast())) == nil)

        // Rows of stored cells come out in that order whatever the dictionary's.
        var monthly: [VolumeKey: VolumeCell] = [:]
        var one = VolumeCell()
        one.count(.month, unquantified: true)
        for k in keys { monthly[k] = one }
        let volumes = Volumes(
            monthly: monthly, totals: [JournalState.Claim](), view: View(),
            point: JournalState.point(View(), Position(1)),
            resolver: Resolver(state: JournalState()), by: .month)
        #expect(
            volumes.rows.map {
                VolumeKey(
                    commodity: $0.commodity ?? "", period: $0.period ?? "", from: $0.fromCountry ?? "",
                    to: $0.toCountry ?? ""
                ).encoded
            } == byBytes)

        // A name written decomposed is the same name (as everywhere in Swift): one cell.
        let decomposed = VolumeKey(commodity: "e\u{301}tain", period: "2020-05", from: "KP", to: "CN")
        #expect(decomposed.encoded != keys.last!.encoded)
        monthly[decomposed, default: VolumeCell()] += one
        #expect(monthly.count == keys.count)
        #expect(monthly[keys.last!]?.shipments(.month) == 2)
    }

    @Test("split tonnes add up to the whole, to the gram, and follow the days")
    func apportioning() {
        // 100 t over a quarter of 31 + 30 + 31 days: not 33.333…, and no gram lost.
        let parts = VolumeCell.apportion(VolumeCell.grams(100), [31, 30, 31])
        #expect(parts.reduce(0, +) == 100_000_000)
        #expect(parts == [33_695_652, 32_608_696, 33_695_652])
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let total = Int64.random(in: 0...100_000_000_000_000_000, using: &rng)  // up to 1e11 t in grams
            let weights = (0..<Int.random(in: 1...48, using: &rng)).map { _ in Int64.random(in: 1...31, using: &rng) }
            let parts = VolumeCell.apportion(total, weights)
            #expect(parts.reduce(0, +) == total)
            let sum = Double(weights.reduce(0, +))
            for (p, w) in zip(parts, weights) {
                #expect(abs(Double(p) - Double(total) * Double(w) / sum) <= 1.0 + Double(total) * 1e-15)
            }
        }
    }
}

@Suite("Read-model rules")
struct ReadModelRuleTests {
    private func journal(_ yaml: String) throws -> (Journal, String) {
        let dir = NSTemporaryDirectory() + "strata-views-rules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let j = Journal(log: try EventLog(path: dir + "/j"))
        _ = try j.append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
        return (j, dir)
    }

    /// Appends one more report to `j`.
    private func append(_ j: Journal, _ yaml: String) throws {
        _ = try j.append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
    }

    /// A claim named as `strata link` and `strata retract` name it.
    private func ref(_ text: String) -> ReportDocument.ClaimReference {
        ReportDocument.ClaimReference(text: text, line: 0, field: "")
    }

    /// Links two claims, as `strata link` does.
    private func link(_ j: Journal, _ a: String, _ b: String, _ relation: Relation) throws {
        _ = try j.apply(.link(ref(a), ref(b), relation, reason: nil), citing: nil, recordedAt: nil, by: "t")
    }

    /// Retracts a claim, as `strata retract` does.
    private func retract(_ j: Journal, _ claim: String, reason: String) throws {
        _ = try j.apply(.retract(ref(claim), reason: reason), citing: nil, recordedAt: nil, by: "t")
    }

    /// The shipments of `j` now, from a fresh fold.
    private func shipments(_ j: Journal) throws -> [Shipments.Row] {
        let (state, point) = try JournalState.fold(j.log, view: View())
        return Shipments(state: state, view: View(), point: point, resolver: Resolver(state: state)).rows
    }

    /// One report's journal folded at `view` (the journal is removed afterwards).
    private func fold(_ yaml: String, view: View = View()) throws -> (state: JournalState, point: ViewPoint) {
        let (j, dir) = try journal(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try JournalState.fold(j.log, view: view)
    }

    /// The volumes rows of a folded journal.
    private func volumes(_ folded: (state: JournalState, point: ViewPoint), _ view: View = View(), by g: Granularity)
        -> [Volumes.Row]
    {
        Volumes(state: folded.state, view: view, point: folded.point, resolver: Resolver(state: folded.state), by: g)
            .rows
    }

    private let report = """
        report: {id: r1, outlet: Wire, published: 2020-01-01}
        sources: [{id: s1, name: S1, kind: human}, {id: s2, name: S2, kind: human}]
        claims:
          - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: '2019', quantity: {value: 365, unit: t}}
          - {id: b, kind: shipment, source: s2, commodity: coal, from: KP, to: CN, when: '2019-03'}
        """

    @Test("a shipment over several months counts once in each month, quarter and year, and its tonnes add up")
    func countsPerPeriod() throws {
        let folded = try fold(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2019-02-10/2019-05-20, quantity: {value: 1000, unit: t}}
              - {id: b, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2019-03}
            """)
        func rows(_ g: Granularity) -> [(String?, Int, Int, Double)] {
            volumes(folded, by: g).map { ($0.period, $0.shipments, $0.unquantified, $0.best) }
        }
        let months = rows(.month)
        #expect(months.map(\.0) == ["2019-02", "2019-03", "2019-04", "2019-05"])
        #expect(months.map(\.1) == [1, 2, 1, 1])
        #expect(months.map(\.2) == [0, 1, 0, 0])
        // 100 days: 19 in February, 31, 30, 20 — to the gram.
        #expect(months.map(\.3) == [190, 310, 300, 200])
        let quarters = rows(.quarter)
        #expect(quarters.map(\.0) == ["2019-Q1", "2019-Q2"])
        #expect(quarters.map(\.1) == [2, 1])
        #expect(quarters.map(\.3) == [500, 500])
        let years = rows(.year)
        #expect(
            years.map(\.0) == ["2019"] && years.map(\.1) == [2] && years.map(\.2) == [1] && years.map(\.3) == [1000])
    }

    @Test(
        "reported totals sit beside the sums of the periods they overlap, in rows of their own where nothing shipped, never added in"
    )
    func reportedTotals() throws {
        let folded = try fold(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2019-03, quantity: {value: 100, unit: t}}
              - {id: t1, kind: total, source: s1, commodity: coal, from: KP, to: CN, when: '2019', quantity: {value: 5000, unit: t}}
              - {id: t2, kind: total, source: s1, commodity: coal, from: KP, to: CN, when: '2018', quantity: {value: 7000, unit: t}}
              - {id: t3, kind: total, source: s1, commodity: anthracite, from: KP, to: CN, when: '2017', quantity: {value: 900, unit: t}}
            """)
        // Under --commodity coal the anthracite total sits in a coal row, and keeps its own commodity.
        var coal = View()
        coal.commodity = "coal"
        let rolled = volumes(folded, coal, by: .year)
        #expect(rolled.map(\.commodity) == ["coal", "coal", "coal"])
        #expect(rolled.map { $0.reportedTotals.map(\.commodity) } == [["anthracite"], ["coal"], ["coal"]])
        #expect(volumes(folded, by: .year).first?.commodity == "anthracite")
        let years = volumes(folded, by: .year).filter { $0.commodity == "coal" }
        #expect(years.map(\.period) == ["2018", "2019"])
        #expect(years.map(\.shipments) == [0, 1])
        #expect(years.map(\.best) == [0, 100])
        #expect(years.map { $0.reportedTotals.map(\.claim.local) } == [["t2"], ["t1"]])
        #expect(years.map { $0.reportedTotals.map { $0.tonnes?.best } } == [[7000], [5000]])
        // By month the 2019 total is beside every month of 2019, the one with the shipment too.
        let months = volumes(folded, by: .month).filter { $0.commodity == "coal" }
        #expect(months.count == 24)
        #expect(months.filter { $0.reportedTotals.map(\.claim.local) == ["t1"] }.count == 12)
        #expect(
            months.first { $0.period == "2019-03" }.map { ($0.shipments, $0.best, $0.reportedTotals.count) } ?? (
                0, 0, 0
            ) == (1, 100, 1))
    }

    @Test(
        "an open end reaches the end of its start: 2020/.. is split over 2020, a shipment of 2020-03 and 2020-07/.. over March to July, a total 2020/.. sits beside every quarter of 2020"
    )
    func openEnds() throws {
        let folded = try fold(
            """
            report: {id: r1, outlet: Wire, published: 2021-01-01}
            sources: [{id: s1, name: S1, kind: human}, {id: s2, name: S2, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2020/.., quantity: {value: 366, unit: t}}
              - {id: b, kind: shipment, source: s1, commodity: iron ore, from: KP, to: CN, when: 2020-03, quantity: {value: 153, unit: t}}
              - id: c
                kind: shipment
                source: s2
                commodity: iron ore
                from: KP
                to: CN
                when: 2020-07/..
                links: [{relation: same-shipment, claim: b}]
              - {id: t, kind: total, source: s1, commodity: gold, from: KP, to: CN, when: 2020/.., quantity: {value: 9, unit: t}}
              - {id: d, kind: shipment, source: s1, commodity: sand, from: KP, to: CN, when: ../2020-05, quantity: {value: 5, unit: t}}
            """)
        func best(_ commodity: String, _ g: Granularity, _ view: View = View()) -> [String: Double] {
            Dictionary(
                uniqueKeysWithValues: volumes(folded, view, by: g).filter { $0.commodity == commodity }.map {
                    ($0.period ?? "-", $0.best)
                })
        }
        // 366 days of 2020: 91, 91, 92 and 92 by quarter, as `2020` itself is split.
        #expect(best("coal", .quarter) == ["2020-Q1": 91, "2020-Q2": 91, "2020-Q3": 92, "2020-Q4": 92])
        // From 1 March (the earlier claim) to 31 July (the end of the open claim's start),
        // 153 days: a ton a day.
        #expect(
            best("iron ore", .month) == ["2020-03": 31, "2020-04": 30, "2020-05": 31, "2020-06": 30, "2020-07": 31])
        // An open start is counted with no period, as before.
        #expect(best("sand", .year) == ["-": 5])
        let quarters = volumes(folded, by: .quarter).filter { !$0.reportedTotals.isEmpty }
        #expect(quarters.map(\.period) == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"])
        // In a window of the third quarter the total is still listed.
        var q3 = View()
        q3.from = Day(year: 2020, month: 7, day: 1)
        q3.to = Day(year: 2020, month: 9, day: 30)
        let window = volumes(folded, q3, by: .quarter)
        #expect(window.contains { $0.reportedTotals.map(\.claim.local) == ["t"] && $0.period == "2020-Q3" })
        #expect(best("coal", .quarter, q3) == ["2020-Q3": 92])
    }

    @Test("a --from/--to window keeps only the periods it touches, with the shipment's share of each")
    func windowClipsPeriods() throws {
        var view = View()
        view.from = Day(year: 2019, month: 7, day: 1)
        view.to = Day(year: 2019, month: 9, day: 30)
        let rows = volumes(try fold(report, view: view), view, by: .quarter)
        #expect(rows.map(\.period) == ["2019-Q3"])
        #expect(abs((rows.first?.best ?? 0) - 92) < 1e-9)  // 92 of 2019's 365 days
        #expect(rows.first?.shipments == 1)
    }

    @Test("filters see a merged shipment as its row shows it: all its claims' valid time, the best claim's commodity")
    func filtersSeeTheMergedShipment() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-09-01}
            sources: [{id: s1, name: S1, kind: human}]
            claims:
              - {id: m1, kind: shipment, source: s1, credibility: 1, commodity: lignite, from: KP, to: CN, when: 2020-05, quantity: {value: 920, unit: t}}
              - {id: m2, kind: shipment, source: s1, credibility: 3, commodity: anthracite, from: KP, to: CN, when: 2020-07, quantity: {value: 500, unit: t}}
              - {id: o1, kind: observation, source: s1, said: ships idle at Nampo, when: 2020-06}
              - {id: t1, kind: total, source: s1, commodity: coal, from: KP, to: CN, when: '2020', quantity: {value: 5000, unit: t}}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try link(j, "r1/m1", "r1/m2", .sameShipment)
        let (state, point) = try JournalState.fold(j.log, view: View())
        let resolver = Resolver(state: state)
        func view(_ edit: (inout View) -> Void) -> View {
            var v = View()
            edit(&v)
            return v
        }
        func shipments(_ v: View) -> [String] {
            Shipments(state: state, view: v, point: point, resolver: resolver).rows.map(\.id.local)
        }
        func sums(_ v: View, by g: Granularity = .month) -> [Volumes.Row] {
            Volumes(state: state, view: v, point: point, resolver: resolver, by: g).rows
        }
        let june = view {
            $0.from = Day(year: 2020, month: 6, day: 1); $0.to = Day(year: 2020, month: 6, day: 30)
        }
        let may = view {
            $0.from = Day(year: 2020, month: 5, day: 1); $0.to = Day(year: 2020, month: 5, day: 31)
        }
        let summer = view {
            $0.from = Day(year: 2020, month: 5, day: 1); $0.to = Day(year: 2020, month: 7, day: 31)
        }
        let row = try #require(Shipments(state: state, view: View(), point: point, resolver: resolver).rows.first)
        #expect(
            row.commodity == "lignite" && row.earliest?.description == "2020-05-01"
                && row.latest?.description == "2020-07-31")

        // Valid time: the shipment spans May to July, so June possibly overlaps it and
        // holds 30 of its 92 days (300 of the best claim's 920 t); May alone does not
        // certainly contain it, May to July does.
        #expect(shipments(june) == ["m1"])
        #expect(
            sums(june).filter { $0.shipments > 0 }.map { ($0.period, $0.best) }.first ?? (nil, 0) == ("2020-06", 300))
        #expect(
            shipments(
                view {
                    $0 = may; $0.certainly = true
                }) == [])
        #expect(
            shipments(
                view {
                    $0 = summer; $0.certainly = true
                }) == ["m1"])

        // Commodity: the shipment is lignite (its best claim), so not anthracite, and a
        // filtered answer is part of the unfiltered one.
        #expect(shipments(view { $0.commodity = "anthracite" }) == [])
        #expect(sums(view { $0.commodity = "anthracite" }).isEmpty)
        #expect(shipments(view { $0.commodity = "lignite" }) == ["m1"])
        #expect(shipments(view { $0.commodity = "coal" }) == ["m1"])
        let unfiltered = sums(View(), by: .year).reduce(0) { $0 + $1.best }
        #expect(sums(view { $0.commodity = "lignite" }, by: .year).reduce(0) { $0 + $1.best } == unfiltered)

        // Kind: the sums are of shipments, the totals are totals, observations are neither.
        func yearly(_ v: View) -> [String] {
            sums(v, by: .year).map {
                "\($0.commodity ?? "-") \($0.shipments) \($0.best) \($0.reportedTotals.map(\.claim.local))"
            }
        }
        #expect(yearly(View()) == [#"coal 0 0.0 ["t1"]"#, "lignite 1 920.0 []"])
        #expect(yearly(view { $0.kind = .observation }) == [])
        #expect(yearly(view { $0.kind = .total }) == [#"coal 0 0.0 ["t1"]"#])
        #expect(yearly(view { $0.kind = .shipment }) == ["lignite 1 920.0 []"])
    }

    @Test("timeline order: an open start first, an open end after a closed one, no known time last")
    func timelineOpenEnds() throws {
        let folded = try fold(
            """
            report: {id: r1, outlet: Wire, published: 2020-09-01}
            sources: [{id: s1, name: S1, kind: human}]
            claims:
              - {id: a, kind: observation, source: s1, said: a, when: 2020-01}
              - {id: u, kind: observation, source: s1, said: unknown}
              - {id: b, kind: observation, source: s1, said: b, when: ../2019-12-31}
              - {id: c, kind: observation, source: s1, said: c, when: 2019-06/..}
              - {id: e, kind: observation, source: s1, said: e, when: 2019-06}
            """)
        let rows = Timeline(
            state: folded.state, view: View(), point: folded.point, resolver: Resolver(state: folded.state)
        ).rows
        #expect(rows.map(\.claim.local) == ["b", "e", "c", "a", "u"])
    }

    @Test(
        "an aliased vessel is shown by its canonical name, in shipments and in the timeline's summary, and as written again after unalias"
    )
    func vesselAliasesShow() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human, reliability: B}]
            claims:
              - {id: a, kind: shipment, source: s1, credibility: 2, commodity: coal, from: KP, to: CN, when: 2019-08, vessel: {name: Rung Ra No. 2, imo: "9074729"}}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func shown() throws -> (vessel: String?, imo: String?, summary: String?) {
            let (state, point) = try JournalState.fold(j.log, view: View())
            let resolver = Resolver(state: state)
            let row = Shipments(state: state, view: View(), point: point, resolver: resolver).rows.first
            let line = Timeline(state: state, view: View(), point: point, resolver: resolver).rows.first
            return (row?.vessel?.name, row?.vessel?.imo, line?.summary)
        }
        #expect(try shown().vessel == "Rung Ra No. 2")
        _ = try j.alias(.vessel, "Rung Ra No. 2", as: "Rung Ra 2", reason: nil, recordedAt: nil, by: "t")
        let aliased = try shown()
        #expect(aliased.vessel == "Rung Ra 2" && aliased.imo == "9074729")
        #expect(aliased.summary?.hasSuffix("on Rung Ra 2") == true)
        _ = try j.unalias(.vessel, "Rung Ra No. 2", reason: nil, recordedAt: nil, by: "t")
        #expect(try shown().vessel == "Rung Ra No. 2")
    }

    @Test(
        "confidence keeps every digit the mapping gives: B × 1 is .7125, not .712 or .71249999…; two B1 sources .91734375"
    )
    func confidenceDigits() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human, reliability: B}, {id: s2, name: S2, kind: imagery, reliability: D}]
            claims:
              - {id: a, kind: shipment, source: s1, credibility: 1, commodity: coal, from: KP, to: CN, when: 2019-08}
              - {id: b, kind: shipment, source: s2, credibility: 3, commodity: coal, from: KP, to: CN, when: 2019-08}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try shipments(j).map(\.confidence) == [0.7125, 0.21])  // B .75 × 1 .95; D .35 × 3 .6
        try link(j, "r1/a", "r1/b", .sameShipment)
        #expect(try shipments(j).map(\.confidence) == [0.772875])  // 1 − (1 − .7125)(1 − .21)
        _ = try j.rate(try #require(SourceID("s2")), .b, reason: "r", recordedAt: nil, by: "t")
        _ = try j.apply(
            .correct(ref("r1/b"), set: [Payload.Field("credibility", .int(1))], setLines: [:], reason: "r"),
            citing: nil, recordedAt: nil, by: "t")
        #expect(try shipments(j).map(\.confidence) == [0.91734375])  // 1 − (1 − .7125)²
    }

    @Test(
        "a shipment's confidence is 1 − Π(1 − c) over its sources' best supporting claims, also with one source: a more credible claim of the same source that corroborates it counts"
    )
    func sameSourceCorroboration() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: sc, name: SC, kind: human, reliability: C}, {id: sb, name: SB, kind: imagery, reliability: B}]
            claims:
              - {id: x, kind: shipment, source: sc, credibility: 3, commodity: coal, from: KP, to: CN, when: 2019-08, quantity: {value: 3000, unit: t}}
              - {id: y, kind: observation, source: sc, credibility: 1, said: the ship loading coal, when: 2019-08-24}
              - {id: z, kind: observation, source: sb, credibility: 2, said: imagery of the ship, when: 2019-08-25}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func x() throws -> Shipments.Row { try #require(try shipments(j).first { $0.id.local == "x" }) }
        #expect(try x().confidence == 0.33)  // C .55 × 3 .6
        try link(j, "r1/y", "r1/x", .corroborates)
        #expect(try x().status == .singleSource)
        #expect(try x().confidence == 0.5225)  // sc's best supporting claim: y, C .55 × 1 .95
        try link(j, "r1/z", "r1/x", .corroborates)
        #expect(try x().status == .corroborated)
        #expect(try x().confidence == 0.809)  // 1 − (1 − .5225)(1 − .6)
        try retract(j, "r1/z", reason: "r")
        #expect(try x().confidence == 0.5225)  // not back to x's own .33
        // The best tonnes still come from the shipment's own claims.
        #expect(try x().tonnes?.best == 3000)
    }

    @Test(
        "a claim that corroborates a shipment supports it: its source makes it corroborated, its quantity counts for nothing"
    )
    func corroboratingClaimsSupport() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human, reliability: B}, {id: s2, name: S2, kind: imagery, reliability: A}]
            claims:
              - {id: a, kind: shipment, source: s1, credibility: 2, commodity: coal, from: KP, to: CN, when: 2019-08, quantity: {value: 3000, unit: t}}
              - {id: o, kind: observation, source: s2, credibility: 1, said: the ship loading coal, when: 2019-08-24}
              - {id: x, kind: shipment, source: s2, credibility: 1, commodity: coal, from: KP, to: CN, when: 2019-09, quantity: {value: 9000, unit: t}}
              - {id: y, kind: shipment, source: s1, credibility: 2, commodity: coal, from: KP, to: CN, when: 2019-08, quantity: {value: 100, unit: t}}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func shipment(_ local: String) throws -> Shipments.Row? { try shipments(j).first { $0.id.local == local } }
        let alone = try #require(try shipment("a"))
        #expect(alone.status == .singleSource && alone.sources.map(\.rawValue) == ["s1"])
        #expect(abs(alone.confidence - 0.6) < 1e-9)  // B .75 × 2 .8

        // An observation and another, more confident shipment corroborate `a`.
        try link(j, "r1/o", "r1/a", .corroborates)
        try link(j, "r1/x", "r1/a", .corroborates)
        let supported = try #require(try shipment("a"))
        #expect(supported.status == .corroborated)
        #expect(supported.sources.map(\.rawValue) == ["s1", "s2"])
        #expect(supported.claims.map(\.local) == ["a", "o", "x"])
        #expect(abs(supported.confidence - 0.942) < 1e-9)  // 1 − (1 − .6)(1 − .855)
        // Its tonnes, time and route are its own: x's 9,000 t and September count for nothing.
        #expect(
            supported.tonnes == alone.tonnes && supported.earliest == alone.earliest && supported.latest == alone.latest
        )
        #expect(try shipment("x")?.status == .corroborated)
        // A shipment outside the links is not touched.
        #expect(try shipment("y")?.status == .singleSource)

        try retract(j, "r1/o", reason: "misread image")
        try retract(j, "r1/x", reason: "another ship")
        #expect(try shipment("a")?.status == .singleSource)
        #expect(try shipment("a")?.claims.map(\.local) == ["a"])
    }

    @Test(
        "an outlet's own claim and a source its report cites are one source, not two independent ones; sources of other reports stay independent"
    )
    func outletAndItsCitedSource() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Daily NK, published: 2020-06-01}
            sources:
              - {id: daily-nk, name: Daily NK, kind: outlet, reliability: B}
              - {id: cn-source, name: China-based source, kind: human, reliability: C}
            claims:
              - {id: a, kind: shipment, source: cn-source, credibility: 2, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 500, unit: t}}
              - {id: b, kind: shipment, credibility: 3, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: a}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func a() throws -> Shipments.Row {
            try #require(try shipments(j).first { $0.claims.contains { $0.local == "a" } })
        }
        // a: C2 = .55 × .8 = .44; b (the outlet's own): B3 = .75 × .6 = .45. One chain: its
        // best claim, not 1 − (1 − .44)(1 − .45).
        #expect(try a().sources.map(\.rawValue) == ["cn-source", "daily-nk"])
        #expect(try a().status == .singleSource)
        #expect(try a().confidence == 0.45)
        // Another outlet's report of the same shipment is independent of both.
        try append(
            j,
            """
            report: {id: r2, outlet: Wire, published: 2020-06-02}
            sources: [{id: wire, name: Wire, kind: outlet, reliability: C}]
            claims:
              - {id: c, kind: shipment, credibility: 2, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: r1/a}]}
            """)
        #expect(try a().status == .corroborated)
        #expect(try a().confidence == 0.692)  // 1 − (1 − .45)(1 − .44): Wire C2 = .44
        // The same cited source in another outlet's report is still one source: its
        // claims join the chain it is in.
        try append(
            j,
            """
            report: {id: r3, outlet: NK Pro, published: 2020-06-03}
            claims:
              - {id: d, kind: shipment, source: cn-source, credibility: 1, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: r1/a}]}
            """)
        // cn-source's best is now d: C1 = .55 × .95 = .5225, in the Daily NK chain (.5225 > .45).
        #expect(try a().status == .corroborated)
        #expect(abs(try a().confidence - (1 - (1 - 0.5225) * (1 - 0.44))) < 1e-12)
        // Without the outlet's own claim the cited source stands alone beside Wire.
        try retract(j, "r1/b", reason: "r")
        #expect(try a().sources.map(\.rawValue) == ["cn-source", "wire"])
        #expect(abs(try a().confidence - (1 - (1 - 0.5225) * (1 - 0.44))) < 1e-12)
        try retract(j, "r2/c", reason: "r")
        #expect(try a().status == .singleSource)
    }

    @Test(
        "of equally confident claims the one recorded last gives the best tonnes; correcting an older claim's note does not change that"
    )
    func tiesGoToTheClaimRecordedLast() throws {
        // Both outlets ungraded (F, .5) and credibility 3 (.6): .3 each.
        let (j, dir) = try journal(
            """
            report: {id: ta, outlet: OA, published: 2020-06-01}
            claims: [{id: c1, kind: shipment, credibility: 3, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 1000, unit: t}}]
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try append(
            j,
            """
            report: {id: tb, outlet: OB, published: 2020-06-02}
            claims: [{id: c1, kind: shipment, credibility: 3, commodity: anthracite, from: KP, to: CN, when: 2020-05, quantity: {value: 2000, unit: t}, links: [{relation: same-shipment, claim: ta/c1}]}]
            """)
        func best() throws -> (tonnes: Double?, commodity: String?) {
            let row = try #require(try shipments(j).first)
            return (row.tonnes?.best, row.commodity)
        }
        #expect(try best().tonnes == 2000)
        #expect(try best().commodity == "anthracite")
        try append(
            j,
            """
            report: {id: tc, outlet: OC, published: 2022-01-01}
            corrections: [{correct: ta/c1, set: {note: seen again}, reason: annotate}]
            """)
        #expect(try best().tonnes == 2000, "a note's correction moved the best value to the older claim")
        #expect(try best().commodity == "anthracite")
        // A grade, not a record time, is what ranks claims: graded, the older one leads.
        _ = try j.rate(try #require(SourceID("oa")), .b, reason: "r", recordedAt: nil, by: "t")
        #expect(try best().tonnes == 1000)
    }

    @Test(
        "an outlet's own claim in a report citing two sources counts for the more confident of them; the two stay independent, in that report and across reports"
    )
    func outletCitingTwoSources() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Daily X, published: 2020-06-01}
            sources:
              - {id: daily-x, name: Daily X, kind: outlet, reliability: A}
              - {id: s1, name: Customs officer, kind: human, reliability: B}
              - {id: s2, name: Port worker, kind: human, reliability: B}
            claims:
              - {id: a, kind: shipment, source: s1, credibility: 2, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 500, unit: t}}
              - {id: b, kind: shipment, source: s2, credibility: 3, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: a}]}
              - {id: o, kind: shipment, credibility: 1, commodity: coal, from: KP, to: CN, when: 2020-05}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func a() throws -> Shipments.Row {
            try #require(try shipments(j).first { $0.claims.contains { $0.local == "a" } })
        }
        // a: B2 = .75 × .8 = .6; b: B3 = .75 × .6 = .45.
        #expect(try a().status == .corroborated)
        #expect(abs(try a().confidence - (1 - 0.4 * 0.55)) < 1e-12)
        // The outlet's own claim o, A1 = .9 × .95 = .855, tells what its sources told it: it
        // counts for s1 (.6 > .45), whose best it becomes; s2 stays a source of its own.
        try link(j, "r1/o", "r1/a", .sameShipment)
        #expect(try a().sources.map(\.rawValue) == ["s1", "s2", "daily-x"])
        #expect(try a().status == .corroborated)
        #expect(abs(try a().confidence - (1 - (1 - 0.855) * (1 - 0.45))) < 1e-12)
        // The outlet citing s2 alone in another report: there its voice counts for s2, and
        // s1 and s2 are still two sources.
        try append(
            j,
            """
            report: {id: r3, outlet: Daily X, published: 2020-06-03}
            claims:
              - {id: d, kind: shipment, source: s2, credibility: 1, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: r1/a}]}
              - {id: e, kind: shipment, credibility: 4, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: r1/a}]}
            """)
        // s2's best is now d, B1 = .75 × .95 = .7125 (e, the outlet's A4 = .36, counts for s2).
        #expect(try a().status == .corroborated)
        #expect(abs(try a().confidence - (1 - (1 - 0.855) * (1 - 0.7125))) < 1e-12)
        // Without s2's claims, e is the outlet's voice beside no source it cites in its
        // report: the outlet's own source, independent of s1.
        try retract(j, "r1/b", reason: "r")
        try retract(j, "r3/d", reason: "r")
        #expect(try a().sources.map(\.rawValue) == ["s1", "daily-x"])
        #expect(try a().status == .corroborated)
        #expect(abs(try a().confidence - (1 - (1 - 0.855) * (1 - 0.36))) < 1e-12)
    }

    @Test("a contradiction stops disputing a shipment once the contradicting claim is retracted")
    func retractedContradiction() throws {
        let (j, dir) = try journal(report)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try link(j, "r1/a", "r1/b", .contradicts)
        func status() throws -> String? { try shipments(j).first { $0.id.local == "a" }?.status.rawValue }
        #expect(try status() == "disputed")
        try retract(j, "r1/b", reason: "withdrawn")
        #expect(try status() == "single-source")
    }

    // Rules the projection properties cannot see (incremental and fold share them): each
    // with values worked out by hand from product.md's rules.

    @Test(
        "a merged shipment: best from the most confident claim, low the smallest, high the largest or open; corroborated by two sources, each by its best claim; an open start leaves it open"
    )
    func mergedShipmentRules() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources: [{id: s1, name: S1, kind: human, reliability: B}, {id: s2, name: S2, kind: human, reliability: D}, {id: s0, name: S0, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, credibility: 1, commodity: coal, from: KP, to: CN, when: 2020-04, quantity: {value: 1000, unit: t, qualifier: about}}
              - {id: b, kind: shipment, source: s2, credibility: 3, commodity: coal, from: KP, to: CN, when: ../2020-05, quantity: {value: 500, unit: t}}
              - {id: c, kind: shipment, source: s1, credibility: 4, commodity: coal, from: KP, to: CN, when: 2020-04, quantity: {value: 700, unit: t}}
              - {id: d, kind: shipment, source: s2, credibility: 2, commodity: iron ore, from: KP, to: CN, when: 2020-04}
              - {id: e, kind: shipment, source: s2, credibility: 3, commodity: iron ore, from: KP, to: CN, when: 2020-04}
              - {id: f, kind: shipment, source: s0, credibility: 1, commodity: gold, from: KP, to: CN, when: 2020-04}
              - {id: g, kind: shipment, source: s1, credibility: 1, commodity: zinc, from: KP, to: CN, when: 2020-04, quantity: {value: 100, unit: t}}
              - {id: h, kind: shipment, source: s2, credibility: 1, commodity: zinc, from: KP, to: CN, when: 2020-04, quantity: {value: 800, unit: t, qualifier: at_least}}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (x, y) in [("a", "b"), ("a", "c"), ("d", "e"), ("g", "h")] {
            try link(j, "r1/\(x)", "r1/\(y)", .sameShipment)
        }
        let rows = Dictionary(uniqueKeysWithValues: try shipments(j).map { ($0.id.local, $0) })
        let abc = try #require(rows["a"])
        // a: B1 = .75 × .95 = .7125 (about 1000: 900–1100); b: D3 = .35 × .6 = .21; c: B4 = .3.
        #expect(abc.tonnes == Tonnes(low: 500, best: 1000, high: 1100))
        #expect(abc.status == .corroborated && Set(abc.sources.map(\.rawValue)) == ["s1", "s2"])
        // s1 counts with its best claim (a, not c): 1 − (1 − .7125)(1 − .21).
        #expect(abs(abc.confidence - 0.772875) < 1e-12, "\(abc.confidence)")
        #expect(abc.earliest == nil && abc.latest == Day(year: 2020, month: 5, day: 31), "b's open start")
        // Two claims of one source are one source.
        let de = try #require(rows["d"])
        #expect(de.status == .singleSource && de.sources.map(\.rawValue) == ["s2"])
        // A source with no grade is F (.5): .5 × .95.
        #expect(abs((try #require(rows["f"])).confidence - 0.475) < 1e-12)
        #expect(Confidence.of(nil, .confirmed) == Confidence.of(.f, .confirmed))
        // At least 800 t: the merged high is open.
        #expect(rows["g"]?.tonnes?.high == nil && rows["g"]?.tonnes?.low == 100)
        // ... and so is the high of the volumes row it is summed into.
        let (state, point) = try JournalState.fold(j.log, view: View())
        let zinc = volumes((state, point), by: .month).first { $0.commodity == "zinc" }
        #expect(zinc != nil && zinc?.high == nil, "\(String(describing: zinc))")
        #expect(volumes((state, point), by: .month).first { $0.commodity == "gold" }?.high == 0)
    }

    @Test(
        "a name the taxonomy or gazetteer does not know, written in several spellings, is one commodity or place, shown as first written"
    )
    func unknownNamesInSeveralSpellings() throws {
        let dir = NSTemporaryDirectory() + "strata-views-spellings-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog(path: dir, options: StateStore.logOptions)
        let stored = StateStore(log: log)
        let j = Journal(log: log, projector: { tx, events in try stored.project(tx, events) })
        let yaml =
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            claims:
              - {id: a, kind: shipment, commodity: BLACKROCK, from: KP, to: [Xport], when: 2019-05, quantity: {value: 200, unit: t}}
              - {id: b, kind: shipment, commodity: Black Rock, from: KP, to: [X-Port], when: 2019-05, quantity: {value: 5, unit: t},
                 links: [{relation: same-shipment, claim: a}]}
              - {id: c, kind: shipment, commodity: black-rock, from: KP, to: [xport, X-PORT], when: 2019-05, quantity: {value: 7, unit: t}}
            """
        _ = try j.append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
        let (state, point) = try JournalState.fold(j.log, view: View())
        let rows = volumes((state, point), by: .month)
        #expect(rows.map(\.commodity) == ["BLACKROCK"], "\(rows)")
        #expect(rows.first?.shipments == 2 && rows.first?.best == 12, "\(rows)")
        let ships = try shipments(j)
        #expect(ships.map(\.toPlaces) == [["Xport"], ["Xport"]], "\(ships.map(\.toPlaces))")
        #expect(ships.map(\.commodity) == ["BLACKROCK", "BLACKROCK"])
        // The stored rows, as appends wrote them, agree.
        var filter = View()
        filter.commodity = "Black Rock"
        let storedRows = try #require(try stored.volumes(for: View(), by: .month)).rows
        #expect(storedRows.map(\.commodity) == ["BLACKROCK"] && storedRows.first?.best == 12, "\(storedRows)")
        // The index finds every spelling's claims (as the timeline reads them).
        #expect(try stored.state(for: filter, claimsFiltered: true).0.claims.count == 3)
        let (filtered, at) = try stored.state(for: filter)
        let filteredRows = Volumes(
            state: filtered, view: filter, point: at, resolver: Resolver(state: filtered), by: .month
        ).rows
        #expect(filteredRows.map(\.best) == [12], "\(filteredRows)")
    }

    @Test(
        "equal confidences tie exactly, and the tie goes to the most recently recorded claim: B4 and F3 are both .3, A6 and B3 both .45"
    )
    func confidenceTies() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-01-01}
            sources:
              - {id: sa, name: SA, kind: human, reliability: A}
              - {id: sb, name: SB, kind: human, reliability: B}
              - {id: sf, name: SF, kind: human, reliability: F}
            claims:
              - {id: a, kind: shipment, source: sb, credibility: 4, commodity: coal, from: KP, to: CN, when: 2019-05, quantity: {value: 100, unit: t}}
              - {id: b, kind: shipment, source: sf, credibility: 3, commodity: gold, from: KP, to: CN, when: 2019-05, quantity: {value: 200, unit: t},
                 links: [{relation: same-shipment, claim: a}]}
              - {id: c, kind: shipment, source: sa, credibility: 6, commodity: coal, from: KP, to: CN, when: 2019-06, quantity: {value: 300, unit: t}}
              - {id: d, kind: shipment, source: sb, credibility: 3, commodity: iron ore, from: KP, to: CN, when: 2019-06, quantity: {value: 400, unit: t},
                 links: [{relation: same-shipment, claim: c}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Confidence.of(.b, .doubtful) == Confidence.of(.f, .possiblyTrue))
        #expect(Confidence.of(.a, .cannotBeJudged) == Confidence.of(.b, .possiblyTrue))
        let all = try shipments(j)
        #expect(all.count == 2)
        let ab = all.first { $0.claims.map(\.local).contains("b") }
        let cd = all.first { $0.claims.map(\.local).contains("d") }
        #expect(ab?.tonnes?.best == 200 && ab?.commodity == "gold", "\(String(describing: ab))")
        #expect(cd?.tonnes?.best == 400 && cd?.commodity == "iron ore", "\(String(describing: cd))")
    }

    @Test("--published-by admits a report published at that very moment, and holds back a later report's retraction")
    func publishedByBoundaries() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-05-22}
            claims: [{id: a, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 10, unit: t}}]
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try j.append(
            try ReportDecoder().decode(
                Array(
                    """
                    report: {id: r2, outlet: Wire, published: 2020-06-01}
                    corrections: [{retract: r1/a, reason: withdrawn}]
                    """.utf8), json: false), by: "t")
        func live(_ publishedBy: String) throws -> [String] {
            var view = View()
            view.publishedBy = RecordTime(iso8601: publishedBy)
            let (state, point) = try JournalState.fold(j.log, view: view)
            return Shipments(state: state, view: view, point: point, resolver: Resolver(state: state)).rows.map(
                \.id.local)
        }
        #expect(try live("2020-05-21T23:59:59.999999Z") == [])
        #expect(try live("2020-05-22T00:00:00Z") == ["a"], "published at that moment")
        #expect(try live("2020-05-31T00:00:00Z") == ["a"], "the retraction's report is not published yet")
        #expect(try live("2020-06-01T00:00:00Z") == [])
    }

    @Test(
        "--published-by counts a grade a report gave from that report's publication, and one given by strata rate in every view"
    )
    func publishedByGrades() throws {
        // Outlet G, ungraded, reports in 2019; a report of 2021 lists it with a grade, which
        // is recorded as its first rating, from that report.
        let (j, dir) = try journal(
            """
            report: {id: g1, outlet: Outlet G, published: 2019-01-01}
            claims: [{id: c1, kind: shipment, credibility: 2, commodity: coal, from: KP, to: CN, when: 2018-12, quantity: {value: 10, unit: t}}]
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try append(
            j,
            """
            report: {id: g2, outlet: Other, published: 2021-01-01}
            sources: [{id: outlet-g, name: Outlet G, kind: outlet, reliability: A}]
            claims: [{id: c1, kind: policy, source: outlet-g, said: y, when: 2020}]
            """)
        func confidence(_ publishedBy: String?, _ local: String = "c1") throws -> Double? {
            var view = View()
            view.publishedBy = publishedBy.map { RecordTime(iso8601: $0) } ?? nil
            let (state, point) = try JournalState.fold(j.log, view: view)
            return Shipments(state: state, view: view, point: point, resolver: Resolver(state: state)).rows.first {
                $0.id.local == local
            }?.confidence
        }
        // Ungraded, F2 = .5 × .8 = .4, in what had been published by 2019; graded, A2 = .72.
        #expect(try confidence("2019-06-01T00:00:00Z") == 0.4)
        #expect(try confidence("2021-01-01T00:00:00Z") == 0.72)
        #expect(try confidence(nil) == 0.72)
        // A grade from no report, by strata rate, counts in every view.
        _ = try j.rate(try #require(SourceID("outlet-g")), .c, reason: "re-assessed", recordedAt: nil, by: "t")
        #expect(try confidence("2019-06-01T00:00:00Z") == 0.44)  // C2 = .55 × .8
        #expect(try confidence(nil) == 0.44)

        // A source registered with a grade by a 2022 report, cited by a report of 2020
        // appended after it: the 2020 view does not know the grade.
        try append(
            j,
            """
            report: {id: h2, outlet: Other, published: 2022-01-01}
            sources: [{id: officer, name: Customs officer, kind: human, reliability: B}]
            claims: [{id: c1, kind: policy, source: officer, said: z, when: 2021}]
            """)
        try append(
            j,
            """
            report: {id: h1, outlet: Other, published: 2020-01-01}
            claims: [{id: s, kind: shipment, source: officer, credibility: 2, commodity: coal, from: KP, to: CN, when: 2019-12, quantity: {value: 5, unit: t}}]
            """)
        #expect(try confidence("2020-06-01T00:00:00Z", "s") == 0.4)  // F2
        #expect(try confidence("2022-01-01T00:00:00Z", "s") == 0.6)  // B2 = .75 × .8
    }

    @Test("volumes: a window from a period's last day keeps that period; leftover grams go to the earliest parts")
    func windowEdgesAndLeftovers() throws {
        let folded = try fold(
            """
            report: {id: r1, outlet: Wire, published: 2020-07-01}
            claims: [{id: a, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05/2020-06, quantity: {value: 61, unit: t}}]
            """)
        var view = View()
        view.from = Day(year: 2020, month: 5, day: 31)
        #expect(volumes(folded, view, by: .month).map(\.period) == ["2020-05", "2020-06"])
        #expect(VolumeCell.apportion(1, [1, 1]) == [1, 0])
        #expect(VolumeCell.apportion(2, [1, 1, 1]) == [1, 1, 0])
    }

    /// A journal of `yaml` whose read models are kept (``StateStore``), in a directory
    /// removed when `body` returns.
    private func withStoredJournal<R>(_ yaml: String, _ body: (Journal, StateStore) throws -> R) throws -> R {
        let dir = NSTemporaryDirectory() + "strata-views-rules-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = StateStore(log: try EventLog(path: dir + "/j", options: StateStore.logOptions))
        let j = store.recordingJournal()
        _ = try j.append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
        return try body(j, store)
    }

    @Test(
        "one claim linked same-shipment to two others makes one shipment of the three, stored and folded, whichever was first"
    )
    func claimLinkedTwice() throws {
        // The claim linked twice is the last one, so each link joins it from the other end.
        try withStoredJournal(
            """
            report: {id: r1, outlet: Wire, published: 2020-07-01}
            sources: [{id: s1, name: S1, kind: human}, {id: s2, name: S2, kind: human}, {id: s3, name: S3, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 100, unit: t}}
              - {id: b, kind: shipment, source: s2, commodity: coal, from: KP, to: CN, when: 2020-05}
              - {id: d, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 7, unit: t}}
              - id: c
                kind: shipment
                source: s3
                commodity: coal
                from: KP
                to: CN
                when: 2020-05
                links: [{relation: same-shipment, claim: a}, {relation: same-shipment, claim: b}]
            """
        ) { j, store in
            let rows = try shipments(j)
            #expect(rows.map { $0.claims.map(\.local).sorted() } == [["a", "b", "c"], ["d"]], "\(rows)")
            #expect(rows.first?.status == .corroborated)
            let folded = volumes(try JournalState.fold(j.log, view: View()), by: .month)
            let stored = try #require(try store.volumes(for: View(), by: .month)).rows
            for v in [folded, stored] {
                #expect(v.map(\.shipments) == [2] && v.map(\.unquantified) == [0] && v.map(\.best) == [107], "\(v)")
            }
        }
    }

    @Test(
        "a retracted total leaves reported_totals from then on, stored and folded; a view before the retraction keeps it"
    )
    func retractedTotal() throws {
        try withStoredJournal(
            """
            report: {id: r1, outlet: Wire, published: 2020-07-01}
            sources: [{id: s1, name: S1, kind: human}]
            claims:
              - {id: a, kind: shipment, source: s1, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 100, unit: t}}
              - {id: t1, kind: total, source: s1, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 5000, unit: t}}
              - {id: t2, kind: total, source: s1, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 6000, unit: t}}
            """
        ) { j, store in
            let before = try j.log.head().lastPosition
            try retract(j, "r1/t1", reason: "misread")
            func totals(_ view: View) throws -> [[String]] {
                let folded = volumes(try JournalState.fold(j.log, view: view), view, by: .month)
                let stored = try #require(try store.volumes(for: view, by: .month)).rows
                #expect(folded.map(\.reportedTotals.count) == stored.map(\.reportedTotals.count))
                return [folded, stored].map { $0.flatMap { $0.reportedTotals.map(\.claim.local) } }
            }
            #expect(try totals(View()) == [["t2"], ["t2"]])
            var then = View()
            then.atPosition = before
            #expect(try totals(then) == [["t1", "t2"], ["t1", "t2"]])
        }
    }

    @Test("volume sums pass 64 bits of grams without wrapping: 100 claims of 10¹¹ t make 10¹³ t, stored and folded")
    func sumsPast64Bits() throws {
        let claims = (0..<100).map {
            "  - {id: c\($0), kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05, quantity: {value: 100000000000, unit: t, qualifier: about}}"
        }
        let dir = NSTemporaryDirectory() + "strata-views-rules-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let log = try EventLog(path: dir + "/j", options: StateStore.logOptions)
        let yaml = "report: {id: r1, outlet: Wire, published: 2020-07-01}\nclaims:\n" + claims.joined(separator: "\n")
        _ = try Journal(log: log).append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
        let (state, point) = try JournalState.fold(log, view: View())
        let folded = volumes((state, point), by: .month)
        // Each sum is 10¹⁹ grams or more: past Int64.max (9.2 × 10¹⁸).
        #expect(
            folded.map(\.low) == [9e12] && folded.map(\.best) == [1e13] && folded.map(\.high) == [1.1e13], "\(folded)")
        let stored = try #require(try StateStore(log: log).volumes(for: View(), by: .month))
        #expect(stored.rows.map(\.best) == [1e13] && stored.rows.map(\.high) == [1.1e13], "\(stored.rows)")
        // A cell past 64 bits survives its stored form (PayloadTests.zigzag128 checks that
        // sums within 64 bits keep their old bytes).
        var big = VolumeCell()
        for _ in 0..<100 {
            big.add(low: VolumeCell.grams(9e10), best: VolumeCell.grams(1e11), high: VolumeCell.grams(1.1e11))
        }
        #expect(VolumeCell(encoded: big.encoded) == big)
        #expect(VolumeCell.tonnes(big.best) == 1e13)
        #expect((big - big).isZero)
    }

    @Test(
        "a merged shipment takes commodity, vessel and when from the most confident claim that gives one; a claim with no known time adds nothing to its span"
    )
    func fieldsFromTheMostConfidentClaimGivingThem() throws {
        func rows(_ folded: (state: JournalState, point: ViewPoint)) -> [Shipments.Row] {
            Shipments(state: folded.state, view: View(), point: folded.point, resolver: Resolver(state: folded.state))
                .rows
        }
        let sources = """
            report: {id: r1, outlet: Out, published: 2020-06-01}
            sources:
              - {id: sa, name: A, kind: human, reliability: A}
              - {id: sb, name: B, kind: human, reliability: E}
              - {id: sc, name: C, kind: human, reliability: C}
            claims:

            """
        // c1 (A1, .855) names no commodity, vessel or quantity; c3 (C2, .44) is more
        // confident than c2 (E5, .03): coal, its vessel and its 9 t, not c2's sand.
        let mixed = try fold(
            sources + """
                  - {id: c1, kind: shipment, source: sa, credibility: 1, from: KP, to: CN, when: 2020-05}
                  - {id: c2, kind: shipment, source: sb, credibility: 5, commodity: sand, vessel: {name: Sand Ship}, quantity: {value: 7, unit: t}, when: 2020-07, links: [{relation: same-shipment, claim: c1}]}
                  - {id: c3, kind: shipment, source: sc, credibility: 2, commodity: coal, vessel: {name: Coal Ship}, quantity: {value: 9, unit: t}, when: 2020-05, links: [{relation: same-shipment, claim: c1}]}
                """)
        let m = try #require(rows(mixed).first)
        #expect(m.commodity == "coal" && m.vessel?.name == "Coal Ship", "\(m)")
        #expect(m.tonnes == Tonnes(low: 7, best: 9, high: 9) && m.when.edtf == "2020-05")
        #expect(volumes(mixed, by: .month).map(\.commodity) == ["coal", "coal", "coal"])
        // An undated claim joined to a dated one: the shipment keeps the dated claim's time.
        let undated = try fold(
            sources + """
                  - {id: c1, kind: shipment, source: sb, credibility: 5, commodity: coal, quantity: {value: 10, unit: t}, from: KP, to: CN, when: 2020-05}
                  - {id: c2, kind: shipment, source: sa, credibility: 1, commodity: coal, links: [{relation: same-shipment, claim: c1}]}
                """)
        let u = try #require(rows(undated).first)
        #expect(
            u.earliest == Day(year: 2020, month: 5, day: 1) && u.latest == Day(year: 2020, month: 5, day: 31), "\(u)")
        #expect(u.when.edtf == "2020-05", "the most confident claim with a time")
        #expect(volumes(undated, by: .month).map(\.period) == ["2020-05"])
        var window = View()
        (window.from, window.to, window.certainly) = (
            Day(year: 2020, month: 5, day: 1), Day(year: 2020, month: 5, day: 31), true
        )
        #expect(
            Shipments(
                state: undated.state, view: window, point: undated.point, resolver: Resolver(state: undated.state)
            ).rows.count == 1)
        // With no claim dated, the shipment's time stays unknown.
        let none = try fold(
            sources + """
                  - {id: c1, kind: shipment, source: sa, credibility: 1, commodity: coal, from: KP, to: CN}
                  - {id: c2, kind: shipment, source: sb, credibility: 5, commodity: coal, links: [{relation: same-shipment, claim: c1}]}
                """)
        let n = try #require(rows(none).first)
        #expect(n.earliest == nil && n.latest == nil && n.when.edtf == nil)
    }

    @Test("part-of has a direction: after a part-of t, only unlinking a from t removes it")
    func partOfDirection() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-07-01}
            claims:
              - {id: t, kind: total, commodity: coal, from: KP, to: CN, when: '2020', quantity: {value: 5, unit: kt}}
              - {id: a, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: part-of, claim: t}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = ClaimID("r1/a")!, t = ClaimID("r1/t")!
        #expect(throws: InputError.self) {
            try j.unlink(t, a, relation: .partOf, reason: nil, recordedAt: nil, by: "t")
        }
        #expect(try j.activeLinks(a, t).map(\.relation) == [.partOf])
        _ = try j.unlink(a, t, relation: .partOf, reason: nil, recordedAt: nil, by: "t")
        #expect(try j.activeLinks(a, t).isEmpty)
    }

    @Test(
        "verify reports an event in another stream than its payload names (a journal imported before imports checked it)"
    )
    func verifyFindsMisplacedEvents() throws {
        let (j, dir) = try journal(
            """
            report: {id: r1, outlet: Wire, published: 2020-07-01}
            claims: [{id: a, kind: policy}, {id: b, kind: policy}]
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var events: [Envelope] = []
        try j.log.read {
            events.append($0); return true
        }
        // Claim a's assertion names claim x in its payload.
        events = events.map { e in
            guard e.stream.rawValue == "claim-r1/a", case .object(let fields) = e.payload else { return e }
            let payload = Payload.object(
                fields.map { $0.key == "claim" ? Payload.Field("claim", .string("r1/x")) : $0 })
            return Envelope(
                position: e.position, id: e.id, type: e.type, stream: e.stream, version: e.version,
                recordedAt: e.recordedAt,
                recordedBy: e.recordedBy, correlationID: e.correlationID, causationID: e.causationID, payload: payload)
        }
        let copy = try EventLog(path: dir + "/copy", options: StateStore.logOptions)
        _ = try copy.importEnvelopes(events)
        // Found with no read models built yet (an imported journal) and after they are.
        let store = StateStore(log: copy)
        for build in [false, true] {
            if build { try store.catchUp() }
            let problems = try store.misplacedEvents()
            #expect(
                problems.count == 1
                    && problems.first?.contains(
                        "a claim.asserted.v1 of this payload belongs in stream claim-r1/x, not claim-r1/a") == true,
                "\(problems)")
        }
    }
}
