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

    @Test("a rebuild running when an import begins says that it waits, then folds the imported events too")
    func rebuildDuringImport() throws {
        try withTemporaryDirectory { dir in
            let file = try benchExport(in: dir, events: 40_000).export
            let exported = ndjsonLines(try Data(contentsOf: file))
            // The journal holds the file but for its last 2,000 events, which the import adds
            // (it skips what is there), twenty batches of 100.
            let head = dir.appendingPathComponent("head.ndjson")
            try Data(exported.dropLast(2_000).map { $0 + Data([0x0A]) }.joined()).write(to: head)
            let start = dir.appendingPathComponent("start").path
            try #require(try strata("import", head.path, "--journal", start).exited(0))
            func inUse(_ j: String) throws -> Int {
                let s = try statsJSON(journal: j)
                return try #require(s["map_used"] as? Int) - (try #require(s["free_bytes"] as? Int))
            }
            let notice = "waiting: another process is importing into this journal; this command goes on when it ends"

            // The import must begin after the rebuild's first transaction of folded events and
            // before its last; on a loaded machine it can miss. Every attempt must be right;
            // one must overlap, or the test proved nothing.
            var overlapped = false
            for attempt in 1...3 where !overlapped {
                let j = dir.appendingPathComponent("j\(attempt)").path
                try FileManager.default.copyItem(atPath: start, toPath: j)
                let before = try inUse(j)
                let rebuilding = try Running(Binaries.strata, ["rebuild", "--journal", j])
                // A transaction of 10,000 folded events stores megabytes of rows.
                while rebuilding.process.isRunning, try inUse(j) < before + 1 << 20 { usleep(2_000) }
                let midway = rebuilding.process.isRunning
                let imported = try strata("import", file.path, "--batch-size", "100", "--journal", j)
                let rebuilt = rebuilding.wait()
                #expect(imported.exited(0), "the import: \(imported.err)")
                #expect(rebuilt.exited(0), "the rebuild: \(rebuilt.err)")
                guard midway, rebuilt.err.contains(notice) else { continue }
                overlapped = true
                // It read every event, the imported ones too, and its read models are those
                // of a rebuild run alone.
                #expect(rebuilt.out.contains("\(grouped(exported.count)) events read"), "\(rebuilt.out)")
                let views = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
                try #require(views.exited(0))
                try #require(try strata("rebuild", "--journal", j).exited(0))
                let alone = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
                #expect(views.stdout == alone.stdout)
                #expect(ndjsonLines(try strata("export", "--journal", j).stdout) == exported)
                #expect(try strata("verify", "--journal", j).exited(0))
            }
            #expect(overlapped, "no rebuild said it waited for the import, or the import never began during one")
        }
    }
}
