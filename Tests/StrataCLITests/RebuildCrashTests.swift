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
}
