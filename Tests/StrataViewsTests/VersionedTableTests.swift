import Foundation
import LMDB
import StrataLog
import Testing

@testable import StrataViews

/// The versioned rows every read model is stored in: the state of each entity at any
/// position, however many versions it has, read in one pass.
@Suite("Versioned tables")
struct VersionedTableTests {
    @Test("a scan at any position gives each entity's last version at or before it", arguments: [1, 2, 3] as [UInt64])
    func scanAtEveryPosition(seed: UInt64) throws {
        let dir = NSTemporaryDirectory() + "strata-versioned-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try Environment(path: dir, databases: ["rows"])
        let table = VersionedTable(database: env.database("rows"))
        // Entities with 1 to 12 versions (some deletions), written at random positions;
        // the expected answer is computed from the same history in memory.
        var rng = SplitMix64(seed: seed)
        let entities = (0..<40).map {
            Array("e\($0 * 7 % 40)".utf8) + (Bool.random(using: &rng) ? Array("x".utf8) : [])
        }
        var history: [[UInt8]: [(Position, [UInt8])]] = [:]
        var position: UInt64 = 0
        try env.write { tx in
            for _ in 0..<300 {
                position += UInt64.random(in: 1...3, using: &rng)
                let entity = entities[Int(rng.next() % UInt64(entities.count / (Bool.random(using: &rng) ? 8 : 1)))]
                let value: [UInt8] = rng.next() % 6 == 0 ? [] : Array("v\(position)".utf8)
                history[entity, default: []].append((Position(position), value))
                try table.put(tx, entity: entity, at: Position(position), value: value)
            }
        }
        #expect(history.values.contains { $0.count > 8 }, "some entity has many versions")
        for p in stride(from: UInt64(0), through: position + 1, by: 1) {
            var expected: [[UInt8]: [UInt8]] = [:]
            for (entity, versions) in history {
                if let last = versions.last(where: { $0.0.rawValue <= p }), !last.1.isEmpty {
                    expected[entity] = last.1
                }
            }
            var got: [[UInt8]: [UInt8]] = [:]
            var order: [[UInt8]] = []
            try env.read { tx in
                try table.scan(tx, at: Position(p)) { entity, value in
                    got[entity] = value
                    order.append(entity)
                }
            }
            #expect(got == expected, "at \(p)")
            #expect(order == order.sorted { $0.lexicographicallyPrecedes($1) }, "entities in key order at \(p)")
            // A prefix picks its entities only.
            let prefix = Array("e1".utf8)
            var prefixed: [[UInt8]: [UInt8]] = [:]
            try env.read { tx in try table.scan(tx, prefix: prefix, at: Position(p)) { prefixed[$0] = $1 } }
            #expect(prefixed == expected.filter { $0.key.starts(with: prefix) }, "prefix at \(p)")
        }
    }

    @Test(
        "versioned set members: each name's members at any position, however many versions a member has",
        arguments: [1, 2, 3, 4] as [UInt64])
    func membersAtEveryPosition(seed: UInt64) throws {
        let dir = NSTemporaryDirectory() + "strata-members-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = Environment.Options()
        options.sets = ["members"]
        let env = try Environment(path: dir, databases: ["members"], options: options)
        let set = VersionedMembers(database: env.database("members"))
        // Members mostly join after a name's last (as claims do), sometimes before it, and
        // some come and go many times; every position holds at most one value per member.
        var rng = SplitMix64(seed: seed)
        let names = (0..<6).map { Array("n\($0)".utf8) }
        var history: [[UInt8]: [UInt64: [(UInt64, Bool)]]] = [:]
        var position: UInt64 = 0
        var newest: UInt64 = 0
        for batch in 0..<4 {
            try env.write { tx in
                for _ in 0..<150 {
                    position += UInt64.random(in: 1...3, using: &rng)
                    let name = names[Int(rng.next() % UInt64(names.count))]
                    let member: UInt64
                    switch rng.next() % 4 {
                    case 0, 1:
                        newest += 1
                        member = newest
                    case 2: member = 1 + rng.next() % 3  // a few members with many versions
                    default: member = 1 + rng.next() % max(newest, 1)
                    }
                    let present = rng.next() % 3 != 0
                    history[name, default: [:]][member, default: []].append((position, present))
                    try set.set(tx, name: name, member: Position(member), present: present, at: Position(position))
                }
            }
            _ = batch
        }
        #expect(history.values.contains { $0.values.contains { $0.count > 8 } }, "some member has many versions")
        func expected(_ name: [UInt8], at p: UInt64) -> [UInt64] {
            (history[name] ?? [:]).compactMap { member, versions in
                versions.last(where: { $0.0 <= p })?.1 == true ? member : nil
            }.sorted()
        }
        for p in Array(stride(from: UInt64(0), through: position + 1, by: 1)) + [UInt64.max] {
            try env.read { tx in
                for name in names {
                    var got: [UInt64] = []
                    try set.members(tx, name: name, at: Position(p)) { got.append($0.rawValue) }
                    #expect(got == expected(name, at: p), "\(String(decoding: name, as: UTF8.self)) at \(p)")
                }
                var none: [Position] = []
                try set.members(tx, name: Array("absent".utf8), at: Position(p)) { none.append($0) }
                #expect(none.isEmpty)
            }
        }
    }

    @Test("a set's values found out of order in the file are reported as damage, not followed round in a circle")
    func membersOutOfOrder() throws {
        let dir = NSTemporaryDirectory() + "strata-members-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = Environment.Options()
        options.sets = ["members"]
        let name = Array("coal".utf8)
        // Members 1…6, each in, out and in again (few enough values that reads step through
        // them all: the swapped values below are met whatever the position).
        func write() throws {
            let env = try Environment(path: dir, databases: ["members"], options: options)
            let set = VersionedMembers(database: env.database("members"))
            try env.write { tx in
                for m in UInt64(1)...6 {
                    for p in UInt64(1)...3 {
                        try set.set(tx, name: name, member: Position(m), present: p != 2, at: Position(m * 10 + p))
                    }
                }
            }
        }
        func read(at position: UInt64) throws -> [UInt64] {
            let env = try Environment(path: dir, databases: ["members"], options: options)
            let set = VersionedMembers(database: env.database("members"))
            var out: [UInt64] = []
            try env.read { tx in try set.members(tx, name: name, at: Position(position)) { out.append($0.rawValue) } }
            return out
        }
        try write()
        #expect(try read(at: 45) == [1, 2, 3, 4])
        // Swap two stored values in place, as damage might: member 4's first and member 2's first.
        let file = URL(fileURLWithPath: dir + "/data.mdb")
        var bytes = [UInt8](try Data(contentsOf: file))
        func value(_ m: UInt64, _ p: UInt64) -> [UInt8] {
            withUnsafeBytes(of: m.bigEndian, Array.init) + withUnsafeBytes(of: p.bigEndian, Array.init) + [1]
        }
        func offset(_ v: [UInt8]) throws -> Int {
            try #require((0...(bytes.count - v.count)).first { bytes[$0..<($0 + v.count)].elementsEqual(v) })
        }
        let a = try offset(value(2, 21))
        let b = try offset(value(4, 41))
        for i in 0..<17 { bytes.swapAt(a + i, b + i) }
        try Data(bytes).write(to: file)
        // A read that passes both values meets them out of order. (One that jumps past
        // them, at 25, does not see the damage: `strata verify` reads every row.)
        for position in [UInt64(45), 100] {
            #expect(throws: LogError.corrupted(position: nil, reason: "claim-index rows out of order")) {
                try read(at: position)
            }
        }
    }
}
