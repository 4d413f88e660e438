import Foundation
import StrataLog
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Processes killed with SIGKILL at seeded random moments: the journal must still verify
/// and hold whole commands only; an interrupted import keeps a prefix of whole commands
/// and completes when run again.
@Suite("SIGKILL during writes", .serialized)
struct CrashTests {
    @Test("killed appends leave whole commands; later runs append after the survivors")
    func killedAppends() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let first = try bench("append", "--journal", journal, "--commands", "25", "--tag", "first", "--seed", "1")
            try #require(first.exited(0), "strata-bench append: \(first.err)")
            var expected: [String: Int] = ["first": 25]
            var rng = SplitMix64(seed: 0x5EED_C4A5)
            var delays: [Int] = []
            var previousExport = Data()
            var events: [BenchEvent] = []
            for run in 0..<15 {
                let tag = "kill\(run)"
                let delay = Int.random(in: 50...800, using: &rng)
                delays.append(delay)
                let process = try Running(
                    Binaries.bench,
                    [
                        "append", "--journal", journal, "--commands", "100000", "--max-events", "6", "--streams", "20",
                        "--payload-bytes", "16", "--tag", tag, "--seed", String(run + 10),
                    ])
                Thread.sleep(forTimeInterval: Double(delay) / 1000)
                process.kill()
                let result = process.wait()
                #expect(result.signaled && result.status == SIGKILL, "run \(run): not killed: \(result.err)")

                // verify, then the export: the earlier export must be a byte prefix of it
                // (survivors never change), so only the new lines need parsing.
                let (export, _) = try verifiedBenchExport(journal: journal, parse: false)
                #expect(export.prefix(previousExport.count) == previousExport, "run \(run) changed earlier events")
                events += try benchEvents(export.dropFirst(previousExport.count))
                previousExport = export
                expectNoProblems(positionProblems(events), "run \(run): positions")
                expectNoProblems(streamVersionProblems(events), "run \(run): stream versions")
                var problems: [String] = []
                let commands = wholeCommands(events, problems: &problems)
                // Each run's survivors are its commands 0…k-1, with nothing lost in between.
                let perTag = sequentialTags(commands, problems: &problems)
                expectNoProblems(problems, "run \(run) (killed after \(delay) ms): commands")
                // Earlier runs' commands are all still there; this run added after them.
                expected[tag] = perTag[tag] ?? 0
                #expect(perTag.filter { $0.value > 0 } == expected.filter { $0.value > 0 }, "run \(run)")
                if let firstOfRun = commands.first(where: { $0.tag == tag }) {
                    let before = commands.filter { $0.tag != tag }.map(\.lastPosition).max() ?? 0
                    #expect(firstOfRun.firstPosition > before, "run \(run) appended before earlier survivors")
                }
            }
            let survived = expected.filter { $0.key != "first" }.values
            print("killed appends: delays \(delays) ms; commands kept per run \(expected)")
            // Most runs got past start-up before their kill, so the kills hit real work.
            #expect(survived.filter { $0 > 0 }.count >= 5, "too few runs appended anything: \(expected)")
        }
    }

    @Test("a killed import keeps whole commands, a prefix of the source, and completes when rerun")
    func killedImports() throws {
        try withTemporaryDirectory { dir in
            // A source export several import batches (10,000 events) long.
            let generated = dir.appendingPathComponent("generated").path
            let commands = 700  // 21,676 events with this seed: two full batches and a partial one
            let made = try bench(
                "append", "--journal", generated, "--commands", String(commands), "--max-events", "60", "--streams",
                "50", "--payload-bytes", "40", "--tag", "src", "--seed", "77")
            try #require(made.exited(0), "strata-bench append: \(made.err)")
            let sourceFile = dir.appendingPathComponent("source.ndjson")
            try #require(try strata("export", "--journal", generated, "--output", sourceFile.path).exited(0))
            let source = try Data(contentsOf: sourceFile)
            let lines = ndjsonLines(source)
            let events = try benchEvents(source)
            try #require(events.count > 2 * 10_000, "the source should span several import batches")

            var lineEnds: [Int] = [0]  // byte offset after each line
            for line in lines { lineEnds.append(lineEnds.last! + line.count + 1) }
            let commitPoints = importCommitPoints(events)

            // How long a whole import takes here, to aim the kills inside it.
            let start = ContinuousClock.now
            let reference = try strata("import", "--journal", dir.appendingPathComponent("ref").path, sourceFile.path)
            let fullMilliseconds = milliseconds(since: start)
            try #require(reference.exited(0), "import: \(reference.err)")

            var rng = SplitMix64(seed: 0x1A90_0D7)
            var kept: [Int] = []
            for run in 0..<10 {
                let journal = dir.appendingPathComponent("journal\(run)").path
                let delay = Int.random(in: (fullMilliseconds / 5)...fullMilliseconds, using: &rng)
                let process = try Running(Binaries.strata, ["import", "--journal", journal, sourceFile.path])
                if run < 9 {
                    Thread.sleep(forTimeInterval: Double(delay) / 1000)
                } else {
                    // The reference import may have run on a quieter machine than these, and
                    // every kill so far may have come before the first commit: the last run
                    // is killed as soon as the journal holds its first commit.
                    func committed() throws -> Bool {
                        let stats = try strata("stats", "--format", "json", "--journal", journal)
                        guard stats.exited(0), let s = try? jsonObject(stats.stdout) else { return false }
                        return (s["last_position"] as? Int ?? 0) > 0
                    }
                    while process.process.isRunning, try !committed() { usleep(5_000) }
                }
                process.kill()
                let killed = process.wait()
                #expect(killed.signaled || killed.exited(0), "run \(run): import failed: \(killed.err)")

                var prefix = Data()
                if permissions(journal + "/data.mdb") != nil {
                    let verify = try strata("verify", "--journal", journal)
                    #expect(verify.exited(0), "run \(run): verify after the kill: \(verify.out)")
                    let export = try strata("export", "--journal", journal)
                    #expect(export.exited(0), "run \(run): export: \(export.err)")
                    prefix = export.stdout
                    // The import may have left stream heads unstored (it stores them every
                    // 262,144 events and at its end): stats counts the streams from the events.
                    let stats = try strata("stats", "--journal", journal, "--format", "json")
                    let streams = Set(try benchEvents(prefix).map(\.stream)).count
                    #expect(
                        try jsonObject(stats.stdout)["streams"] as? Int == streams, "run \(run): \(stats.out)")
                }
                // A byte prefix of the source, ending at a line end…
                #expect(prefix.count <= source.count && source.prefix(prefix.count) == prefix, "run \(run)")
                let k = try #require(lineEnds.firstIndex(of: prefix.count), "run \(run): prefix ends mid-line")
                kept.append(k)
                // …and at a command boundary: the next line starts another command…
                if k > 0 && k < events.count {
                    let last = events[k - 1]
                    let next = events[k]
                    #expect(
                        next.correlationID != last.correlationID || next.recordedAt != last.recordedAt,
                        "run \(run): the import kept half of the command at \(next.position)")
                }
                // …where the import commits.
                #expect(
                    commitPoints.contains(k), "run \(run): \(k) events kept; commits are at \(commitPoints.sorted())")

                let rerun = try strata("import", "--journal", journal, sourceFile.path)
                #expect(rerun.exited(0), "run \(run): rerun: \(rerun.err)")
                #expect(
                    rerun.out.contains(
                        "imported \(grouped(events.count - k)) events, skipped \(grouped(k)) already present"),
                    "run \(run): \(rerun.out)")
                let final = try strata("export", "--journal", journal)
                #expect(final.stdout == source, "run \(run): the completed import differs from the source")
                // The same bytes could hide a command split over two commits: one commit per command.
                let finalVerify = try strata("verify", "--journal", journal)
                #expect(finalVerify.exited(0), "run \(run): verify after the rerun: \(finalVerify.out)")
                #expect(try statsJSON(journal: journal)["commits"] as? Int == commands, "run \(run): commits")
                try? FileManager.default.removeItem(atPath: journal)
            }
            print("killed imports: a full import took \(fullMilliseconds) ms; events kept per run \(kept)")
            #expect(kept.contains { $0 > 0 && $0 < events.count }, "no kill landed between two commits: \(kept)")
        }
    }
}
