import Foundation
import StrataLog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A rebuild killed at any moment leaves the read models as they were: it fills the
/// inactive generation and switches only in its last transaction.
@Suite("SIGKILL during rebuild", .serialized)
struct RebuildCrashTests {
    @Test("killed rebuilds leave answers unchanged and the journal verifying")
    func killedRebuilds() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let made = try bench("journal", "--journal", j, "--events", "6000")
            try #require(made.exited(0), "strata-bench journal: \(made.err)")
            let before = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
            try #require(before.exited(0))
            // How long a whole rebuild takes, to spread the kills over it.
            let start = ContinuousClock.now
            try #require(try strata("rebuild", "--journal", j).exited(0))
            let full = max(20, milliseconds(since: start))
            var rng = SplitMix64(seed: 0xAB_CDEF)
            var killedMidway = 0
            for _ in 0..<4 {
                let run = try Running(Binaries.strata, ["rebuild", "--journal", j])
                usleep(UInt32(Int.random(in: full / 10...(full * 9 / 10), using: &rng) * 1000))
                run.kill()
                let result = run.wait()
                if result.signaled { killedMidway += 1 }
                let verify = try strata("verify", "--journal", j)
                #expect(verify.exited(0), "verify after a killed rebuild: \(verify.out)\(verify.err)")
                let after = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
                #expect(after.exited(0))
                #expect(after.stdout == before.stdout, "a killed rebuild changed the answer")
            }
            #expect(killedMidway > 0, "no rebuild was killed before it finished; the test proved nothing")
        }
    }

    @Test("two rebuilds at once share the work, give the same answers, and each says whether it had help")
    func concurrentRebuilds() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            // Two transactions of 10,000 events or fewer; the second rebuild starts inside the
            // first and, waiting for LMDB's write lock, takes it at the end of the first's
            // first transaction (writers take turns).
            try #require(try bench("journal", "--journal", j, "--events", "12000").exited(0))
            let before = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
            try #require(before.exited(0))
            let position = try #require(try statsJSON(journal: j)["last_position"] as? Int)
            let start = ContinuousClock.now
            let alone = try strata("rebuild", "--journal", j)
            let full = milliseconds(since: start)
            #expect(
                alone.exited(0) && alone.out.contains("\(grouped(position)) events read")
                    && !alone.out.contains("another"))

            // On a loaded machine the second can start too late (after the first's last
            // transaction began). Every attempt must be right; at least one must overlap,
            // or the test proved nothing.
            var helped = 0
            var outputs: [[String]] = []
            for attempt in 1...3 where helped == 0 {
                let first = try Running(Binaries.strata, ["rebuild", "--journal", j])
                usleep(UInt32(max(50, full * attempt / 10) * 1000))
                let second = try Running(Binaries.strata, ["rebuild", "--journal", j]).wait()
                let results = [first.wait(), second]
                outputs.append(results.map(\.out))
                for r in results {
                    #expect(r.exited(0), "\(r.err)")
                    // Fewer events read than the journal holds, with the reason; or all of them.
                    let read = try #require(
                        r.out.firstMatch(of: /rebuilt state: ([\d,]+) events read/).map {
                            Int($0.1.replacingOccurrences(of: ",", with: ""))
                        } ?? nil, "\(r.out)")
                    let says = r.out.contains(
                        "another rebuild of this journal ran at the same time and read the rest: the read models are complete to position \(position)"
                    )
                    #expect(says == (read < position), "\(r.out)")
                    if says { helped += 1 }
                }
                let after = try strata("volumes", "--by", "quarter", "--format", "json", "--journal", j)
                #expect(after.stdout == before.stdout)
                #expect(try strata("verify", "--journal", j).exited(0))
            }
            #expect(helped > 0, "the rebuilds never overlapped; the test proved nothing: \(outputs)")
        }
    }
}
