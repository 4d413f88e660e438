import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
    struct BigReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "big-report",
            abstract:
                "Time decoding and appending one JSON report of N and of 2N claims (every second claim linked same-shipment to the one before) to fresh journals, read models included.",
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
                    return
                        #"{"id":"c\#(i)","kind":"shipment","source":"s1","commodity":"coal","from":"KP","to":"Dalian","when":"2020-05","quantity":{"value":\#(i + 1),"unit":"t"}\#(link)}"#
                }
                let text =
                    #"{"report":{"id":"big-\#(n)","outlet":"Bench Wire","published":"2020-06-01"},"sources":[{"id":"s1","name":"S1","kind":"human"}],"claims":["#
                    + claimsJSON.joined(separator: ",") + "]}"
                let dir = workdir + "/strata-big-report-" + UUID().uuidString
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let log = try EventLog(path: dir, options: StateStore.logOptions)
                let store = StateStore(log: log)
                let journal = store.recordingJournal()
                let start = monotonicSeconds()
                let doc = try ReportDecoder().decode(Array(text.utf8), json: true)
                _ = try journal.append(doc, by: "bench")
                return monotonicSeconds() - start
            }
        }
    }
}
