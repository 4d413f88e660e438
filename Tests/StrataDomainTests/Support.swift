import Foundation
import StrataLog

@testable import StrataDomain

/// A journal in a fresh temporary directory, removed by `remove()`.
struct TemporaryJournal {
    let directory: String
    let journal: Journal

    init() throws {
        directory = NSTemporaryDirectory() + "strata-domain-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        journal = Journal(log: try EventLog(path: directory + "/journal"))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Decodes and appends a YAML report.
    @discardableResult
    func append(_ yaml: String, at time: String? = nil) throws -> Journal.Outcome {
        let doc = try ReportDecoder().decode(Array(yaml.utf8), json: false)
        return try journal.append(doc, recordedAt: time.flatMap { RecordTime(iso8601: $0) }, by: "tester")
    }
}

/// The seed example as the spec gives it.
let seedReport: String = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/dailynk-2020-05-minerals.yaml")
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}()

func decode(_ yaml: String) throws -> ReportDocument {
    try ReportDecoder().decode(Array(yaml.utf8), json: false)
}

/// A minimal valid report with `claims` appended under `claims:`.
func report(id: String = "r1", claims: String = "", extra: String = "") -> String {
    """
    report:
      id: \(id)
      outlet: Test Wire
      published: 2020-06-01
    \(extra)
    claims:
    \(claims)
    """
}
