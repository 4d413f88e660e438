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
                        // The C library may have said why LMDB's write aborted on a line before.
                        let said = r.err.split(separator: "\n").last { $0.hasPrefix("error: ") } ?? ""
                        #expect(
                            said.hasPrefix("error: journal corrupted: ") || said.hasPrefix("error: storage: "),
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

    /// Sets `bytes` at `offset` after every copy of `key` in `journal`'s data file (the
    /// current page holding it and any freed copies); returns how many it changed.
    private func overwrite(_ journal: String, after key: String, at offset: Int, with bytes: [UInt8]) throws -> Int {
        let file = URL(fileURLWithPath: journal + "/data.mdb")
        var data = [UInt8](try Data(contentsOf: file))
        let key = Array(key.utf8)
        var found = 0
        var at = 0
        while at + key.count + offset + bytes.count <= data.count {
            guard data[at..<(at + key.count)].elementsEqual(key) else {
                at += 1
                continue
            }
            let start = at + key.count + offset
            data.replaceSubrange(start..<(start + bytes.count), with: bytes)
            found += 1
            at += key.count
        }
        try Data(data).write(to: file)
        return found
    }

    @Test(
        "a database's row or page count damaged to 2^62 is reported as damage (exit 74), not a trap or an allocation",
        arguments: [
            // A database's record in the main database is its name, then LMDB's MDB_db: pad,
            // flags, depth (8 bytes), branch, leaf and overflow page counts, row count.
            // The cells' row count aborted `volumes` (room for 2^62 cells); the commits'
            // branch pages trapped `stats` (their bytes overflowed).
            (["view_a_volumes", "view_b_volumes"], 32, ["volumes"]),
            (["commits"], 8, ["stats"]),
        ])
    func damagedCounts(databases: [String], offset: Int, command: [String]) throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("j").path
            try appendExamples(to: journal)
            try #require(try Running(Binaries.strata, command + ["--journal", journal]).wait().exited(0))
            var damaged = 0
            for name in databases {
                damaged += try overwrite(
                    journal, after: name, at: offset,
                    with: withUnsafeBytes(of: (UInt64(1) << 62).littleEndian, Array.init))
            }
            try #require(damaged >= 1)
            let r = try Running(Binaries.strata, command + ["--journal", journal]).wait()
            #expect(!r.signaled, "\(command) died by a signal: \(r.err)")
            #expect(
                r.exited(74) && r.err.hasPrefix("error: journal corrupted: "), "\(command): exit \(r.status): \(r.err)")
        }
    }

    @Test("a read-model checkpoint past the log's end is reported as damage (exit 74); it trapped views")
    func checkpointPastTheLog() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("j").path
            try appendExamples(to: journal)
            // The checkpoint: position (8 bytes, big-endian), then the read models' version.
            var damaged = 0
            for key in ["checkpoint_a", "checkpoint_b"] {
                damaged += try overwrite(
                    journal, after: key, at: 0, with: withUnsafeBytes(of: UInt64(1_000_000).bigEndian, Array.init))
            }
            try #require(damaged >= 1)
            let r = try Running(Binaries.strata, ["volumes", "--journal", journal]).wait()
            #expect(!r.signaled, "volumes died by a signal: \(r.err)")
            #expect(r.exited(74), "volumes: exit \(r.status): \(r.err)")
            #expect(r.err.contains("checkpoint 1000000 is past the log's end"), "\(r.err)")
        }
    }
}
