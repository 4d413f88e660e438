import LMDB
import StrataLog

/// The stored volumes: the monthly cells as they stand now, a log of each event's changes
/// to them, and snapshots of all cells taken whenever `snapshotEvery` changes have been
/// logged since the last. The cells at a position P are the last snapshot at or before P
/// plus the changes logged after it up to P: a contiguous read of one snapshot (a few
/// thousand rows) and at most `snapshotEvery` changes, whatever the length of history.
///
///     volumes            cell key → cell now; key [0] → changes since the last snapshot
///     volume_log         position ‖ cell key → the change (a cell of differences)
///     volume_snapshots   position ‖ cell key → the cell at that position; position ‖ [] marks one
struct VolumeStore {
    let current: Database
    let log: Database
    let snapshots: Database
    /// Changes logged between snapshots: bounds what a read replays.
    let snapshotEvery: Int

    /// StateStore.init's default too. Part of the stored form: `strata verify` compares the
    /// snapshots with a rebuild's, so a change needs a new ``StateStore/version``.
    static let defaultSnapshotEvery = 4_000

    private static let counterKey: [UInt8] = [0]

    /// Whether a key of `current` is the change counter rather than a cell.
    private static func isCounter(_ key: UnsafeRawBufferPointer) -> Bool { key.elementsEqual(counterKey) }

    private static func key(_ position: Position, _ cell: [UInt8]) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(8 + cell.count)
        withUnsafeBytes(of: position.rawValue.bigEndian) { k.append(contentsOf: $0) }
        return k + cell
    }

    private static func position(_ key: UnsafeRawBufferPointer) throws -> Position {
        guard key.count >= 8 else { throw LogError.corrupted(position: nil, reason: "malformed volumes row key") }
        return Position(UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)))
    }

    /// A cell as it stands now (as `tx` sees it).
    func cell(_ tx: Transaction, _ key: VolumeKey) throws -> VolumeCell {
        try tx.value(current, key: key.encoded).flatMap(VolumeCell.init(encoded:)) ?? VolumeCell()
    }

    /// Changes logged since the last snapshot (stored with the current cells).
    func changesSinceSnapshot(_ tx: Transaction) throws -> Int {
        guard let bytes = try tx.value(current, key: VolumeStore.counterKey) else { return 0 }
        guard bytes.count == 8 else { throw LogError.corrupted(position: nil, reason: "malformed volume change count") }
        return bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    }

    func setChangesSinceSnapshot(_ tx: WriteTransaction, _ n: Int) throws {
        _ = try tx.put(
            current, key: VolumeStore.counterKey, value: withUnsafeBytes(of: UInt64(n).littleEndian) { Array($0) })
    }

    /// Records the changes one event at `position` makes (`cells`: key → new value and
    /// difference), after a snapshot of the cells before it when one is due. `logged`:
    /// changes logged since the last snapshot, which the caller keeps across the events of
    /// a transaction and stores (``setChangesSinceSnapshot(_:_:)``) before it commits.
    func record(
        _ tx: WriteTransaction, at position: Position, _ changes: [(VolumeKey, VolumeCell, VolumeCell)],
        since logged: inout Int
    ) throws {
        guard !changes.isEmpty else { return }
        if logged >= snapshotEvery {
            try snapshot(tx, at: Position(position.rawValue - 1))
            logged = 0
        }
        // In key order, so the stored bytes do not depend on hashing.
        let encoded = changes.map { ($0.0.encoded, $0.1, $0.2) }.sorted { VolumeKey.precedes($0.0, $1.0) }
        for (k, value, delta) in encoded {
            if value.isZero {
                _ = try tx.delete(current, key: k)
            } else {
                _ = try tx.put(current, key: k, value: value.encoded)
            }
            try tx.putAppending(log, key: VolumeStore.key(position, k), value: delta.encoded)
        }
        logged += changes.count
    }

    /// Copies every cell as it now stands to a snapshot at `position`.
    private func snapshot(_ tx: WriteTransaction, at position: Position) throws {
        var rows: [([UInt8], [UInt8])] = []
        try tx.withCursor(current) { c in
            try c.scan { k, v in
                if !VolumeStore.isCounter(k) { rows.append((Array(k), Array(v))) }
                return true
            }
        }
        try tx.putAppending(snapshots, key: VolumeStore.key(position, []), value: [])
        for (k, v) in rows { try tx.putAppending(snapshots, key: VolumeStore.key(position, k), value: v) }
    }

    /// Every nonzero cell at `position`.
    func cells(_ tx: Transaction, at position: Position) throws -> [VolumeKey: VolumeCell] {
        var cells: [VolumeKey: VolumeCell] = [:]
        // Room for the cells there are now, up to a bound: the count is a hint, read from
        // the database's record, which damage can make any number (it aborted a view
        // asking for exabytes).
        cells.reserveCapacity(min(try tx.stat(current).entries, 1 << 16))
        // The last snapshot at or before `position` (its marker sorts first among its rows).
        var base = Position.zero
        try tx.withCursor(snapshots) { c in
            guard let e = try c.seek(atMost: VolumeStore.key(Position(position.rawValue), [0xFF])) else { return }
            base = try e.key.withUnsafeBytes { try VolumeStore.position($0) }
        }
        if base != .zero {
            let prefix = VolumeStore.key(base, [])
            try tx.withCursor(snapshots) { c in
                try c.scan(from: prefix) { k, v in
                    guard k.starts(with: prefix) else { return false }
                    guard k.count > 8 else { return true }
                    guard let key = VolumeKey(encoded: UnsafeRawBufferPointer(rebasing: k[8...])),
                        let cell = VolumeCell(encoded: v)
                    else {
                        throw LogError.corrupted(position: nil, reason: "malformed volumes snapshot row")
                    }
                    cells[key, default: VolumeCell()] += cell  // keys equal as names but not as bytes add up
                    return true
                }
            }
        }
        try tx.withCursor(log) { c in
            try c.scan(from: VolumeStore.key(base.next, [])) { k, v in
                guard try VolumeStore.position(k) <= position else { return false }
                guard let key = VolumeKey(encoded: UnsafeRawBufferPointer(rebasing: k[8...])),
                    let delta = VolumeCell(encoded: v)
                else {
                    throw LogError.corrupted(position: nil, reason: "malformed volumes log row")
                }
                if let i = cells.index(forKey: key) {
                    cells.values[i] += delta
                    if cells.values[i].isZero { cells.remove(at: i) }
                } else if !delta.isZero {
                    cells[key] = delta
                }
                return true
            }
        }
        return cells
    }
}
