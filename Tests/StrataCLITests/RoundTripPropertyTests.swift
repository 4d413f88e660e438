import Foundation
import StrataLog
import Testing

/// Seeded random property: for a journal written by `strata-bench append` with random
/// shape (commands, sizes, streams, payload bytes), export → import into an empty journal
/// → export again gives the same bytes, both journals verify, and the export's positions
/// and stream versions are gapless.
@Suite("export/import round trip (seeded)")
struct RoundTripPropertyTests {
    /// The random shape of one journal, drawn from its seed.
    struct Shape: CustomStringConvertible {
        let commands: Int
        let maxEvents: Int
        let streams: Int
        let payloadBytes: Int

        init(seed: UInt64) {
            var rng = SplitMix64(seed: seed)
            commands = Int.random(in: 20...250, using: &rng)
            maxEvents = Int.random(in: 1...12, using: &rng)
            streams = Int.random(in: 1...30, using: &rng)
            payloadBytes = Int.random(in: 0...600, using: &rng)
        }

        var description: String {
            "\(commands) commands of 1…\(maxEvents) events over \(streams) streams, \(payloadBytes) filler bytes"
        }
    }

    @Test("export → import → export is byte-identical", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        let shape = Shape(seed: seed)
        try withTemporaryDirectory { dir in
            let original = dir.appendingPathComponent("original").path
            let copy = dir.appendingPathComponent("copy").path
            let appended = try bench(
                "append", "--journal", original, "--commands", String(shape.commands), "--max-events",
                String(shape.maxEvents), "--streams", String(shape.streams), "--payload-bytes",
                String(shape.payloadBytes), "--seed", String(seed), "--tag", "rt\(seed)")
            try #require(appended.exited(0), "strata-bench append (\(shape)): \(appended.err)")
            let summary = try BenchSummary(appended)
            #expect(summary.appended >= shape.commands && summary.appended <= shape.commands * shape.maxEvents)

            let (first, events) = try verifiedBenchExport(journal: original)
            #expect(events.count == summary.appended, "\(shape)")
            expectNoProblems(positionProblems(events), "positions (\(shape))")
            expectNoProblems(streamVersionProblems(events), "stream versions (\(shape))")
            var problems: [String] = []
            let commands = wholeCommands(events, problems: &problems)
            let perTag = sequentialTags(commands, problems: &problems)
            expectNoProblems(problems, "commands (\(shape))")
            #expect(perTag == ["rt\(seed)": shape.commands])

            let exportFile = dir.appendingPathComponent("export.ndjson")
            try first.write(to: exportFile)
            let imported = try strata("import", "--journal", copy, exportFile.path)
            #expect(imported.exited(0), "import (\(shape)): \(imported.err)")
            #expect(imported.out.contains("imported \(grouped(summary.appended)) events, skipped 0"), "\(imported.out)")

            let (second, _) = try verifiedBenchExport(journal: copy)
            #expect(second == first, "the re-export differs from the export (\(shape))")

            // Commit boundaries survive too: one commit per command, in both journals.
            let originalStats = try statsJSON(journal: original)
            let copyStats = try statsJSON(journal: copy)
            #expect(originalStats["commits"] as? Int == shape.commands)
            for key in ["events", "last_position", "last_recorded_at", "commits", "streams"] {
                #expect(
                    originalStats[key] as? AnyHashable == copyStats[key] as? AnyHashable,
                    "stats \(key) differs after the round trip (\(shape))")
            }
        }
    }

    /// Import claims to keep commit boundaries. A file cut after a complete line but in the
    /// middle of a command (sample lines 1–2 of the 3-event command at positions 1–3),
    /// imported and then followed by the whole file, leaves that command as two commits:
    /// the export is byte-identical and verify passes, but the journal is not the source's.
    /// Either refusing the continuation (65) or keeping one commit would be right.
    @Test("resuming after a file cut inside a command keeps the command one commit")
    func resumeAfterCutInsideCommand() throws {
        let sample = try Data(contentsOf: sampleExport)
        let lines = ndjsonLines(sample)
        let first = try jsonObject(lines[0])
        try #require(try jsonObject(lines[2])["correlation_id"] as? String == first["correlation_id"] as? String)
        try withTemporaryDirectory { dir in
            let whole = dir.appendingPathComponent("whole").path
            try #require(try strata("import", "--journal", whole, sampleExport.path).exited(0))
            let sourceCommits = try #require(try statsJSON(journal: whole)["commits"] as? Int)

            let cut = dir.appendingPathComponent("cut.ndjson")
            try Data((lines[0..<2].map { String(decoding: $0, as: UTF8.self) + "\n" }.joined()).utf8).write(to: cut)
            let journal = dir.appendingPathComponent("journal").path
            try #require(try strata("import", "--journal", journal, cut.path).exited(0))
            let resumed = try strata("import", "--journal", journal, sampleExport.path)
            let commits = try statsJSON(journal: journal)["commits"] as? Int
            #expect(resumed.exited(0), "import: \(resumed.err)")
            #expect(commits == sourceCommits, "the resumed journal's commits differ from the source's")
            #expect(try strata("verify", "--journal", journal).exited(0))
            #expect(try strata("export", "--journal", journal).stdout == sample)
        }
    }
}
