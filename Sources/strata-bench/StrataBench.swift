import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

/// Developer tool for benchmarks and for the multi-process and crash tests: drives the
/// event log directly, as many commands as asked, and times replays. Not part of the
/// user's CLI.
@main
struct StrataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata-bench",
        abstract: "Load generator and replay timer for the Strata event log (benchmarks and tests).",
        subcommands: [
            Append.self, Replay.self, PayloadBytes.self, Ingest.self, Reports.self, GenerateJournal.self, JSONTree.self,
            BigReport.self,
        ]
    )

    /// Times `measure` (which returns its seconds) at `n` and at `2n` things and prints a
    /// JSON line for each: when the work is linear the two rates are close.
    static func timeDoubling(_ n: Int, op: String, counting unit: String, _ measure: (Int) throws -> Double) throws {
        for size in [n, 2 * n] {
            let seconds = try measure(size)
            print(
                Payload.object([
                    "op": .string(op), .init(unit): .int(Int64(size)), "seconds": .double(seconds),
                    .init(unit + "_per_s"): .double(Double(size) / max(seconds, 1e-9)),
                ]).json)
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
