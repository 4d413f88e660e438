import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
    struct GenerateJournal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "journal",
            abstract: "Generate a journal of report, claim and correction events for the read-model benchmarks.",
            discussion:
                "Reports of 10 claims (shipments of random commodities between KP, CN and RU ports — eleven common names and, one time in 50, one of twenty minor ports — quantities, months of 2017–2020) are appended through the journal with the read models maintained, one command a minute of record time from 2025-01-01; after each report, claims of earlier reports are corrected so that about --corrected of all claims are. Commits are not flushed to disk (setup speed; nothing here is timed)."
        )

        @Option(help: "The journal directory (must not exist).") var journal: String
        @Option(help: "Stop after this many events.") var events: Int = 1_000_000
        @Option(help: "Share of claims corrected.") var corrected: Double = 0.1
        @Option(help: "Random seed.") var seed: UInt64 = 1

        func run() throws {
            var options = StateStore.logOptions
            options.durable = false
            let log = try EventLog(path: journal, options: options)
            let store = StateStore(log: log)
            let j = store.recordingJournal()
            var rng = SplitMix64(seed: seed)
            let commodities = [
                "coal", "anthracite", "iron ore", "gold", "urea", "crude oil", "refined petroleum products", "corn",
            ]
            let places = [
                "Nampo", "Songrim", "Chongjin", "Dalian", "Longkou", "Lianyungang", "Nakhodka", "Vladivostok", "KP",
                "CN", "RU",
            ]
            // A long tail, as in real reporting: one place in 50 is one of these minor ports.
            let minorPlaces = [
                "Haeju", "Taean", "Kimchaek", "Rajin", "Wonsan", "Hungnam", "Tanchon", "Ryongampo", "Huludao",
                "Dandong",
                "Yingkou", "Caofeidian", "Jingtang", "Yantai", "Weihai", "Shidao", "Rizhao", "Posyet", "Zarubino",
                "Vanino",
            ]
            func place() -> String {
                Int.random(in: 0..<50, using: &rng) == 0
                    ? minorPlaces.randomElement(using: &rng)! : places.randomElement(using: &rng)!
            }
            let first = RecordTime(microseconds: 1_735_689_600_000_000)  // 2025-01-01T00:00:00Z
            var time = first.microseconds
            var claims: [ClaimID] = []
            var n = 0
            var written = 0
            while written < events {
                var text = "report: {id: bench-\(n), outlet: Bench Wire \(n % 7), published: 2024-01-01}\nclaims:\n"
                for c in 0..<10 {
                    let month = Int.random(in: 1...12, using: &rng)
                    text +=
                        "  - id: c\(c)\n    kind: shipment\n    credibility: \(Int.random(in: 1...6, using: &rng))\n"
                    text += "    commodity: \(commodities.randomElement(using: &rng) ?? "coal")\n"
                    text += "    from: \(place())\n    to: \(place())\n"
                    text += "    when: \(Int.random(in: 2017...2020, using: &rng))-\(month < 10 ? "0" : "")\(month)\n"
                    text += "    quantity: {value: \(Int.random(in: 100...50000, using: &rng)), unit: t}\n"
                }
                let doc = try ReportDecoder().decode(Array(text.utf8), json: false)
                time += 60_000_000
                written += try j.append(doc, recordedAt: RecordTime(microseconds: time), by: "bench").appended
                claims += doc.claims.map(\.id)
                n += 1
                // Correct earlier claims so that about `corrected` of all claims are.
                var due = Double(doc.claims.count) * corrected
                while due > 0, written < events {
                    if due < 1, Double.random(in: 0..<1, using: &rng) >= due { break }
                    due -= 1
                    guard let target = claims.randomElement(using: &rng) else { break }
                    let q = Payload.object([
                        "value": .double(Double(Int.random(in: 100...50000, using: &rng))),
                        "qualifier": .string("about"), "unit": .string("t"),
                    ])
                    time += 60_000_000
                    written += try j.apply(
                        .correct(
                            .init(text: target.description, line: 0, field: ""), set: [Payload.Field("quantity", q)],
                            setLines: [:], reason: "bench"),
                        citing: nil, recordedAt: RecordTime(microseconds: time), by: "bench"
                    ).appended
                }
            }
            try log.environment.sync()
            print(
                Payload.object([
                    "events": .int(Int64(written)), "reports": .int(Int64(n)), "claims": .int(Int64(claims.count)),
                    "first_recorded_at": .string(first.iso8601),
                    "last_recorded_at": .string(RecordTime(microseconds: time).iso8601),
                ]).json)
        }
    }
}
