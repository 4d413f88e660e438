import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
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
