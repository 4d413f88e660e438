import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

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
