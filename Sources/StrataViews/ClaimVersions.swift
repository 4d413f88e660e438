import LMDB
import StrataLog

/// The versions of every claim, keyed like a ``VersionedTable`` by the claim's key — the
/// position of its assertion — in two databases: `asserted` holds each claim's version as
/// asserted (entity and position are the same), `changes` every later version
/// (corrections, retractions, and the end of a claim whose id is asserted again).
///
/// Claims are asserted in position order, so `asserted` only ever grows at its end and is
/// written with `MDB_APPEND`, which fills its pages. In one table, the changes went in
/// among them and split full pages in half: pages were 65% full on the 1M-event bench
/// journal, and writing the assertions appended made it larger still.
struct ClaimVersions {
    let asserted: VersionedTable
    let changes: VersionedTable

    /// Every database, for emptying a generation.
    var databases: [Database] { [asserted.database, changes.database] }

    /// Stores the claim `entity`'s state from `position` on (empty: it no longer exists).
    func put(_ tx: WriteTransaction, entity: [UInt8], at position: Position, value: [UInt8]) throws {
        if entity == position.key {
            try tx.putAppending(asserted.database, key: VersionedTable.key(entity, position), value: value)
        } else {
            try changes.put(tx, entity: entity, at: position, value: value)
        }
    }

    /// The claim's latest version at or before `position`.
    func latest(_ tx: Transaction, entity: [UInt8], at position: Position) throws -> [UInt8]? {
        if let changed = try changes.latest(tx, entity: entity, at: position) { return changed }
        return try asserted.latest(tx, entity: entity, at: position)
    }

    /// Calls `body` with each claim's state at `position`, in key order (claims not yet
    /// asserted there, or gone, are skipped): one pass over the assertions up to
    /// `position`, merged with one pass over the changes.
    func scan(_ tx: Transaction, at position: Position, _ body: ([UInt8], [UInt8]) throws -> Void) throws {
        func parse(_ key: UnsafeRawBufferPointer) throws -> (entity: UInt64, at: UInt64) {
            guard key.count == 17, key[8] == 0 else {
                throw LogError.corrupted(position: nil, reason: "malformed claim row key")
            }
            return (
                UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)),
                UInt64(bigEndian: key.loadUnaligned(fromByteOffset: 9, as: UInt64.self))
            )
        }
        func parse(_ key: [UInt8]) throws -> (entity: UInt64, at: UInt64) { try key.withUnsafeBytes { try parse($0) } }
        try tx.withCursor(changes.database) { later in
            var pending = try later.first()
            try tx.withCursor(asserted.database) { c in
                try c.scan { key, value in
                    let (entity, at) = try parse(key)
                    // Assertions are in position order: the rest come after `position`.
                    guard at <= position.rawValue else { return false }
                    var current = Array(value)
                    while let p = pending, try parse(p.key).entity < entity { pending = try later.next() }
                    while let p = pending, case let (e, version) = try parse(p.key), e == entity {
                        if version <= position.rawValue { current = p.value }
                        pending = try later.next()
                    }
                    if !current.isEmpty { try body(Array(key.prefix(8)), current) }
                    return true
                }
            }
        }
    }
}
