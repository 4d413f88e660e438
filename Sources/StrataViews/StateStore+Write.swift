import Foundation
import LMDB
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Writing the stored state: in the log's append transactions, catching up, rebuilding.
extension StateStore {
    /// A journal over this store's log whose recording commands keep this state current
    /// in their own transactions (``project(_:_:)``).
    public func recordingJournal() -> Journal {
        Journal(log: log, projector: { tx, events in try self.project(tx, events) })
    }

    /// What an import writes in its transactions to keep this state current: the events
    /// it wrote, folded as ``project(_:written:_:)`` does.
    public func importProjection() -> ImportProjection {
        ImportProjection(families: JournalState.families) { tx, written, events in
            try self.project(tx, written: written, events)
        }
    }

    /// Folds `events` (just written in `tx`) into the active state, in the same
    /// transaction, when the state is exactly up to date; otherwise leaves it to
    /// ``catchUp()``, so an append never becomes a long transaction.
    public func project(_ tx: WriteTransaction, _ events: [Envelope]) throws {
        guard let first = events.first, let last = events.last else { return }
        try project(tx, written: first.position...last.position) { events }
    }

    /// Folds into the active state, in `tx`, the events just written there at the positions
    /// `written`, of which `events` gives those of ``JournalState/families`` (the others
    /// change nothing), and moves the checkpoint to the last of them, when the state is
    /// exactly up to date before them; otherwise leaves them to ``catchUp()`` (and does
    /// not ask for them).
    public func project(
        _ tx: WriteTransaction, written: ClosedRange<Position>, _ events: () throws -> [Envelope]
    ) throws {
        let tables = try active(tx)
        // A new journal's first events start the state; otherwise it must be exactly up to date.
        let at =
            try checkpoint(tx, tables) ?? (written.lowerBound == Position(1) ? (.zero, StateStore.version) : nil)
        guard let at, at.version == StateStore.version, at.position.next == written.lowerBound else { return }
        let events = try events()
        var writer = StateWriter(store: tables, tx: tx, events: events.count)
        for e in events { try writer.apply(e) }
        try writer.finish()
        try setCheckpoint(tx, tables, written.upperBound)
    }

    /// Brings the active state up to the log's head, ``batch`` events a transaction (after
    /// an import, or appends made while it was behind); rebuilds it when it is of another
    /// version. Returns how many events it read. `progress` is told, after each
    /// transaction, the events folded so far and how many there are to fold.
    @discardableResult
    public func catchUp(progress: (_ folded: Int, _ of: Int) -> Void = { _, _ in }) throws -> Int {
        // Usually there is nothing to do: see that in a read transaction, without taking
        // the writer's lock or syncing an empty commit.
        let current = try log.environment.read { tx -> Bool in
            guard let at = try checkpoint(tx, try active(tx)), at.version == StateStore.version else { return false }
            return at.position == (try log.lastPosition(in: tx))
        }
        if current { return 0 }
        var total = 0
        var ahead: DecodedEvents? = nil
        var behind = 0
        while true {
            let step: Int? = try log.environment.write { tx in
                let tables = try active(tx)
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version else { return nil }
                if ahead == nil {
                    let head = try log.lastPosition(in: tx)
                    // Read models cannot have folded events the log does not hold.
                    guard at.position <= head else {
                        throw LogError.corrupted(
                            position: nil,
                            reason: "the read models' checkpoint \(at.position) is past the log's end \(head)")
                    }
                    ahead = DecodedEvents(log, after: at.position, patience: StateStore.readerPatience)
                    behind = Int(clamping: head.rawValue - at.position.rawValue)
                }
                return try fold(tx, into: tables, after: at.position, limit: batch, ahead: ahead)
            }
            guard let step else { return try rebuild(progress: progress) }
            total += step
            if step < batch { return total }
            progress(total, max(total, behind))
            log.environment.letWaitingWritersIn()
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
    public func rebuild(progress: (_ folded: Int, _ of: Int) -> Void = { _, _ in }) throws -> Int {
        let target = try emptiedInactive()
        let end = Int(clamping: try log.environment.read { try log.lastPosition(in: $0) }.rawValue)
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
            progress(total, max(total, end))
            // Writers waiting for LMDB's write lock (an append, a correction, another
            // rebuild) go first: this loop would take the lock again before a waiting
            // process wakes up, and hold it batch after batch until the rebuild ends.
            log.environment.letWaitingWritersIn()
        }
    }

    /// Rebuilds the state from the log's first `end` positions into the inactive generation
    /// and leaves it inactive: `strata verify` compares it with the active one, in a copy of
    /// the journal. `progress` is told the position reached. Returns the rebuilt generation.
    func rebuildAside(through end: Position, progress: ((Position) -> Void)? = nil) throws -> StateTables {
        let target = try emptiedInactive()
        let ahead = DecodedEvents(log, after: .zero, through: end, patience: StateStore.readerPatience)
        var at = Position.zero
        while at < end {
            let reached = try log.environment.write { tx -> Position in
                let limit = Int(clamping: end.rawValue - at.rawValue)
                _ = try fold(tx, into: target, after: at, limit: min(batch, limit), ahead: ahead)
                return try checkpoint(tx, target)?.position ?? at
            }
            guard reached > at else {
                throw LogError.corrupted(
                    position: at.next, reason: "the log ends before the read models' checkpoint \(end)")
            }
            at = reached
            progress?(at)
        }
        return target
    }

    /// The inactive generation emptied, its checkpoint at the start of the log.
    private func emptiedInactive() throws -> StateTables {
        try log.environment.write { tx -> StateTables in
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
    }
}
