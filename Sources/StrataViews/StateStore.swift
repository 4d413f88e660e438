import LMDB
import StrataDomain
import StrataLog

/// The read models' stored state: every claim, report, source, grade, link and alias as
/// versioned rows (see ``VersionedTable``), written in the same transaction as the events
/// that change them, with a checkpoint. The state at any position is read back with one
/// seek per entity, so as-of views cost the size of the state, not the length of history
/// or the number of corrections. `--published-by` views are folds (``JournalState/fold``).
public struct StateStore: Sendable {
    /// Bump when the stored form or the fold changes: stored state of another version is
    /// rebuilt on first use.
    public static let version: UInt64 = 1
    public static let name = "state"
    static let tables = ["view_claims", "view_reports", "view_sources", "view_links", "view_aliases"]
    public static let databaseNames = tables + ["view_meta"]

    let log: EventLog
    let claims: VersionedTable
    let reports: VersionedTable
    let sources: VersionedTable
    let links: VersionedTable
    let aliases: VersionedTable
    let meta: Database

    /// The store of a log opened with ``databaseNames`` among its extra databases.
    public init(log: EventLog) {
        self.log = log
        let env = log.environment
        claims = VersionedTable(database: env.database("view_claims"))
        reports = VersionedTable(database: env.database("view_reports"))
        sources = VersionedTable(database: env.database("view_sources"))
        links = VersionedTable(database: env.database("view_links"))
        aliases = VersionedTable(database: env.database("view_aliases"))
        meta = env.database("view_meta")
    }

    /// Options for opening a log with the read models' databases.
    public static var logOptions: EventLog.Options {
        var o = EventLog.Options()
        o.extraDatabases = databaseNames
        return o
    }

    // MARK: checkpoint

    func checkpoint(_ tx: Transaction) throws -> (position: Position, version: UInt64)? {
        guard let v = try tx.value(meta, key: Array("checkpoint".utf8)), v.count == 16 else { return nil }
        let p = v.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        let version = v.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        return (Position(p), version)
    }

    func setCheckpoint(_ tx: WriteTransaction, _ position: Position) throws {
        var v: [UInt8] = []
        withUnsafeBytes(of: position.rawValue.bigEndian) { v.append(contentsOf: $0) }
        withUnsafeBytes(of: StateStore.version.bigEndian) { v.append(contentsOf: $0) }
        try tx.put(meta, key: Array("checkpoint".utf8), value: v)
    }

    /// The checkpoint and whether it is of this version.
    public func status() throws -> (position: Position, current: Bool)? {
        try log.environment.read { tx in try checkpoint(tx).map { ($0.position, $0.version == StateStore.version) } }
    }

    // MARK: writing

    /// Folds `events` (just written in `tx`) into the stored state, in the same transaction.
    /// If the store is behind (an import, an older version), it catches up first.
    public func project(_ tx: WriteTransaction, _ events: [Envelope]) throws {
        guard let first = events.first else { return }
        let at = try checkpoint(tx)
        guard let at, at.version == StateStore.version, at.position.next == first.position else {
            // Behind or stale: the whole log up to these events, then these.
            try rebuild(tx)
            return
        }
        var writer = StateWriter(store: self, tx: tx)
        for e in events { try writer.apply(e) }
        try setCheckpoint(tx, events.last?.position ?? at.position)
    }

    /// Brings the stored state up to the log's head in one write transaction (after an
    /// import, or when its version changed). Returns how many events it read.
    @discardableResult
    public func catchUp() throws -> Int {
        // Most calls find nothing to do: check in a read transaction first.
        let current = try log.environment.read { tx -> Bool in
            guard let at = try checkpoint(tx), at.version == StateStore.version else { return false }
            return at.position == (try log.lastPosition(in: tx))
        }
        if current { return 0 }
        return try log.environment.write { tx in
            let at = try checkpoint(tx)
            let head = try log.lastPosition(in: tx)
            if let at, at.version == StateStore.version, at.position == head { return 0 }
            guard let at, at.version == StateStore.version else { return try rebuild(tx) }
            var writer = StateWriter(store: self, tx: tx)
            var n = 0
            try log.read(in: tx, after: at.position) { e in
                try writer.apply(e)
                n += 1
            }
            try setCheckpoint(tx, head)
            return n
        }
    }

    /// Rebuilds the stored state from the whole log in one write transaction: readers see
    /// the old state until it commits, and a crash leaves the old state in place.
    /// Returns how many events it read.
    @discardableResult
    public func rebuild() throws -> Int {
        try log.environment.write { tx in try rebuild(tx) }
    }

    @discardableResult
    func rebuild(_ tx: WriteTransaction) throws -> Int {
        for t in [claims, reports, sources, links, aliases] { try tx.empty(t.database) }
        var writer = StateWriter(store: self, tx: tx)
        var n = 0
        var last = Position.zero
        try log.read(in: tx, after: .zero) { e in
            try writer.apply(e)
            n += 1
            last = e.position
        }
        try setCheckpoint(tx, last)
        return n
    }

    /// What is wrong with the stored read models: a checkpoint past the log's head, or a
    /// stored state that differs from a fresh fold of the log at the checkpoint.
    public func problems() throws -> [String] {
        guard let at = try log.environment.read({ try checkpoint($0) }) else { return [] }
        let head = try log.head().lastPosition
        guard at.position <= head else { return ["read-model checkpoint \(at.position) is past the log's head \(head)"] }
        guard at.version == StateStore.version else {
            return []  // another version's rows: rebuilt on first use, not wrong
        }
        var view = View()
        view.atPosition = at.position
        let (folded, _) = try JournalState.fold(log, view: view)
        let stored = try state(at: at.position)
        var out: [String] = []
        if stored.claims != folded.claims { out.append("stored claims differ from a fold of the log at \(at.position)") }
        if stored.reports != folded.reports { out.append("stored reports differ from a fold of the log") }
        if stored.sources != folded.sources || stored.grades != folded.grades {
            out.append("stored sources or grades differ from a fold of the log")
        }
        if stored.links != folded.links { out.append("stored links differ from a fold of the log") }
        if stored.aliases != folded.aliases { out.append("stored aliases differ from a fold of the log") }
        return out
    }

    // MARK: reading

    /// The state a view (without `--published-by`) stands at, from the stored rows after
    /// catching them up to the log's head.
    public func state(for view: View) throws -> (JournalState, ViewPoint) {
        precondition(view.publishedBy == nil, "published-by views are folds")
        try catchUp()
        let position = try JournalState.position(of: view, in: log)
        return (try state(at: position), JournalState.point(view, position))
    }

    /// The journal's state at `position` from the stored rows (the store must be caught up
    /// to at least `position`).
    public func state(at position: Position) throws -> JournalState {
        try log.environment.read { tx in
            var state = JournalState()
            state.position = position
            try claims.scan(tx, at: position) { _, v in
                let c = try StateCodec.claim(v)
                state.claims[c.id] = c
            }
            try reports.scan(tx, at: position) { _, v in
                let r = try ReportFiled(payload: try Payload(binary: v), type: ReportFiled.eventType)
                state.reports[r.report] = r
            }
            try sources.scan(tx, at: position) { _, v in
                let (registration, grade) = try StateCodec.source(v)
                state.sources[registration.source] = registration
                if let grade { state.grades[registration.source] = grade }
            }
            try links.scan(tx, at: position) { k, _ in
                if let link = StateCodec.link(k) { state.links.insert(link) }
            }
            try aliases.scan(tx, at: position) { k, v in
                if let (kind, key) = StateCodec.alias(k) { state.aliases[kind, default: [:]][key] = String(decoding: v, as: UTF8.self) }
            }
            return state
        }
    }
}
