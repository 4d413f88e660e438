import Foundation
import StrataLog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An import writes the read models in the transactions that write the events, when they
/// are up to date: killed at any moment, it leaves both at the same whole command. When
/// they are behind (their version changed, or an import without them ran), it brings them
/// up to date after its events, in transactions of their own (the catch-up); killed then,
/// it leaves every event written, the read models behind but whole, and the journal
/// verifying; the next reading command (or the import run again) catches up. Either way
/// the answers are those of the journal the events came from.
@Suite("SIGKILL during an import's read models", .serialized)
struct CatchUpCrashTests {
    /// A journal of `events` generated events exported to `dir/all.ndjson`, with the
    /// lines of that export and the answer every copy must give.
    private func source(in dir: URL, events: Int) throws -> (all: URL, lines: [Data], volumes: Data) {
        let (source, all) = try benchExport(in: dir, events: events)
        let expected = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", source)
        try #require(expected.exited(0))
        return (all, ndjsonLines(try Data(contentsOf: all)), expected.stdout)
    }

    /// After a kill: the journal verifies, gives the source's answer, and the import run
    /// again adds nothing and leaves the source's export.
    private func checkAfterKill(_ j: String, source all: URL, volumes: Data, round: Int) throws {
        let verify = try strata("verify", "--journal", j)
        #expect(verify.exited(0), "round \(round): verify after the kill: \(verify.out)\(verify.err)")
        let again = try strata("import", all.path, "--journal", j)
        #expect(again.exited(0), "round \(round): importing again: \(again.err)")
        let after = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
        #expect(after.exited(0))
        #expect(after.stdout == volumes, "round \(round): a killed import changed the answer")
        #expect(try strata("export", "--journal", j).stdout == Data(contentsOf: all), "round \(round)")
    }

    @Test("an import killed at any moment leaves its read models at the end of what it committed")
    func killedImportsKeepReadModelsWithTheirEvents() throws {
        try withTemporaryDirectory { dir in
            let (all, _, volumes) = try source(in: dir, events: 8_000)
            // Commits of 1,000 events, so most kills fall between commits.
            let importing = ["import", all.path, "--batch-size", "1000", "--journal"]
            let start = ContinuousClock.now
            try #require(
                try Running(Binaries.strata, importing + [dir.appendingPathComponent("ref").path]).wait().exited(0))
            let full = milliseconds(since: start)

            var rng = SplitMix64(seed: 0xCA7C_0002)
            var killedMidway = 0
            for round in 0..<3 {
                let j = dir.appendingPathComponent("j\(round)").path
                let run = try Running(Binaries.strata, importing + [j])
                usleep(UInt32(Int.random(in: (full / 5)...(full * 4 / 5), using: &rng) * 1000))
                run.kill()
                _ = run.wait()
                guard permissions(j + "/data.mdb") != nil else { continue }
                // Read before any command catches the read models up.
                let (readModels, end) = try readModelsAndLogEnd(j)
                #expect(
                    readModels == (end == .zero ? nil : end),
                    "round \(round): the log ends at \(end), its read models at \(String(describing: readModels))")
                if end > .zero { killedMidway += 1 }
                try checkAfterKill(j, source: all, volumes: volumes, round: round)
            }
            #expect(killedMidway > 0, "no import was killed after a commit; the test proved nothing")
        }
    }

    @Test("an import killed while its read models catch up loses nothing and changes no answer")
    func killedCatchUps() throws {
        try withTemporaryDirectory { dir in
            let (all, lines, volumes) = try source(in: dir, events: 12_000)
            // The first events, imported with their read models before each run, so the
            // catch-up starts from a checkpoint, not from nothing.
            let head = dir.appendingPathComponent("head.ndjson")
            try Data(lines.prefix(1500).map { $0 + Data([0x0A]) }.joined()).write(to: head)

            var rng = SplitMix64(seed: 0xCA7C_0001)
            var killedInCatchUp = 0
            for round in 0..<3 {
                let j = dir.appendingPathComponent("j\(round)").path
                try #require(try strata("import", head.path, "--journal", j).exited(0))
                // Every event, written without the read models: they stay at the head's end.
                let written = try importWithoutReadModels(all, into: j)
                try #require(written.imported == lines.count - 1500)
                // The import finds every event there and catches the read models up;
                // killed at a random moment of that.
                let run = try Running(Binaries.strata, ["import", all.path, "--journal", j])
                usleep(UInt32(Int.random(in: 20...150, using: &rng) * 1000))
                run.kill()
                let result = run.wait()
                let (readModels, end) = try readModelsAndLogEnd(j)
                if result.signaled, let readModels, readModels < end { killedInCatchUp += 1 }
                try checkAfterKill(j, source: all, volumes: volumes, round: round)
            }
            #expect(killedInCatchUp > 0, "no import was killed during its catch-up; the test proved nothing")
        }
    }
}
