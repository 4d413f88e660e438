import Foundation
import Testing

/// Processes writing one journal take turns at LMDB's write lock: an import is the only
/// writer while it runs, and other commands wait for its end rather than stopping it.
@Suite("writers' turns between processes")
struct WriterTurnsCLITests {
    @Test(
        "an append issued during an import waits for the import's end: the import completes and the report follows it")
    func appendDuringImport() throws {
        try withTemporaryDirectory { dir in
            let file = try benchExport(in: dir, events: 6_000).export
            let exported = ndjsonLines(try Data(contentsOf: file))
            let report = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path

            let j = dir.appendingPathComponent("j").path
            // A durable commit every 100 events: sixty chances for the append to land
            // between two of them, each of which would stop the import (its next position
            // taken).
            let importing = try Running(Binaries.strata, ["import", file.path, "--batch-size", "100", "--journal", j])
            var started = false
            while importing.process.isRunning, !started {
                let stats = try strata("stats", "--format", "json", "--journal", j)
                if stats.exited(0), let s = try? jsonObject(stats.stdout), let p = s["last_position"] as? Int, p > 0 {
                    started = true
                }
            }
            // Issued with most of the import to come: it has committed one batch of sixty.
            let midway = importing.process.isRunning
            let appended = try strata("append", report, "--journal", j)
            let imported = importing.wait()
            try #require(imported.exited(0), "the import: \(imported.err)")
            #expect(appended.exited(0), "the append: \(appended.err)")
            // It said why it stood still.
            #expect(
                appended.err.contains(
                    "waiting: another process is importing into this journal; this command goes on when it ends"),
                "\(appended.err)")
            try #require(started && midway, "the import ended before the append began; the test proved nothing")

            // The journal is the file, whole, then the report.
            let lines = ndjsonLines(try strata("export", "--journal", j).stdout)
            #expect(lines.count > exported.count)
            #expect(lines.prefix(exported.count).elementsEqual(exported), "the import's events are not the file's")
            let after = try lines.dropFirst(exported.count).map { try jsonObject($0) }
            #expect(after.contains { ($0["stream"] as? String)?.hasPrefix("report-") == true })
            #expect(try strata("verify", "--journal", j).exited(0))
        }
    }
}
