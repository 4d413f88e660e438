import Foundation
import StrataLog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An import writes its events without touching the read models, then brings them up to
/// date in transactions of their own (the catch-up). Killed during that catch-up, it
/// leaves every event written, the read models behind but whole, and the journal
/// verifying; the next reading command (or the import run again) catches up, and the
/// answers are those of the journal the events came from.
@Suite("SIGKILL during the read models' catch-up", .serialized)
struct CatchUpCrashTests {
    @Test("an import killed while its read models catch up loses nothing and changes no answer")
    func killedCatchUps() throws {
        try withTemporaryDirectory { dir in
            let source = dir.appendingPathComponent("source").path
            let made = try bench("journal", "--journal", source, "--events", "12000")
            try #require(made.exited(0), "strata-bench journal: \(made.err)")
            let export = try strata("export", "--journal", source)
            try #require(export.exited(0))
            let lines = ndjsonLines(export.stdout)
            let total = lines.count
            let all = dir.appendingPathComponent("all.ndjson")
            try export.stdout.write(to: all)
            // The first events, imported (and their read models caught up) before each run,
            // so the killed import's catch-up starts from a checkpoint, not from nothing.
            let head = dir.appendingPathComponent("head.ndjson")
            try Data(lines.prefix(1500).map { $0 + Data([0x0A]) }.joined()).write(to: head)
            let expected = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", source)
            try #require(expected.exited(0))

            var rng = SplitMix64(seed: 0xCA7C_0001)
            var killedInCatchUp = 0
            for round in 0..<4 {
                let j = dir.appendingPathComponent("j\(round)").path
                try #require(try strata("import", head.path, "--journal", j).exited(0))
                let run = try Running(Binaries.strata, ["import", all.path, "--journal", j])
                // Wait until every event is written (stats reads the log without touching
                // the read models), then kill at a random moment of the catch-up.
                var written = false
                while !written {
                    let stats = try strata("stats", "--format", "json", "--journal", j)
                    let events = (try? JSONSerialization.jsonObject(with: stats.stdout) as? [String: Any])?["events"] as? Int
                    written = events == total
                    if !written { usleep(2_000) }
                    if !run.process.isRunning { break }
                }
                usleep(UInt32(Int.random(in: 0...150, using: &rng) * 1000))
                run.kill()
                let result = run.wait()
                if result.signaled && written { killedInCatchUp += 1 }
                let verify = try strata("verify", "--journal", j)
                #expect(verify.exited(0), "verify after a killed catch-up: \(verify.out)\(verify.err)")
                let after = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
                #expect(after.exited(0))
                #expect(after.stdout == expected.stdout, "a killed catch-up changed the answer")
                let again = try strata("import", all.path, "--journal", j)
                #expect(again.exited(0), "importing again: \(again.err)")
                #expect(again.out.contains("imported 0 events"))
                #expect(try strata("export", "--journal", j).stdout == export.stdout)
            }
            #expect(killedInCatchUp > 0, "no import was killed during its catch-up; the test proved nothing")
        }
    }
}
