import Foundation
import Testing

/// `strata stats` reads every figure from one snapshot: run while an import commits, its
/// counts of reports and claims are those of the journal at the position it reports.
@Suite("stats while an import writes", .serialized)
struct StatsSnapshotTests {
    @Test("every stats taken during an import counts the reports and claims at its own last position")
    func statsDuringImport() throws {
        try withTemporaryDirectory { dir in
            let file = try benchExport(in: dir, events: 12_000).export
            // The reports and claims the journal holds at each position of the export.
            var counts: [Int: (reports: Int, claims: Int)] = [:]
            var seen = Set<String>()
            var (reports, claims) = (0, 0)
            for object in try jsonObjects(try Data(contentsOf: file)) {
                let stream = try #require(object["stream"] as? String)
                if seen.insert(stream).inserted {
                    if stream.hasPrefix("report-") { reports += 1 }
                    if stream.hasPrefix("claim-") { claims += 1 }
                }
                counts[try #require(object["position"] as? Int)] = (reports, claims)
            }

            let j = dir.appendingPathComponent("j").path
            let importing = try Running(Binaries.strata, ["import", file.path, "--batch-size", "500", "--journal", j])
            var taken = 0
            var midway = 0
            while importing.process.isRunning {
                let stats = try strata("stats", "--format", "json", "--journal", j)
                guard stats.exited(0), let s = try? jsonObject(stats.stdout),
                    let position = s["last_position"] as? Int, position > 0
                else { continue }
                taken += 1
                if position < counts.count { midway += 1 }
                let expected = try #require(counts[position], "position \(position)")
                #expect(
                    s["reports"] as? Int == expected.reports && s["claims"] as? Int == expected.claims,
                    "at position \(position): \(stats.out); the journal then held \(expected)")
                #expect(s["events"] as? Int == position)
            }
            #expect(importing.wait().exited(0))
            #expect(midway > 0, "no stats was taken while the import ran (\(taken) after it)")
        }
    }
}
