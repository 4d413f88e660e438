import LMDB
import StrataDomain
import StrataLog

/// The read models kept falling behind concurrent writes while a view was being read:
/// temporary, retrying may succeed.
public struct ReadModelBusy: Error, Sendable, CustomStringConvertible {
    public var description: String { "the read models kept falling behind concurrent writes; try again" }
}

/// The read models' stored state: every claim, report, source, grade, link and alias as
/// versioned rows (see ``VersionedTable``), written in the same transaction as the events
/// that change them, with a checkpoint. The state at any position is read back with one
/// seek per entity, so as-of views cost the size of the state, not the length of history
/// or the number of corrections. `--published-by` views are folds (``JournalState/fold``).
public struct StateStore: Sendable {
    /// Bump when the stored form or the fold changes: stored state of another version is
    /// rebuilt on first use.
    public static let version: UInt64 = 10
    public static let name = "state"
    public static let databaseNames =
        StateTables.generations.flatMap { g in StateTables.kinds.map { StateTables.databaseName(g, $0) } } + ["view_meta"]
    /// Events folded per transaction when catching up or rebuilding, so a large journal
    /// never needs one huge transaction.
    public let batch: Int
    /// Events a fold reads between two releases of its mapped pages.
    static let releaseEvery = 2_000

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
        while true {
            let step: Int? = try log.environment.write { tx in
                let tables = try active(tx)
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version else { return nil }
                return try fold(tx, into: tables, after: at.position, limit: batch)
            }
            guard let step else { return try rebuild() }
            total += step
            if step < batch { return total }
        }
    }

    /// Folds up to `limit` events after `position` into `tables` and moves their checkpoint.
    private func fold(_ tx: WriteTransaction, into tables: StateTables, after position: Position, limit: Int?) throws -> Int {
        var writer = StateWriter(store: tables, tx: tx)
        var n = 0
        var last = position
        try log.read(in: tx, after: position, families: JournalState.families) { p, e in
            if let limit, n >= limit { return false }
            if let e { try writer.apply(e) }
            n += 1
            last = p
            // A fold reads much of the file: keep only its recent pages mapped (see
            // `releaseMappedPages`), so its resident set stays that of a few thousand events.
            if n % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
            return true
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
        while true {
            let (n, done) = try log.environment.write { tx -> (Int, Bool) in
                guard let at = try checkpoint(tx, target) else { return (0, true) }
                let n = try fold(tx, into: target, after: at.position, limit: batch)
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
        }
    }
    /// What is wrong with the stored read models: a checkpoint past the log's head, or a
    /// stored state that differs from a fresh fold of the log at the checkpoint.
    /// `progress` is told the position reached and the checkpoint's.
    public func problems(progress: ((Int, Int) -> Void)? = nil) throws -> [String] {
        guard let at = try log.environment.read({ tx in try checkpoint(tx, try active(tx)) }) else { return [] }
        let head = try log.head().lastPosition
        guard at.position <= head else { return ["read-model checkpoint \(at.position) is past the log's head \(head)"] }
        guard at.version == StateStore.version else {
            return []  // another version's rows: rebuilt on first use, not wrong
        }
        // The checkpoint and 3 earlier positions (as-of views read those), compared with
        // one fold of the log that stops at each in turn (four folds from the start read
        // the log two and a half times).
        let step = max(UInt64(1), at.position.rawValue / 4)
        var positions = Set(stride(from: step, to: at.position.rawValue, by: Int(step)).map { Position($0) })
        positions.insert(at.position)
        var out: [String] = []
        var folded = try JournalState(roomFor: log)
        for p in positions.sorted() {
            try log.environment.read { tx in
                var n = 0
                try log.read(in: tx, after: folded.position, families: JournalState.families) { position, e in
                    guard position <= p else { return false }
                    if let e { try folded.apply(e, publishedBy: nil) }
                    n += 1
                    if n % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
                    return true
                }
            }
            folded.position = p
            out += try differences(at: p, folded: folded)
            progress?(Int(p.rawValue), Int(at.position.rawValue))
            if !out.isEmpty { break }
        }
        if out.isEmpty, try !claimPositionsMatch(folded) {
            out.append("the stored claim positions differ from a fold of the log at \(at.position)")
        }
        return out
    }

    /// Whether the table of claim positions maps the claims of `folded` (the log folded to
    /// a checkpoint) to where they were asserted. The table is not versioned and appends
    /// may have gone on since the fold, so an entry may also name a later assertion (a new
    /// claim, or an id asserted again) but nothing else.
    private func claimPositionsMatch(_ folded: JournalState) throws -> Bool {
        try log.environment.read { tx in
            var matched = 0
            var consistent = true
            try tx.withCursor(try active(tx).claimPositions) { c in
                try c.scan { key, value in
                    guard let id = ClaimID(String(decoding: key, as: UTF8.self)), let p = Position(key: value) else {
                        consistent = false
                        return false
                    }
                    let known = folded.claims[id]
                    if known != nil { matched += 1 }
                    // Where the fold saw it asserted, or an assertion after the fold.
                    guard known?.position == p || p > folded.position else {
                        consistent = false
                        return false
                    }
                    return true
                }
            }
            return consistent && matched == folded.claims.count
        }
    }

    /// How the stored rows at `position` differ from `folded`, the log folded up to there.
    private func differences(at position: Position, folded: JournalState) throws -> [String] {
        // Everything but the claims, then the claims one by one as they are read, so that
        // the stored ones are never all in memory beside the folded ones.
        guard let stored = try state(at: position, ifCovered: false, filter: nil, claims: false) else { return [] }
        var out: [String] = []
        var storedClaims = 0
        var claimsDiffer = false
        try log.environment.read { tx in
            try active(tx).claims.scan(tx, at: position) { _, v in
                let c = try StateCodec.claim(v)
                storedClaims += 1
                if !claimsDiffer && folded.claims[c.id] != c { claimsDiffer = true }
                if storedClaims % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
            }
        }
        if claimsDiffer || storedClaims != folded.claims.count {
            out.append("stored claims differ from a fold of the log at \(position)")
        }
        if stored.reports != folded.reports { out.append("stored reports differ from a fold of the log at \(position)") }
        if stored.sources != folded.sources || stored.grades != folded.grades {
            out.append("stored sources or grades differ from a fold of the log at \(position)")
        }
        if stored.links != folded.links { out.append("stored links differ from a fold of the log at \(position)") }
        if stored.aliases != folded.aliases { out.append("stored aliases differ from a fold of the log at \(position)") }
        if try volumeCells(at: position) != Volumes.monthlyCells(state: folded, resolver: Resolver(state: folded)) {
            out.append("the stored volumes differ from a fold of the log at \(position)")
        }
        let indexed = try log.environment.read { tx in try active(tx).claimIndex.presentDigest(tx, at: position) }
        if indexed != ClaimIndex.expectedDigest(folded.claims.values, folded.links) {
            out.append("the stored claim index differs from a fold of the log at \(position)")
        }
        return out
    }

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
        // Events may be committed (an import does not project) between catching up and
        // reading: read only when the rows reach the view's position, else catch up again.
        for _ in 0..<5 {
            try catchUp()
            let position = try JournalState.position(of: view, in: log)
            if let state = try state(at: position, ifCovered: true, filter: claimsFiltered ? view : nil) {
                return (state, JournalState.point(view, position))
            }
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
    private func state(at position: Position, ifCovered: Bool, filter: View?, claims: Bool = true) throws -> JournalState? {
        try log.environment.read { tx -> JournalState? in
            let tables = try active(tx)
            if ifCovered {
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version, at.position >= position else {
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
            if let filter, filter.commodity != nil || filter.place != nil {
                try loadIndexedClaims(tx, tables, &state, filter)
                return state
            }
            if claims {
                // Room for every claim asserted (the table's size, known without reading it):
                // growing the dictionary claim by claim moved each claim many times.
                state.claims.reserveCapacity(try tx.stat(tables.claims.asserted.database).entries)
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
        for _ in 0..<5 {
            try catchUp()
            let position = try JournalState.position(of: view, in: log)
            if let volumes = try volumes(at: position, view: view, by: granularity) { return volumes }
        }
        throw ReadModelBusy()
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

    /// The stored volume cells at `position` (for checking them against a fold).
    func volumeCells(at position: Position) throws -> [VolumeKey: VolumeCell] {
        try log.environment.read { tx in try active(tx).volumes.cells(tx, at: position) }
    }

    /// Loads the claims the index finds for `filter`'s commodity and place (each keeps its outlet,
    /// so their reports are not read).
    private func loadIndexedClaims(_ tx: Transaction, _ tables: StateTables, _ state: inout JournalState, _ filter: View) throws {
        let position = state.position
        let resolver = Resolver(state: state)  // sources and aliases: all resolution needs
        let keys = try tables.claimIndex.claims(
            tx, at: position,
            commodity: filter.commodity.map { wanted in { resolver.commodity($0, isA: wanted) } },
            place: filter.place.map { wanted in { resolver.mentions(place: wanted, in: [Location(place: $0, country: nil)]) } })
        state.claims.reserveCapacity(keys.count)
        for key in keys {
            if let v = try tables.claims.latest(tx, entity: key.key, at: position), !v.isEmpty {
                let c = try StateCodec.claim(v)
                state.claims[c.id] = c
            }
        }
    }
}
