import Foundation
import Testing

@Suite("import --recorded-at")
struct ImportRecordedAtTests {
    @Test("every imported event is recorded at T; T before the journal's last record time is refused")
    func restamp() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            #expect(try strata("import", sampleExport.path, "--recorded-at", "2025-03-01", "--journal", j).exited(0))
            let lines = try jsonObjects(try strata("export", "--journal", j).stdout)
            #expect(lines.count == 200)
            #expect(Set(lines.compactMap { $0["recorded_at"] as? String }) == ["2025-03-01T00:00:00.000000Z"])
            #expect(try strata("verify", "--journal", j).exited(0))

            // A file that continues a journal but would be recorded before its last record
            // time is refused, naming the line and field.
            let all = ndjsonLines(try Data(contentsOf: sampleExport))
            let first = dir.appendingPathComponent("first.ndjson")
            let rest = dir.appendingPathComponent("rest.ndjson")
            try Data(all[0..<100].map { String(decoding: $0, as: UTF8.self) + "\n" }.joined().utf8).write(to: first)
            try Data(all[100...].map { String(decoding: $0, as: UTF8.self) + "\n" }.joined().utf8).write(to: rest)
            let other = dir.appendingPathComponent("other").path
            #expect(try strata("import", first.path, "--recorded-at", "2025-05-01", "--journal", other).exited(0))
            let r = try strata("import", rest.path, "--recorded-at", "2025-04-01", "--journal", other)
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.contains("rest.ndjson:1: recorded_at:"), "\(r.err)")
            #expect(try statsJSON(journal: other)["events"] as? Int == 100)
        }
    }

    @Test("a record time ahead of the clock is refused with exit 65 and nothing recorded: --recorded-at of append, import and a dry run, and an imported line's recorded_at")
    func notAhead() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            for args in [["append", seed], ["append", "--dry-run", seed], ["import", sampleExport.path]] {
                let r = try Running(Binaries.strata, args + ["--recorded-at", "2099-01-01", "--journal", j]).wait()
                #expect(r.exited(65), "\(args): \(r.status) \(r.err)")
                #expect(r.err.contains("--recorded-at") && r.err.contains("later than the clock"), "\(r.err)")
            }
            let recorded = FileManager.default.fileExists(atPath: j + "/data.mdb") ? try statsJSON(journal: j)["events"] as? Int : 0
            #expect(recorded == 0)
            // An export whose second command was recorded in 2099.
            var lines = ndjsonLines(try Data(contentsOf: sampleExport)).map { String(decoding: $0, as: UTF8.self) }
            func correlation(_ line: String) throws -> String {
                try #require(try jsonObject(Data(line.utf8))["correlation_id"] as? String)
            }
            let second = try #require(try lines.indices.first { try correlation(lines[$0]) != correlation(lines[0]) })
            for i in lines.indices where try correlation(lines[i]) == correlation(lines[second]) {
                let stamp = try #require(lines[i].range(of: #""recorded_at":"[^"]*""#, options: .regularExpression))
                lines[i].replaceSubrange(stamp, with: #""recorded_at":"2099-01-01T00:00:00.000000Z""#)
            }
            let future = dir.appendingPathComponent("future.ndjson")
            try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: future)
            let r = try strata("import", future.path, "--journal", j)
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.contains("future.ndjson:\(second + 1): recorded_at:") && r.err.contains("later than the clock"), "\(r.err)")
            #expect(try statsJSON(journal: j)["events"] as? Int == 0)
        }
    }
}
