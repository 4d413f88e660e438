import Foundation
import Testing

/// Several analysts recording the same report at the same moment record it once.
@Suite("concurrent appends of one report")
struct AppendConcurrencyTests {
    @Test("four processes append the same report at once: one records it, the others say unchanged")
    func sameReportAtOnce() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            // Create the journal first so the four race on the report, not on creating files.
            #expect(try strata("stats", "--journal", j).exited(66))
            #expect(try strata("import", sampleExport.path, "--journal", j).exited(0))
            let runs = try (0..<4).map { _ in try Running(Binaries.strata, ["append", seed, "--journal", j]) }
            let results = runs.map { $0.wait() }
            for r in results { #expect(r.exited(0), "\(r.status) \(r.err)") }
            #expect(results.filter { $0.out.contains("15 events appended") }.count == 1, "\(results.map(\.out))")
            #expect(results.filter { $0.out.contains("unchanged") }.count == 3, "\(results.map(\.out))")
            let stats = try statsJSON(journal: j)
            #expect(stats["events"] as? Int == 215)
            #expect(stats["claims"] as? Int == 12)
            #expect(try strata("verify", "--journal", j).exited(0))
        }
    }
}
