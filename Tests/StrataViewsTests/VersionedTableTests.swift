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
        let entities = (0..<40).map { Array("e\($0 * 7 % 40)".utf8) + (Bool.random(using: &rng) ? Array("x".utf8) : []) }
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
                if let last = versions.last(where: { $0.0.rawValue <= p }), !last.1.isEmpty { expected[entity] = last.1 }
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
}
