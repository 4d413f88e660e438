import Foundation
import StrataLog
import Testing

/// Bytes damaged anywhere in the data file — in LMDB's own pages as well as in stored
/// events — are reported as a corrupted journal (exit 74) or are harmless (exit 0): never
/// a crash or an abort. LMDB trusts its pages: it checks some with assertions that abort
/// the process, and follows damaged page pointers into faults; strata turns both into
/// exit 74. (Without that, heavy damage crashed views and export with SIGSEGV or SIGBUS and
/// verify with LMDB's abort; a stored index value of the wrong length trapped verify.)
@Suite("damaged pages")
struct DamagedPagesTests {
    /// Appends each bundled example report to `journal`, one `strata append` each, in name
    /// order. One file links to a claim of a later one: those are refused and the rest recorded.
    private func appendExamples(to journal: String) throws {
        let examples = repositoryRoot.appendingPathComponent("examples")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted()
        where name.hasSuffix(".yaml") || name.hasSuffix(".json") {
            _ = try strata("append", examples.appendingPathComponent(name).path, "--journal", journal)
        }
    }

    @Test("verify, views and export on a journal with random damage exit 0 or 74, never by a signal (seeded)")
    func randomDamage() throws {
        try withTemporaryDirectory { dir in
            let base = dir.appendingPathComponent("base").path
            let generated = try bench("journal", "--journal", base, "--events", "5000")
            try #require(generated.exited(0), "\(generated.err)")
            try #require(try strata("verify", "--journal", base).exited(0))
            let original = try Data(contentsOf: URL(fileURLWithPath: base + "/data.mdb"))
            var rng = SplitMix64(seed: 20261129)  // the same damage on every run
            var outcomes: [Int32: Int] = [:]
            for trial in 0..<24 {
                let journal = dir.appendingPathComponent("t\(trial)").path
                try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false)
                var bytes = original
                // From a few bytes to many: many flips reach branch pages and page headers.
                for _ in 0..<(trial % 2 == 0 ? 8 : 300) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                }
                try bytes.write(to: URL(fileURLWithPath: journal + "/data.mdb"))
                let commands = [
                    ["verify"], ["volumes", "--by", "year"], ["volumes", "--from", "2019"], ["shipments"],
                    ["timeline", "--commodity", "coal", "--place", "Nampo"], ["export"],
                ]
                for command in commands {
                    let r = try Running(Binaries.strata, command + ["--journal", journal]).wait()
                    #expect(!r.signaled, "\(command) on trial \(trial) died by a signal: \(r.err)")
                    #expect(r.exited(0) || r.exited(74), "\(command) on trial \(trial): exit \(r.status): \(r.err)")
                    if r.exited(74) {
                        #expect(
                            r.err.hasPrefix("error: journal corrupted: ") || r.err.hasPrefix("error: storage: "),
                            "\(r.err)")
                    }
                    if command == ["verify"] { outcomes[r.status, default: 0] += 1 }
                }
                try? FileManager.default.removeItem(atPath: journal)
            }
            // The damage is found: verify cannot call every one of these journals healthy.
            #expect((outcomes[74] ?? 0) >= 12, "outcomes: \(outcomes)")
        }
    }

    @Test("a page zeroed anywhere in the data file is found by verify (exit 74), or held nothing a rebuild needs")
    func everyPageZeroed() throws {
        try withTemporaryDirectory { dir in
            let base = dir.appendingPathComponent("base").path
            try appendExamples(to: base)
            try #require(try strata("verify", "--journal", base).exited(0))
            let original = try Data(contentsOf: URL(fileURLWithPath: base + "/data.mdb"))
            let pageSize = 4096
            var found = 0
            for page in 0..<(original.count / pageSize) {
                let journal = dir.appendingPathComponent("p\(page)").path
                try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false)
                var bytes = original
                bytes.replaceSubrange(page * pageSize..<(page + 1) * pageSize, with: Data(count: pageSize))
                try bytes.write(to: URL(fileURLWithPath: journal + "/data.mdb"))
                let verify = try Running(Binaries.strata, ["verify", "--journal", journal]).wait()
                #expect(
                    verify.exited(0) || verify.exited(74), "page \(page): verify exit \(verify.status): \(verify.err)")
                if verify.exited(74) {
                    found += 1
                } else {
                    // Verify passed: the page held nothing in use, and writing still works.
                    let rebuild = try Running(Binaries.strata, ["rebuild", "--journal", journal]).wait()
                    #expect(
                        rebuild.exited(0), "page \(page): verify passed, rebuild exit \(rebuild.status): \(rebuild.err)"
                    )
                }
                try? FileManager.default.removeItem(atPath: journal)
            }
            #expect(found > 0)
        }
    }

    @Test("a database's row count damaged to a huge number is a hint to views, not an allocation (it aborted volumes)")
    func damagedRowCounts() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("j").path
            try appendExamples(to: journal)
            let views = [["volumes"], ["shipments"]]
            func run(_ view: [String]) throws -> RunResult {
                try Running(Binaries.strata, view + ["--journal", journal, "--format", "json"]).wait()
            }
            let before = try views.map(run)
            for r in before { try #require(r.exited(0), "\(r.err)") }
            // A database's record in the main database is its name, then LMDB's MDB_db:
            // pad, flags, depth (8 bytes), branch, leaf and overflow page counts, then the
            // row count (`md_entries`). Give every copy of the cells' and claims' records
            // (both generations, current and freed pages) a count of 2^62.
            let file = URL(fileURLWithPath: journal + "/data.mdb")
            var bytes = [UInt8](try Data(contentsOf: file))
            var damaged = 0
            for name in ["view_a_volumes", "view_b_volumes", "view_a_claims", "view_b_claims"] {
                let key = Array(name.utf8)
                var at = 0
                while at + key.count + 48 <= bytes.count {
                    guard bytes[at..<(at + key.count)].elementsEqual(key) else {
                        at += 1
                        continue
                    }
                    let entries = at + key.count + 32
                    withUnsafeBytes(of: (UInt64(1) << 62).littleEndian) {
                        bytes.replaceSubrange(entries..<(entries + 8), with: $0)
                    }
                    damaged += 1
                    at += key.count
                }
            }
            try #require(damaged >= 2)
            try Data(bytes).write(to: file)
            for (view, answer) in zip(views, before) {
                let r = try run(view)
                #expect(!r.signaled, "\(view) died by a signal: \(r.err)")
                #expect(r.exited(0), "\(view): exit \(r.status): \(r.err)")
                let same = r.out == answer.out
                #expect(same, "\(view) answered otherwise")
            }
        }
    }
}
