import LMDB
import StrataDomain
import StrataLog

/// `strata verify`'s check of the read models: the stored rows against a fresh fold of the log.
extension StateStore {
    /// What is wrong with the stored read models: a checkpoint past the log's head, or a
    /// stored state that differs from a fresh fold of the log at the checkpoint.
    /// `progress` is told the position reached and the checkpoint's.
    public func problems(progress: ((Int, Int) -> Void)? = nil) throws -> [String] {
        let damaged = try damagedTables()
        guard damaged.isEmpty else { return damaged }
        guard let at = try log.environment.read({ tx in try checkpoint(tx, try active(tx)) }) else { return [] }
        let head = try log.head().lastPosition
        guard at.position <= head else {
            return ["read-model checkpoint \(at.position) is past the log's head \(head)"]
        }
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
        // Decoded on another thread while this one folds.
        let events = DecodedEvents(log, after: .zero, through: at.position)
        for p in positions.sorted() {
            try events.forEach(after: folded.position, through: p) { try folded.apply($0, publishedBy: nil) }
            folded.position = p
            out += try differences(at: p, folded: folded)
            progress?(Int(p.rawValue), Int(at.position.rawValue))
            if !out.isEmpty { break }
        }
        if out.isEmpty, try !claimPositionsMatch(folded) {
            out.append("the stored claim positions differ from a fold of the log at \(at.position)")
        }
        if out.isEmpty, try !currentCellsMatch() {
            out.append("the volume cells kept for appends differ from the volumes at their checkpoint")
        }
        if out.isEmpty, let beyond = try volumeRowsBeyondCheckpoint() {
            out.append("the volume log has a row at position \(beyond), past the read models' checkpoint")
        }
        return out
    }

    /// The journal's events that sit in another stream than their payload names (an import
    /// of an edited export could take one before imports checked that), at most `limit` of
    /// them: a problem of the log itself, which no rebuild repairs, found whatever the read
    /// models' version.
    public func misplacedEvents(limit: Int = 10) throws -> [String] {
        var out: [String] = []
        try log.environment.read { tx in
            var n = 0
            try log.read(in: tx, after: .zero, families: JournalState.families) { position, e in
                if let e, let refs = try? DomainEvents.references(type: e.type, payload: e.payload),
                    refs.stream != e.stream
                {
                    out.append(
                        "event at position \(position): a \(e.type.name) of this payload belongs in stream \(refs.stream), not \(e.stream)"
                    )
                }
                n += 1
                if n % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
                return out.count < limit
            }
        }
        return out
    }

    /// Every read-model table of both generations read from end to end, so that a damaged
    /// page is found even in rows no view or fold reads (the inactive generation, the cells
    /// appends add to): one problem for each table LMDB cannot read.
    private func damagedTables() throws -> [String] {
        let tables = generations.values.sorted { $0.generation < $1.generation }
        return try (tables.flatMap(\.databases) + [meta]).compactMap { db in
            try log.environment.damage(in: db, releaseEvery: StateStore.releaseEvery)
                .map { "the read-model table \(db.name) is damaged: \($0)" }
        }
    }

    /// Whether the cells appends add to are the volumes at the checkpoint they stand at
    /// (the last snapshot and the changes logged since), read in one transaction: appends
    /// may have moved both since the fold.
    private func currentCellsMatch() throws -> Bool {
        try log.environment.read { tx in
            let tables = try active(tx)
            guard let position = try checkpoint(tx, tables)?.position else { return true }
            return try tables.volumes.currentCells(tx) == (try tables.volumes.cells(tx, at: position))
        }
    }

    /// The position of a volume-log row past the active checkpoint (read in the same
    /// transaction: appends write both together), if there is one: the log's rows are
    /// keyed position first, so it is the last row.
    private func volumeRowsBeyondCheckpoint() throws -> Position? {
        try log.environment.read { tx in
            let tables = try active(tx)
            guard let at = try checkpoint(tx, tables)?.position else { return nil }
            var last: Position? = nil
            try tx.withCursor(tables.volumes.log) { c in
                try c.scan(reverse: true) { key, _ in
                    last = Position(key: UnsafeRawBufferPointer(rebasing: key.prefix(8)))
                    return false
                }
            }
            return last.flatMap { $0 > at ? $0 : nil }
        }
    }

    /// Whether the table of claim positions maps the claims of `folded` (the log folded to
    /// a checkpoint) to where they were asserted. The table is not versioned and appends
    /// may have gone on since the fold, so an entry may also name a later assertion (a new
    /// claim, or an id asserted again): one at or before the checkpoint read with the
    /// table, where the log holds that claim's assertion.
    private func claimPositionsMatch(_ folded: JournalState) throws -> Bool {
        let (later, matched, consistent) = try log.environment.read { tx in
            let tables = try active(tx)
            let at = try checkpoint(tx, tables)?.position ?? folded.position
            var later: [(ClaimID, Position)] = []
            var matched = 0
            var consistent = true
            try tx.withCursor(tables.claimPositions) { c in
                try c.scan { key, value in
                    guard let id = ClaimID(String(decoding: key, as: UTF8.self)), let p = Position(key: value) else {
                        consistent = false
                        return false
                    }
                    let known = folded.claims[id]
                    if known != nil { matched += 1 }
                    if known?.position == p { return true }
                    // An assertion after the fold, which the log must hold.
                    guard p > folded.position, p <= at else {
                        consistent = false
                        return false
                    }
                    later.append((id, p))
                    return true
                }
            }
            return (later, matched, consistent)
        }
        guard consistent, matched == folded.claims.count else { return false }
        for (id, p) in later {
            guard let e = try log.event(at: p), e.type.family == ClaimAsserted.eventType.family,
                e.stream == Streams.claim(id)
            else { return false }
        }
        return true
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
        if stored.reports != folded.reports {
            out.append("stored reports differ from a fold of the log at \(position)")
        }
        if stored.sources != folded.sources || stored.grades != folded.grades {
            out.append("stored sources or grades differ from a fold of the log at \(position)")
        }
        if stored.links != folded.links { out.append("stored links differ from a fold of the log at \(position)") }
        if stored.aliases != folded.aliases {
            out.append("stored aliases differ from a fold of the log at \(position)")
        }
        if try volumeCells(at: position) != Volumes.monthlyCells(state: folded, resolver: Resolver(state: folded)) {
            out.append("the stored volumes differ from a fold of the log at \(position)")
        }
        let indexed = try log.environment.read { tx in try active(tx).claimIndex.presentDigest(tx, at: position) }
        if indexed != ClaimIndex.expectedDigest(folded.claims.values, folded.links) {
            out.append("the stored claim index differs from a fold of the log at \(position)")
        }
        return out
    }
}
