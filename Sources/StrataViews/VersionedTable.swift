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

    /// Calls `body` with each entity's state at `position`, in entity order, for entities
    /// whose key starts with `prefix` (entities with no version yet, or deleted, are
    /// skipped). One forward pass over the rows, except that an entity with more than a
    /// few versions is left by a seek: the cost follows the number of entities, not how
    /// often they changed.
    func scan(
        _ tx: Transaction, prefix: [UInt8] = [], at position: Position, _ body: ([UInt8], [UInt8]) throws -> Void
    ) throws {
        let stepsBeforeSeek = 4
        var entity: [UInt8] = []  // the entity whose rows are being read
        var candidate: [UInt8]? = nil  // its latest state at or before `position` so far
        var steps = 0
        var start: [UInt8]? = prefix.isEmpty ? nil : prefix
        func finish() throws {
            if let c = candidate, !c.isEmpty { try body(entity, c) }
            candidate = nil
        }
        try tx.withCursor(database) { c in
            while true {
                var restart: [UInt8]? = nil
                var seekLatest = false
                var first = true
                try c.scan(from: start) { key, value in
                    // A scan starts at `start` or after it; a key before it is damage, which
                    // would otherwise restart the same scan for ever.
                    if first, let start, key.lexicographicallyPrecedes(start) {
                        throw LogError.corrupted(position: nil, reason: "read-model keys out of order")
                    }
                    first = false
                    guard key.starts(with: prefix) else { return false }
                    guard key.count > 9, key[key.count - 9] == 0 else {
                        throw LogError.corrupted(position: nil, reason: "malformed read-model key")
                    }
                    let entityBytes = UnsafeRawBufferPointer(rebasing: key[..<(key.count - 9)])
                    let at = UInt64(bigEndian: key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self))
                    if !entityBytes.elementsEqual(entity) {
                        try finish()
                        entity = Array(entityBytes)
                        steps = 0
                    }
                    steps += 1
                    if at <= position.rawValue { candidate = Array(value) }
                    if steps > stepsBeforeSeek {
                        // Many versions: past `position` the candidate is final; before
                        // it, jump to the last version at or before it. Then go on after
                        // the entity.
                        restart = entity + [1]
                        seekLatest = at < position.rawValue
                        return false
                    }
                    return true
                }
                guard let next = restart else { break }
                if seekLatest, let latest = try c.seek(atMost: VersionedTable.key(entity, position)),
                    latest.key.count == entity.count + 9, latest.key.starts(with: entity)
                {
                    candidate = latest.value
                }
                start = next
            }
        }
        try finish()
    }
}
