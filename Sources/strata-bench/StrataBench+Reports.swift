import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
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
}
