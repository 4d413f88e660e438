import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
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
}
