import LMDB
import Testing

@Suite("LMDB cursor")
struct CursorTests {
    /// Keys 10, 20, …, 100 with values equal to the key.
    private func withFilled(_ body: (Environment, Database) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.path + "/env", databases: ["d"])
        let d = env.database("d")
        try env.write { tx throws in
            for k in stride(from: 10, through: 100, by: 10) { try tx.put(d, key: [UInt8(k)], value: [UInt8(k)]) }
        }
        try body(env, d)
    }

    @Test("steps forwards and backwards")
    func stepping() throws {
        try withFilled { env, d throws in
            try env.read { tx throws in
                try tx.withCursor(d) { c throws in
                    #expect(try c.first()?.key == [10])
                    #expect(try c.next()?.key == [20])
                    #expect(try c.prev()?.key == [10])
                    #expect(try c.prev() == nil)
                    #expect(try c.last()?.key == [100])
                    #expect(try c.next() == nil)
                }
            }
        }
    }

    @Test("seeks to the nearest key", arguments: [
        (UInt8(25), UInt8?(30), UInt8?(20)), (30, 30, 30), (5, 10, nil), (101, nil, 100),
    ])
    func seeking(target: UInt8, atLeast: UInt8?, atMost: UInt8?) throws {
        try withFilled { env, d throws in
            try env.read { tx throws in
                try tx.withCursor(d) { c throws in
                    #expect(try c.seek(atLeast: [target])?.key.first == atLeast)
                    #expect(try c.seek(atMost: [target])?.key.first == atMost)
                }
            }
        }
    }

    @Test("scans from a key, both ways, stopping when asked")
    func scanning() throws {
        try withFilled { env, d throws in
            try env.read { tx throws in
                try tx.withCursor(d) { c throws in
                    var seen: [UInt8] = []
                    try c.scan(from: [35]) { k, v throws in
                        #expect(k.first == v.first)
                        seen.append(k[0])
                        return seen.count < 3
                    }
                    #expect(seen == [40, 50, 60])
                    seen = []
                    try c.scan(from: [35], reverse: true) { k, _ throws in
                        seen.append(k[0])
                        return true
                    }
                    #expect(seen == [30, 20, 10])
                    seen = []
                    try c.scan { k, _ throws in
                        seen.append(k[0])
                        return true
                    }
                    #expect(seen == Array(stride(from: 10, through: 100, by: 10)).map(UInt8.init))
                }
            }
        }
    }
}
