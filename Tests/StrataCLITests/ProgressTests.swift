import Foundation
import Testing

/// Long operations show progress on standard error when it is a terminal (cli.md), and
/// only then: run under `script`, which gives the command a pseudo-terminal, and without.
@Suite("progress on a terminal", .serialized)
struct ProgressTests {
    /// Runs `strata ARGS…` on a pseudo-terminal; returns what the terminal showed.
    private func onTerminal(_ arguments: String...) throws -> RunResult {
        let command = ([Binaries.strata] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try Running("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"]).wait()
    }

    @Test("rebuild, and the read models' catch-up after an import, count their events on a terminal; not in a pipe")
    func rebuildAndCatchUp() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            // More than two transactions of 10,000 events.
            let made = try bench("journal", "--journal", j, "--events", "20500")
            try #require(made.exited(0), "strata-bench journal: \(made.err)")
            let total = try #require(
                (try? JSONSerialization.jsonObject(with: try strata("stats", "--format", "json", "--journal", j).stdout)
                    as? [String: Any])?["events"] as? Int)
            let of = "of \(total / 1000),\(String(format: "%03d", total % 1000)) events"

            let rebuilt = try onTerminal("rebuild", "--journal", j)
            #expect(rebuilt.exited(0), "\(rebuilt.out)")
            #expect(rebuilt.out.contains("\rrebuild: 10,000 \(of)"), "\(rebuilt.out.debugDescription)")
            #expect(rebuilt.out.contains("\rrebuild: 20,000 \(of)"), "\(rebuilt.out.debugDescription)")
            #expect(rebuilt.out.contains("rebuilt state: "), "\(rebuilt.out)")
            let piped = try strata("rebuild", "--journal", j)
            #expect(piped.exited(0) && !piped.err.contains("rebuild:"), "\(piped.err.debugDescription)")

            let export = dir.appendingPathComponent("all.ndjson")
            try #require(try strata("export", "--output", export.path, "--journal", j).exited(0))
            // Into a new journal the read models are written with the events: no catch-up.
            let copy = dir.appendingPathComponent("copy").path
            let imported = try onTerminal("import", export.path, "--journal", copy)
            #expect(imported.exited(0), "\(imported.out)")
            #expect(imported.out.contains("\rimport: "), "\(imported.out.debugDescription)")
            #expect(!imported.out.contains("read models:"), "\(imported.out.debugDescription)")
            // Into one whose read models are behind (every event written without them), the
            // import finds the events there and catches the read models up.
            let behind = dir.appendingPathComponent("behind").path
            _ = try importWithoutReadModels(export, into: behind)
            let caughtUp = try onTerminal("import", export.path, "--journal", behind)
            #expect(caughtUp.exited(0), "\(caughtUp.out)")
            #expect(caughtUp.out.contains("\rread models: 10,000 \(of)"), "\(caughtUp.out.debugDescription)")
        }
    }
}
