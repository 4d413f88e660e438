import Foundation
import Testing

@Suite("import --recorded-at")
struct ImportRecordedAtTests {
    @Test("every imported event is recorded at T; T before the journal's last record time is refused")
    func restamp() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            #expect(try strata("import", sampleExport.path, "--recorded-at", "2030-01-01", "--journal", j).exited(0))
            let lines = try jsonObjects(try strata("export", "--journal", j).stdout)
            #expect(lines.count == 200)
            #expect(Set(lines.compactMap { $0["recorded_at"] as? String }) == ["2030-01-01T00:00:00.000000Z"])
            #expect(try strata("verify", "--journal", j).exited(0))

            // A file that continues a journal but would be recorded before its last record
            // time is refused, naming the line and field.
            let all = ndjsonLines(try Data(contentsOf: sampleExport))
            let first = dir.appendingPathComponent("first.ndjson")
            let rest = dir.appendingPathComponent("rest.ndjson")
            try Data(all[0..<100].map { String(decoding: $0, as: UTF8.self) + "\n" }.joined().utf8).write(to: first)
            try Data(all[100...].map { String(decoding: $0, as: UTF8.self) + "\n" }.joined().utf8).write(to: rest)
            let other = dir.appendingPathComponent("other").path
            #expect(try strata("import", first.path, "--recorded-at", "2031-01-01", "--journal", other).exited(0))
            let r = try strata("import", rest.path, "--recorded-at", "2029-01-01", "--journal", other)
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.contains("rest.ndjson:1: recorded_at:"), "\(r.err)")
            #expect(try statsJSON(journal: other)["events"] as? Int == 100)
        }
    }
}
