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
    public static let version: UInt64 = 13
    public static let name = "state"
    public static let databaseNames =
        StateTables.generations.flatMap { g in StateTables.kinds.map { StateTables.databaseName(g, $0) } } + [
            "view_meta"
        ]
    /// Events folded per transaction when catching up or rebuilding, so a large journal
    /// never needs one huge transaction.
    public let batch: Int
    /// Events a fold reads between two releases of its mapped pages.
    static let releaseEvery = 2_000
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

    private static let activeKey = Array("active".utf8)

    /// The generation queries and appends use (as `tx` sees it).
    func active(_ tx: Transaction) throws -> StateTables {
        let name = try tx.value(meta, key: StateStore.activeKey).map { String(decoding: $0, as: UTF8.self) } ?? "a"
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

    // MARK: writing

    /// Folds `events` (just written in `tx`) into the active state, in the same
    /// transaction, when the state is exactly up to date; otherwise leaves it to
    /// ``catchUp()``, so an append never becomes a long transaction.
    public func project(_ tx: WriteTransaction, _ events: [Envelope]) throws {
        guard let first = events.first, let last = events.last else { return }
        let tables = try active(tx)
        // A new journal's first events start the state; otherwise it must be exactly up to date.
        let at = try checkpoint(tx, tables) ?? (first.position == Position(1) ? (.zero, StateStore.version) : nil)
        guard let at, at.version == StateStore.version, at.position.next == first.position else { return }
        var writer = StateWriter(store: tables, tx: tx)
        for e in events { try writer.apply(e) }
        try writer.finish()
        try setCheckpoint(tx, tables, last.position)
    }

    /// Brings the active state up to the log's head, ``batch`` events a transaction (after
    /// an import, or appends made while it was behind); rebuilds it when it is of another
    /// version. Returns how many events it read.
    @discardableResult
    public func catchUp() throws -> Int {
        // Usually there is nothing to do: see that in a read transaction, without taking
        // the writer's lock or syncing an empty commit.
        let current = try log.environment.read { tx -> Bool in
            guard let at = try checkpoint(tx, try active(tx)), at.version == StateStore.version else { return false }
            return at.position == (try log.lastPosition(in: tx))
        }
        if current { return 0 }
        var total = 0
        var ahead: DecodedEvents? = nil
        while true {
            let step: Int? = try log.environment.write { tx in
                let tables = try active(tx)
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version else { return nil }
                if ahead == nil { ahead = DecodedEvents(log, after: at.position, patience: StateStore.readerPatience) }
                return try fold(tx, into: tables, after: at.position, limit: batch, ahead: ahead)
            }
            guard let step else { return try rebuild() }
            total += step
            if step < batch { return total }
        }
    }

    /// Folds up to `limit` events after `position` into `tables` and moves their checkpoint:
    /// those `ahead` has decoded, then any after them read here.
    private func fold(
        _ tx: WriteTransaction, into tables: StateTables, after position: Position, limit: Int?,
        ahead: DecodedEvents? = nil
    ) throws -> Int {
        // Room for the events there are to fold, at most `limit`: a catch-up of a few
        // events does not make room for a whole batch.
        let head = try log.lastPosition(in: tx)
        let waiting = head > position ? Int(clamping: head.rawValue - position.rawValue) : 0
        var writer = StateWriter(store: tables, tx: tx, events: min(limit ?? waiting, waiting))
        var n = 0
        var last = position
        func folded(_ p: Position) {
            n += 1
            last = p
            // A fold reads much of the file: keep only its recent pages mapped (see
            // `releaseMappedPages`), so its resident set stays that of a few thousand events.
            if n % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
        }
        if let ahead {
            while limit.map({ n < $0 }) ?? true, let item = try ahead.next(after: last) {
                if let e = item.value { try writer.apply(e) }
                folded(item.position)
            }
        }
        // What the reader did not give in time (or at all), read here.
        if limit.map({ n < $0 }) ?? true {
            try log.read(in: tx, after: last, families: JournalState.families) { p, e in
                if let limit, n >= limit { return false }
                if let e { try writer.apply(e) }
                folded(p)
                return true
            }
        }
        try writer.finish()
        try setCheckpoint(tx, tables, last)
        return n
    }

    /// Rebuilds the state from the whole log into the inactive generation, ``batch`` events
    /// a transaction, and makes it active in the transaction that folds the last events:
    /// readers use the old state until then, and a crash leaves the old state active. That
    /// transaction also empties the old generation, so its pages serve later writes.
    /// Returns how many events it read.
    @discardableResult
    public func rebuild() throws -> Int {
        let target = try log.environment.write { tx -> StateTables in
            let target = other(try active(tx))
            for d in target.databases {
                try tx.empty(d)
                // Emptying walks the table's branch pages, and each page fault maps its
                // neighbours too: 130 MiB for the claims of 1M events.
                tx.releaseMappedPages()
            }
            try setCheckpoint(tx, target, .zero)
            return target
        }
        var total = 0
        let ahead = DecodedEvents(log, after: .zero, patience: StateStore.readerPatience)
        while true {
            let (n, done) = try log.environment.write { tx -> (Int, Bool) in
                guard let at = try checkpoint(tx, target) else { return (0, true) }
                let n = try fold(tx, into: target, after: at.position, limit: batch, ahead: ahead)
                guard n < batch else { return (n, false) }
                // Caught up with the head inside this transaction: switch, and free the
                // old generation's pages for the journal to reuse (readers that still
                // use it keep their snapshot; LMDB reuses the pages after they end).
                let old = try active(tx)
                // Another process rebuilding at the same time into the same generation
                // switched first: the target is active and complete, and must stay.
                guard old.generation != target.generation else { return (n, true) }
                try tx.put(meta, key: StateStore.activeKey, value: Array(target.generation.utf8))
                for d in old.databases {
                    try tx.empty(d)
                    tx.releaseMappedPages()
                }
                _ = try tx.delete(meta, key: old.checkpointKey)
                for name in StateStore.obsoleteDatabases { try tx.dropDatabase(named: name) }
                return (n, true)
            }
            total += n
            if done { return total }
            // Let a writer waiting for LMDB's write lock in (an append, a correction): this
            // loop would take the lock again before a waiting process wakes up, and hold
            // it batch after batch until the rebuild ends.
            usleep(StateStore.writerPause)
        }
    }

    /// Microseconds the rebuild pauses between its transactions for other writers: 0.1 s
    /// over the 100 transactions of a rebuild of 1M events.
    static let writerPause: UInt32 = 1000
    // MARK: reading

    /// The state a view (without `--published-by`) stands at, from the stored rows after
    /// catching them up to the log's head.
    ///
    /// With `claimsFor` set to the view, and the view filtering by commodity or place, the
    /// state holds only the claims that can pass those filters (found through
    /// ``ClaimIndex``), with no reports or links: enough for the timeline, at a cost
    /// that follows the rows it shows rather than every claim in the journal.
    public func state(for view: View, claimsFiltered: Bool = false) throws -> (JournalState, ViewPoint) {
        precondition(view.publishedBy == nil, "published-by views are folds")
        return try caughtUp(view) { position in
            try state(at: position, ifCovered: true, filter: claimsFiltered ? view : nil)
                .map { ($0, JournalState.point(view, position)) }
        }
    }

    /// What `read` gives at `view`'s position after catching the rows up. Events may be
    /// committed (an import does not project) between catching up and reading: `read`
    /// returns `nil` when the rows do not reach the position, and the store catches up
    /// again, a few times before giving up with ``ReadModelBusy``.
    private func caughtUp<T>(_ view: View, _ read: (Position) throws -> T?) throws -> T {
        for _ in 0..<5 {
            try catchUp()
            if let answer = try read(try JournalState.position(of: view, in: log)) { return answer }
        }
        throw ReadModelBusy()
    }

    /// The journal's state at `position` from the stored rows (the store must be caught up
    /// to at least `position`); with `filter`, only its claims, as in ``state(for:claimsFiltered:)``.
    public func state(at position: Position, filter: View? = nil) throws -> JournalState {
        guard let state = try state(at: position, ifCovered: false, filter: filter) else {
            preconditionFailure("unreachable: not checking coverage")
        }
        return state
    }

    /// The state at `position`, or `nil` when `ifCovered` and the active rows' checkpoint
    /// (read in the same transaction) is before `position`.
    func state(at position: Position, ifCovered: Bool, filter: View?, claims: Bool = true) throws -> JournalState? {
        try log.environment.read { tx -> JournalState? in
            let tables = try active(tx)
            if ifCovered {
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version, at.position >= position
                else {
                    return nil
                }
            }
            var state = JournalState()
            state.position = position
            try tables.sources.scan(tx, at: position) { _, v in
                let (registration, grade) = try StateCodec.source(v)
                state.sources[registration.source] = registration
                if let grade { state.grades[registration.source] = grade }
            }
            state.aliases = try tables.aliases(tx, at: position)
            // Names first written after `position` are in the table too, but no claim of the
            // state names them: each name's first spelling comes before any claim naming it.
            state.spellings = try tables.claimIndex.spellings(tx)
            if let filter, filter.commodity != nil || filter.place != nil {
                try loadIndexedClaims(tx, tables, &state, filter)
                return state
            }
            if claims {
                // Room for every claim asserted by then (at most the table's size or the
                // position, known without reading it): growing the dictionary claim by claim
                // moved each claim many times.
                let asserted = try tx.stat(tables.claims.asserted.database).entries
                state.claims.reserveCapacity(min(asserted, Int(clamping: position.rawValue)))
                try tables.claims.scan(tx, at: position) { _, v in
                    let c = try StateCodec.claim(v)
                    state.claims[c.id] = c
                }
            }
            try tables.reports.scan(tx, at: position) { _, v in
                let r = try StateCodec.report(v)
                state.reports[r.report] = r
            }
            try tables.links.scan(tx, at: position) { k, _ in
                if let link = StateCodec.link(k) { state.links.insert(link) }
            }
            return state
        }
    }

    /// The volumes read model for a view without filters, valid-time window or
    /// `--published-by`, from the stored monthly cells at its position (a few rows per
    /// commodity × route × month, whatever the number of claims) and the `total` claims
    /// found through the index; `nil` for other views, which are computed from the state.
    public func volumes(for view: View, by granularity: Granularity) throws -> Volumes? {
        guard StateStore.storesVolumes(for: view) else { return nil }
        return try caughtUp(view) { try volumes(at: $0, view: view, by: granularity) }
    }

    /// Whether the stored cells answer `view`: no filter, valid-time window or `--published-by`.
    public static func storesVolumes(for view: View) -> Bool {
        view.publishedBy == nil && view.from == nil && view.to == nil && view.commodity == nil && view.place == nil
            && view.country == nil && view.vessel == nil && view.source == nil && view.kind == nil
    }

    /// The stored volumes at `position`, or `nil` when the rows do not reach it yet.
    private func volumes(at position: Position, view: View, by granularity: Granularity) throws -> Volumes? {
        try log.environment.read { tx -> Volumes? in
            let tables = try active(tx)
            guard let at = try checkpoint(tx, tables), at.version == StateStore.version, at.position >= position else {
                return nil
            }
            let monthly = try tables.volumes.cells(tx, at: position)
            var names = JournalState()
            names.position = position
            names.aliases = try tables.aliases(tx, at: position)
            names.spellings = try tables.claimIndex.spellings(tx)
            var totals: [JournalState.Claim] = []
            for key in try tables.claimIndex.claims(tx, .kind, ClaimKind.total.rawValue, at: position) {
                if let v = try tables.claims.latest(tx, entity: key.key, at: position), !v.isEmpty {
                    let c = try StateCodec.claim(v)
                    if !c.retracted && c.fields.kind == .total { totals.append(c) }
                }
            }
            return Volumes(
                monthly: monthly, totals: totals, view: view, point: JournalState.point(view, position),
                resolver: Resolver(state: names), by: granularity)
        }
    }

    /// Every commodity and every place name the journal's claims have named (as first
    /// written, whatever their claims' state now), after catching the rows up: what a
    /// filter can match beside the taxonomy, the gazetteer and the aliases.
    public func namesInClaims() throws -> (commodities: [String], places: [String]) {
        try catchUp()
        return try log.environment.read { tx in
            let index = try active(tx).claimIndex
            return (
                try index.writtenNames(tx, .commodity).map(\.written), try index.writtenNames(tx, .place).map(\.written)
            )
        }
    }

    /// The stored volume cells at `position` (for checking them against a fold).
    func volumeCells(at position: Position) throws -> [VolumeKey: VolumeCell] {
        try log.environment.read { tx in try active(tx).volumes.cells(tx, at: position) }
    }

    /// Loads the claims the index finds for `filter`'s commodity and place (each keeps its outlet,
    /// so their reports are not read).
    private func loadIndexedClaims(
        _ tx: Transaction, _ tables: StateTables, _ state: inout JournalState, _ filter: View
    ) throws {
        let position = state.position
        let resolver = Resolver(state: state)  // sources and aliases: all resolution needs
        let keys = try tables.claimIndex.claims(
            tx, at: position,
            commodity: filter.commodity.map { wanted in { resolver.commodity($0, isA: wanted) } },
            place: filter.place.map { wanted in
                { resolver.mentions(place: wanted, in: [Location(place: $0, country: nil)]) }
            })
        state.claims.reserveCapacity(keys.count)
        for key in keys {
            if let v = try tables.claims.latest(tx, entity: key.key, at: position), !v.isEmpty {
                let c = try StateCodec.claim(v)
                state.claims[c.id] = c
            }
        }
    }
}
