import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

/// Developer tool for benchmarks and for the multi-process and crash tests: drives the
/// event log directly, as many commands as asked, and times replays. Not part of the
/// user's CLI.
@main
struct StrataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata-bench",
        abstract: "Load generator and replay timer for the Strata event log (benchmarks and tests).",
        subcommands: [
            Append.self, Replay.self, PayloadBytes.self, Ingest.self, Reports.self, GenerateJournal.self, JSONTree.self, BigReport.self,
        ]
    )

    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append many commands, each one transaction, and print a JSON summary line.",
            discussion:
                "Each command has between 1 and --max-events events in one stream named TAG-N; every payload records its command number, its index and the command's size (\"of\"), so a test can check that commands are whole."
        )

        @Option(help: "The journal directory.") var journal: String
        @Option(help: "Commands (transactions) to append.") var commands: Int = 1000
        @Option(help: "Most events in one command.") var maxEvents: Int = 5
        @Option(help: "Streams to spread commands over.") var streams: Int = 50
        @Option(help: "Stream name prefix, distinct per process.") var tag: String = "bench"
        @Option(help: "Filler bytes per payload.") var payloadBytes: Int = 200
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Flag(help: "Use the exact expected version of each stream (retrying on conflicts).")
        var expectVersions = false

        func run() throws {
            let log = try EventLog(path: journal)
            var rng = SplitMix64(seed: seed)
            let filler = String(repeating: "x", count: payloadBytes)
            var appended = 0
            var conflicts = 0
            var first: Position? = nil
            var last = Position.zero
            for n in 0..<commands {
                let size = Int(rng.next() % UInt64(maxEvents)) + 1
                guard let stream = StreamID("\(tag)-\(rng.next() % UInt64(max(1, streams)))") else {
                    throw ValidationError("--tag makes an invalid stream id")
                }
                let events = (0..<size).map { i in
                    ProposedEvent(
                        type: "bench.recorded.v1",
                        payload: .object([
                            "tag": .string(tag), "command": .int(Int64(n)), "index": .int(Int64(i)),
                            "of": .int(Int64(size)), "filler": .string(filler),
                        ]))
                }
                while true {
                    let expected: ExpectedVersion = expectVersions ? .exact(try log.streamVersion(stream)) : .any
                    let expectedOrNew: ExpectedVersion = expected == .exact(0) ? .noStream : expected
                    do {
                        let r = try log.append(
                            [StreamAppend(stream: stream, expected: expectedOrNew, events: events)], recordedBy: tag)
                        appended += r.appended
                        if first == nil { first = r.positions?.lowerBound }
                        last = r.positions?.upperBound ?? last
                        break
                    } catch LogError.wrongExpectedVersion {
                        conflicts += 1
                    }
                }
            }
            print(
                Payload.object([
                    "tag": .string(tag), "commands": .int(Int64(commands)), "appended": .int(Int64(appended)),
                    "conflicts": .int(Int64(conflicts)), "first_position": .int(Int64(first?.rawValue ?? 0)),
                    "last_position": .int(Int64(last.rawValue)),
                ]).json)
        }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the log's write path alone: import already-decoded events from an NDJSON export.",
            discussion:
                "Reads, decodes and encodes FILE's events first (not timed), then imports them into a fresh journal with a durable commit every --batch-size events, and prints one JSON line with the rate. This is the journal's storage work — envelopes, checksums, the id and stream indexes, the chain, durable commits — without JSON parsing: the work the raw LMDB peer is compared with."
        )

        @Option(help: "The journal directory (must not exist yet).") var journal: String
        @Option(help: "Events per durable commit.") var batchSize: Int = 10_000
        @Flag(help: "Skip fsync (MDB_NOSYNC): separates the CPU cost from the disk's.") var noSync = false
        @Argument(help: "An NDJSON export.") var file: String

        func run() throws {
            guard let reader = LineReader(path: file) else { throw ValidationError("cannot open \(file)") }
            var events: [EncodedEvent] = []
            while let e = try reader.next({ try Envelope(jsonLine: $0, line: reader.lineNumber) }) {
                events.append(EncodedEvent(e))
            }
            var options = EventLog.Options()
            options.durable = !noSync
            let log = try EventLog(path: journal, options: options)
            let start = monotonicSeconds()
            let result = try log.importEncoded(events, batchSize: batchSize)
            let seconds = monotonicSeconds() - start
            print(
                Payload.object([
                    "peer": .string("strata-log"), "op": .string("ingest"), "events": .int(Int64(result.imported)),
                    "seconds": .double(seconds), "events_per_s": .double(Double(result.imported) / max(seconds, 1e-9)),
                ]).json)
        }
    }

    struct Reports: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append many report files in one process, each its own durable transaction, and print the rate.",
            discussion:
                "Each report is TEMPLATE (a YAML report file) with its report id made unique; every report is decoded from its text and checked against the journal, as `strata append` does."
        )

        @Option(help: "The journal directory.") var journal: String
        @Option(help: "Reports to append.") var count: Int = 1000
        @Argument(help: "A YAML report file to use as the template.") var template: String

        func run() throws {
            let text = try String(contentsOfFile: template, encoding: .utf8)
            guard let idLine = text.split(separator: "\n").first(where: { $0.contains("id:") }) else {
                throw ValidationError("the template has no report id")
            }
            let j = Journal(log: try EventLog(path: journal))
            let decoder = ReportDecoder()
            var events = 0
            let start = monotonicSeconds()
            for n in 0..<count {
                let report = text.replacingOccurrences(of: String(idLine), with: String(idLine) + "-bench-\(n)")
                let doc = try decoder.decode(Array(report.utf8), json: false)
                events += try j.append(doc, by: "bench").appended
            }
            let seconds = monotonicSeconds() - start
            print(
                Payload.object([
                    "peer": .string("strata"), "op": .string("append-reports"), "reports": .int(Int64(count)),
                    "events": .int(Int64(events)), "seconds": .double(seconds),
                    "reports_per_s": .double(Double(count) / max(seconds, 1e-9)),
                ]).json)
        }
    }

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
            let j = StrataDomain.Journal(log: log, projector: { tx, events in try store.project(tx, events) })
            var rng = SplitMix64(seed: seed)
            let commodities = ["coal", "anthracite", "iron ore", "gold", "urea", "crude oil", "refined petroleum products", "corn"]
            let places = ["Nampo", "Songrim", "Chongjin", "Dalian", "Longkou", "Lianyungang", "Nakhodka", "Vladivostok", "KP", "CN", "RU"]
            // A long tail, as in real reporting: one place in 50 is one of these minor ports.
            let minorPlaces = [
                "Haeju", "Taean", "Kimchaek", "Rajin", "Wonsan", "Hungnam", "Tanchon", "Ryongampo", "Huludao", "Dandong",
                "Yingkou", "Caofeidian", "Jingtang", "Yantai", "Weihai", "Shidao", "Rizhao", "Posyet", "Zarubino", "Vanino",
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
                    text += "  - id: c\(c)\n    kind: shipment\n    credibility: \(Int.random(in: 1...6, using: &rng))\n"
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
                    let q = Payload.object(["value": .double(Double(Int.random(in: 100...50000, using: &rng))), "qualifier": .string("about"), "unit": .string("t")])
                    time += 60_000_000
                    written += try j.apply(
                        .correct(.init(text: target.description, line: 0, field: ""), set: [Payload.Field("quantity", q)], setLines: [:], reason: "bench"),
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

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode every event of a journal and print the rate as one JSON line.")

        @Option(help: "The journal directory.") var journal: String

        func run() throws {
            let log = try EventLog(path: journal)
            let start = monotonicSeconds()
            var n = 0
            var checksum: UInt64 = 0
            try log.read { e in
                n += 1
                checksum &+= e.version &+ UInt64(truncatingIfNeeded: e.recordedAt.rawValue)
                if case .object(let fields) = e.payload { checksum &+= UInt64(fields.count) }
                return true
            }
            let seconds = monotonicSeconds() - start
            print(
                Payload.object([
                    "peer": .string("strata"), "op": .string("replay"), "events": .int(Int64(n)),
                    "seconds": .double(seconds), "events_per_s": .double(Double(n) / max(seconds, 1e-9)),
                    "checksum": .int(Int64(bitPattern: checksum)),
                ]).json)
        }
    }
}

extension StrataBench {
    /// The denominator of the architecture's size target ("journal size ≤ 2× the encoded
    /// payload bytes").
    struct PayloadBytes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "payload-bytes",
            abstract: "Print the events and the sum of their payloads' encoded (stored binary) sizes as one JSON line.")

        @Option(help: "The journal directory.") var journal: String

        func run() throws {
            let log = try EventLog(path: journal)
            var n = 0
            var bytes = 0
            try log.read { e in
                n += 1
                bytes += e.payload.encode().count
                return true
            }
            print(Payload.object(["events": .int(Int64(n)), "payload_bytes": .int(Int64(bytes))]).json)
        }
    }
}

extension StrataBench {
    struct BigReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "big-report",
            abstract: "Time decoding and appending one JSON report of N and of 2N claims (every second claim linked same-shipment to the one before) to fresh journals, read models included.",
            discussion:
                "Prints one JSON line per size; the two rates should be close (appending is linear in the report's size). A search per stream and claim references remade for every link made 10,000 claims take 12–15 s and 40,000 about 500 s."
        )

        @Option(help: "Claims of the smaller report.") var claims: Int = 5_000
        @Option(help: "Where the two journals go (removed afterwards).") var workdir: String = NSTemporaryDirectory()

        func validate() throws { if claims < 1 { throw ValidationError("--claims must be at least 1") } }

        func run() throws {
            try StrataBench.timeDoubling(claims, op: "big-report", counting: "claims") { n in
                let claimsJSON = (0..<n).map { i in
                    let link = i % 2 == 1 ? #","links":[{"relation":"same-shipment","claim":"c\#(i - 1)"}]"# : ""
                    return #"{"id":"c\#(i)","kind":"shipment","source":"s1","commodity":"coal","from":"KP","to":"Dalian","when":"2020-05","quantity":{"value":\#(i + 1),"unit":"t"}\#(link)}"#
                }
                let text = #"{"report":{"id":"big-\#(n)","outlet":"Bench Wire","published":"2020-06-01"},"sources":[{"id":"s1","name":"S1","kind":"human"}],"claims":["#
                    + claimsJSON.joined(separator: ",") + "]}"
                let dir = workdir + "/strata-big-report-" + UUID().uuidString
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let log = try EventLog(path: dir, options: StateStore.logOptions)
                let store = StateStore(log: log)
                let journal = Journal(log: log, projector: { tx, events in try store.project(tx, events) })
                let start = monotonicSeconds()
                let doc = try ReportDecoder().decode(Array(text.utf8), json: true)
                _ = try journal.append(doc, by: "bench")
                return monotonicSeconds() - start
            }
        }
    }

    struct JSONTree: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "json-tree",
            abstract: "Time building a Payload tree from one JSON array of N and of 2N small objects.",
            discussion:
                "Prints one JSON line per size with the seconds and elements per second; the two rates should be close (building is linear). Appending to an array frame used to copy it, which made 80,000 elements take 34 s."
        )

        @Option(help: "Elements of the smaller array.") var elements: Int = 40_000

        func validate() throws { if elements < 1 { throw ValidationError("--elements must be at least 1") } }

        func run() throws {
            try StrataBench.timeDoubling(elements, op: "json-tree", counting: "elements") { n in
                let text = "[" + (0..<n).map { "{\"a\":\($0),\"b\":\"x\"}" }.joined(separator: ",") + "]"
                let start = monotonicSeconds()
                let tree = try Payload(json: text)
                let seconds = monotonicSeconds() - start
                guard tree.arrayValue?.count == n else { throw ValidationError("parsed the wrong number of elements") }
                return seconds
            }
        }
    }

    /// Times `measure` (which returns its seconds) at `n` and at `2n` things and prints a
    /// JSON line for each: when the work is linear the two rates are close.
    static func timeDoubling(_ n: Int, op: String, counting unit: String, _ measure: (Int) throws -> Double) throws {
        for size in [n, 2 * n] {
            let seconds = try measure(size)
            print(
                Payload.object([
                    "op": .string(op), .init(unit): .int(Int64(size)), "seconds": .double(seconds),
                    .init(unit + "_per_s"): .double(Double(size) / max(seconds, 1e-9)),
                ]).json)
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}


