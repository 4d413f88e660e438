import LMDB
import StrataLog

/// One LMDB database of versioned rows: key = entity ‖ 0 ‖ position (big-endian), value
/// = the entity's state from that position on (empty: it no longer exists). The state of
/// every entity at position P is one seek per entity, whatever the length of history and
/// however often an entity changed.
struct VersionedTable {
    let database: Database

    static func key(_ entity: [UInt8], _ position: Position) -> [UInt8] {
        var k = entity
        k.append(0)
        withUnsafeBytes(of: position.rawValue.bigEndian) { k.append(contentsOf: $0) }
        return k
    }

    func put(_ tx: WriteTransaction, entity: [UInt8], at position: Position, value: [UInt8]) throws {
        try tx.put(database, key: VersionedTable.key(entity, position), value: value)
    }

    /// The latest version of one entity at or before `position`.
    func latest(_ tx: Transaction, entity: [UInt8], at position: Position) throws -> [UInt8]? {
        try tx.withCursor(database) { c in
            guard let e = try c.seek(atMost: VersionedTable.key(entity, position)),
                e.key.count == entity.count + 9, e.key.starts(with: entity), e.key[entity.count] == 0
            else { return nil }
            return e.value
        }
    }

    /// Calls `body` with each entity's state at `position` (entities with no version yet,
    /// or deleted, are skipped): a seek per entity, skipping their other versions.
    func scan(_ tx: Transaction, at position: Position, _ body: ([UInt8], [UInt8]) throws -> Void) throws {
        try tx.withCursor(database) { c in
            var next = try c.first()
            while let entry = next {
                guard entry.key.count > 9 else { throw LogError.corrupted(position: nil, reason: "short read-model key") }
                let entity = Array(entry.key[..<(entry.key.count - 9)])
                if let state = try c.seek(atMost: VersionedTable.key(entity, position)),
                    state.key.count == entity.count + 9, state.key.starts(with: entity), state.key[entity.count] == 0,
                    !state.value.isEmpty
                {
                    try body(entity, state.value)
                }
                next = try c.seek(atLeast: entity + [1])
            }
        }
    }
}
