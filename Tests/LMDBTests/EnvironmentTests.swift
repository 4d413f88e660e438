import Foundation
import LMDB
import Testing

@Suite("LMDB environment")
struct EnvironmentTests {
    private func withEnvironment(
        mapSize: Int = 1 << 24, _ body: (Environment, String) throws -> Void
    ) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = Environment.Options()
        options.mapSize = mapSize
        let path = dir.path + "/env"
        let env = try Environment(path: path, databases: ["a", "b"], options: options)
        try body(env, path)
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("damage(in:) finds a key changed in place, which leaves the rows out of order while the page reads")
    func keyOutOfOrder() throws {
        try withEnvironment { env, path throws in
            let db = env.database("a")
            try env.write { tx throws in
                for i in 0..<100 { try tx.put(db, key: Array(String(format: "key-%06d", i).utf8), value: [UInt8(i)]) }
            }
            #expect(try env.damage(in: db) == nil)
            // Rewrite key-000050 as key-000090 in the file: the page is intact, the order not.
            let file = path + "/data.mdb"
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let old = Array("key-000050".utf8)
            let at = try #require(
                (0...(bytes.count - old.count)).first { bytes[$0..<($0 + old.count)].elementsEqual(old) })
            bytes.replaceSubrange(at..<(at + old.count), with: Array("key-000090".utf8))
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let found = try env.damage(in: db)
            #expect(
                found?.isCorrupted == true && found?.description.contains("out of key order") == true,
                "\(String(describing: found))")
        }
    }

    @Test("damage(in: .freePages) reads LMDB's record of free pages in its order, by transaction id as an integer")
    func freePagesInIntegerOrder() throws {
        try withEnvironment { env, _ throws in
            let db = env.database("a")
            // A reader holds the first snapshot, so no freed page is reused and the record
            // keeps an entry for each of 600 transactions: ids 255 and 256 among them, whose
            // bytes (little-endian) sort the other way round.
            try env.read { _ in
                for i in 0..<600 {
                    try env.write { tx in
                        try tx.put(db, key: [1], value: [UInt8](repeating: UInt8(i % 251), count: 5_000))
                    }
                }
            }
            #expect(try env.read { try $0.freePages() } > 600)
            #expect(try env.damage(in: .freePages) == nil)
        }
    }

    @Test("the directory is created 0700 and its files 0600")
    func permissionsAreTight() throws {
        try withEnvironment { _, path throws in
            #expect(try permissions(path) == 0o700)
            #expect(try permissions(path + "/data.mdb") == 0o600)
            #expect(try permissions(path + "/lock.mdb") == 0o600)
        }
    }

    @Test("missing parent directories are created, each 0700; a file in the way is an error")
    func parentsAreCreated() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/journals/2020/nk/"
        _ = try Environment(path: path, databases: ["a"])
        for created in ["/journals", "/journals/2020", "/journals/2020/nk"] {
            #expect(try permissions(dir.path + created) == 0o700, "\(created)")
        }
        #expect(FileManager.default.fileExists(atPath: path + "data.mdb"))
        _ = FileManager.default.createFile(atPath: dir.path + "/file", contents: Data())
        #expect(throws: LMDBError.self) { try Environment(path: dir.path + "/file/journal", databases: ["a"]) }
    }

    @Test("a write commits when its closure returns")
    func writeCommits() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            _ = try env.write { try $0.put(a, key: [1], value: [42]) }
            #expect(try env.read { try $0.value(a, key: [1]) } == [42])
            #expect(try env.read { try $0.value(env.database("b"), key: [1]) } == nil)
        }
    }

    @Test("a write aborts when its closure throws")
    func writeAbortsOnThrow() throws {
        struct Boom: Error {}
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            #expect(throws: Boom.self) {
                try env.write { tx throws in
                    try tx.put(a, key: [1], value: [1])
                    throw Boom()
                }
            }
            #expect(try env.read { try $0.value(a, key: [1]) } == nil)
        }
    }

    @Test("a read transaction sees a snapshot, not later writes")
    func readIsASnapshot() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            _ = try env.write { try $0.put(a, key: [1], value: [1]) }
            try env.read { tx throws in
                _ = try env.write { try $0.put(a, key: [1], value: [2]) }
                #expect(try tx.value(a, key: [1]) == [1])
            }
            #expect(try env.read { try $0.value(a, key: [1]) } == [2])
        }
    }

    @Test("noOverwrite refuses an existing key; delete reports absence")
    func putFlagsAndDelete() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            try env.write { tx throws in
                #expect(try tx.put(a, key: [7], value: [1], flags: .noOverwrite))
                #expect(try !tx.put(a, key: [7], value: [2], flags: .noOverwrite))
                #expect(try tx.value(a, key: [7]) == [1])
                #expect(try tx.delete(a, key: [7]))
                #expect(try !tx.delete(a, key: [7]))
            }
        }
    }

    @Test("append out of key order is refused with MDB_KEYEXIST")
    func appendOutOfOrderFails() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            do {
                try env.write { tx throws in
                    try tx.put(a, key: [5], value: [1], flags: .append)
                    try tx.put(a, key: [3], value: [1], flags: .append)
                }
                Issue.record("expected an error")
            } catch LMDBError.Code.keyExists {
            }
        }
    }

    @Test("a tiny map grows by itself when a write fills it")
    func mapGrows() throws {
        try withEnvironment(mapSize: 64 * 1024) { env, _ throws in
            let a = env.database("a")
            let before = env.info().mapSize
            let value = [UInt8](repeating: 0xAB, count: 1000)
            for batch in 0..<20 {
                try env.write { tx throws in
                    for i in 0..<250 {
                        let key = withUnsafeBytes(of: UInt32(batch * 250 + i).bigEndian) { Array($0) }
                        try tx.put(a, key: key, value: value)
                    }
                }
            }
            #expect(env.info().mapSize > before)
            #expect(try env.read { try $0.stat(a).entries } == 5000)
        }
    }

    @Test("reserve writes the value in place")
    func reserve() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            _ = try env.write { tx throws in
                try [UInt8]([9]).withUnsafeBytes { key throws in
                    try tx.put(a, key: key, reserving: 3) { out throws in
                        out.copyBytes(from: [1, 2, 3])
                    }
                }
            }
            #expect(try env.read { try $0.value(a, key: [9]) } == [1, 2, 3])
        }
    }

    @Test("errors keep the LMDB code, the operation and a message")
    func errorsCarryContext() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.path + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data([1, 2, 3]))
        do {
            _ = try Environment(path: file + "/sub", databases: ["a"])
            Issue.record("expected an error opening an environment under a file")
        } catch let error as LMDBError {
            #expect(error.code != 0)
            #expect(!error.message.isEmpty)
            #expect(error.description.contains(error.operation))
        }
    }

    @Test("a file that is not LMDB is refused as invalid")
    func notAnLMDBFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/env"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path + "/data.mdb", contents: Data(repeating: 0x5A, count: 16384))
        #expect(throws: LMDBError.self) { _ = try Environment(path: path, databases: ["a"]) }
    }

    @Test("putAppending takes the append path in key order and an ordinary put out of it")
    func putAppending() throws {
        try withEnvironment { env, _ throws in
            let a = env.database("a")
            try env.write { tx throws in
                for k: UInt8 in [1, 2, 5, 3, 5, 9] { try tx.putAppending(a, key: [k], value: [k, k]) }
            }
            try env.read { tx throws in
                var keys: [UInt8] = []
                try tx.withCursor(a) { c throws in
                    try c.scan { k, v in
                        keys.append(k[0]); return v.elementsEqual([k[0], k[0]])
                    }
                }
                #expect(keys == [1, 2, 3, 5, 9])
            }
        }
    }

    @Test("a set database keeps each key's values sorted and unique, and cursors move within them")
    func setDatabase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = Environment.Options()
        options.sets = ["s"]
        let env = try Environment(path: dir.path + "/env", databases: ["s", "plain"], options: options)
        let s = env.database("s")
        try env.write { tx throws in
            // In order (the append path), out of order and repeated.
            for v: UInt8 in [10, 20, 30, 25, 5, 20, 40] { try tx.putMember(s, key: [1], value: [v, 0]) }
            try tx.putMember(s, key: [2], value: [7, 7])
        }
        try env.read { tx throws in
            try tx.withCursor(s) { c throws in
                func all(_ key: UInt8) throws -> [UInt8] {
                    var out: [UInt8] = []
                    var move = Cursor.MemberMove.first(key: [key])
                    while let v = try c.member(move, { $0[0] }) {
                        out.append(v)
                        move = .next
                    }
                    return out
                }
                #expect(try all(1) == [5, 10, 20, 25, 30, 40])
                #expect(try all(2) == [7])
                #expect(try all(3) == [])
                #expect(try c.member(.atLeast(key: [1], value: [21, 0]), { $0[0] }) == 25)
                #expect(try c.member(.previous, { $0[0] }) == 20)
                #expect(try c.member(.atLeast(key: [1], value: [41, 0]), { $0[0] }) == nil)
                #expect(try c.member(.last(key: [1]), { $0[0] }) == 40)
                #expect(try c.member(.last(key: [2]), { $0[0] }) == 7)
                #expect(try c.member(.previous, { $0[0] }) == nil)
                #expect(try c.member(.first(key: []), { $0[0] }) == nil)
            }
        }
    }

    @Test("dropDatabase deletes a database the environment no longer names, and says whether it was there")
    func dropDatabase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/env"
        do {
            let old = try Environment(path: path, databases: ["old", "kept"])
            try old.write { tx throws in
                try tx.put(old.database("old"), key: [1], value: [1])
                try tx.put(old.database("kept"), key: [1], value: [1])
            }
        }
        do {
            let env = try Environment(path: path, databases: ["kept"])
            try env.write { tx throws in
                #expect(try tx.dropDatabase(named: "old"))
                #expect(try !tx.dropDatabase(named: "never-was"))
            }
        }
        // Opened again, "old" is a new, empty database; "kept" kept its row.
        let again = try Environment(path: path, databases: ["old", "kept"])
        try again.read { tx throws in
            #expect(try tx.stat(again.database("old")).entries == 0)
            #expect(try tx.value(again.database("kept"), key: [1]) == [1])
        }
    }
}
