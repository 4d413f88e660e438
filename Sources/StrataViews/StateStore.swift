import Foundation
import LMDB
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// The read models' stored state: every claim, report, source, grade, link and alias as
/// versioned rows (see ``VersionedTable``), written in the same transaction as the events
/// that change them, with a checkpoint. The state at any position is read back with one
/// seek per entity, so as-of views cost the size of the state, not the length of history
/// or the number of corrections. `--published-by` views are folds (``JournalState/fold``).
public struct StateStore: Sendable {
    /// Bump when the stored form or the fold changes: stored state of another version is
    /// rebuilt on first use.
    public static let version: UInt64 = 16
    public static let name = "state"
    public static let databaseNames =
        StateTables.generations.flatMap { g in StateTables.kinds.map { StateTables.databaseName(g, $0) } } + [
            "view_meta"
        ]
    /// Events folded per transaction when catching up or rebuilding, so a large journal
    /// never needs one huge transaction.
    public let batch: Int
    /// Changes to the volume cells between two snapshots of them (see ``VolumeStore``).
    public let volumeSnapshotEvery: Int
    /// Events a fold reads between two releases of its mapped pages.
    static let releaseEvery = Transaction.releaseInterval
    /// How long a fold in a write transaction waits for the events decoded on another
    /// thread before it reads them itself (see ``DecodedEvents``).
    static let readerPatience: TimeInterval = 0.25

    let log: EventLog
    let generations: [String: StateTables]
    let meta: Database

    /// The store of a log opened with ``databaseNames`` among its extra databases.
    /// `volumeSnapshotEvery`: changes to the volume cells between two snapshots of them.
    public init(log: EventLog, batch: Int = 10_000, volumeSnapshotEvery: Int = 4_000) {
        precondition(batch > 0 && volumeSnapshotEvery > 0)
        self.log = log
        self.batch = batch
        self.volumeSnapshotEvery = volumeSnapshotEvery
        let env = log.environment
        generations = Dictionary(
            uniqueKeysWithValues: StateTables.generations.map {
                ($0, StateTables(environment: env, generation: $0, snapshotEvery: volumeSnapshotEvery))
            })
        meta = env.database("view_meta")
    }

    /// Options for opening a log with the read models' databases.
    public static var logOptions: EventLog.Options {
        var o = EventLog.Options()
        o.extraDatabases = databaseNames
        o.extraSets = Set(StateTables.generations.map { StateTables.databaseName($0, StateTables.indexKind) })
        return o
    }

    /// Databases of older layouts: the claim index before it was a set database
    /// (StateStore version 8 and earlier). A rebuild deletes them when it switches
    /// generations, not at open: a binary of the old layout may still read them until
    /// the read models are rebuilt in the new one.
    static var obsoleteDatabases: [String] {
        StateTables.generations.map { StateTables.databaseName($0, "index") }
    }

    // MARK: generations and checkpoints

    static let activeKey = Array("active".utf8)

    /// The generation queries and appends use (as `tx` sees it).
    func active(_ tx: Transaction) throws -> StateTables {
        let name = try tx.value(meta, key: StateStore.activeKey).map { String(decoding: $0, as: UTF8.self) } ?? "a"
        // Only the two generations are ever written: anything else is a damaged row.
        guard generations[name] != nil else {
            throw LogError.corrupted(
                position: nil, reason: "the read models' active generation is \"\(name.prefix(20))\", neither a nor b")
        }
        return tables(name)
    }

    func other(_ tables: StateTables) -> StateTables { self.tables(tables.generation == "a" ? "b" : "a") }

    private func tables(_ generation: String) -> StateTables {
        guard let t = generations[generation] else {
            preconditionFailure("unknown read-model generation \(generation)")
        }
        return t
    }

    func checkpoint(_ tx: Transaction, _ tables: StateTables) throws -> (position: Position, version: UInt64)? {
        guard let v = try tx.value(meta, key: tables.checkpointKey), v.count == 16 else { return nil }
        let p = v.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        let version = v.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        return (Position(p), version)
    }

    func setCheckpoint(_ tx: WriteTransaction, _ tables: StateTables, _ position: Position) throws {
        var v: [UInt8] = []
        withUnsafeBytes(of: position.rawValue.bigEndian) { v.append(contentsOf: $0) }
        withUnsafeBytes(of: StateStore.version.bigEndian) { v.append(contentsOf: $0) }
        try tx.put(meta, key: tables.checkpointKey, value: v)
    }

    /// The active generation's checkpoint and whether it is of this version.
    public func status() throws -> (position: Position, current: Bool)? {
        try log.environment.read { tx in
            try checkpoint(tx, try active(tx)).map { ($0.position, $0.version == StateStore.version) }
        }
    }
}
