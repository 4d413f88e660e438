import Foundation
import LMDB
import StrataDomain
import StrataLog

/// `strata verify`'s check of the read models: the stored rows against a fresh rebuild of the log.
extension StateStore {
    /// What is wrong with the stored read models: a table LMDB cannot read, a checkpoint
    /// past the log's head, or a row other than a fresh rebuild of the log writes.
    ///
    /// The stored rows are compared byte for byte with a rebuild, every row of every
    /// table: each version of each claim, report, source, link and alias, the claim index,
    /// the claim positions, the names, the volume cells, their log and snapshots — so a
    /// row that only a view as of some past moment reads is checked too. The rebuild is
    /// made in a compacted copy of the journal in `scratch` (a directory that must not
    /// exist; removed afterwards), so that verify writes nothing to the journal and
    /// compares one consistent snapshot while other processes append. `progress` is told
    /// the position the rebuild reached and the checkpoint's.
    public func problems(scratch: String, progress: ((Int, Int) -> Void)? = nil) throws -> [String] {
        let damaged = try damagedTables()
        guard damaged.isEmpty else { return damaged }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try log.environment.copy(to: scratch)
            let copy = StateStore(
                log: try EventLog(path: scratch, options: StateStore.logOptions), batch: batch,
                volumeSnapshotEvery: volumeSnapshotEvery)
            return try copy.differencesFromRebuild(progress: progress)
        } catch let error as LMDBError where !error.isCorrupted {
            throw ScratchCopyError(directory: scratch, underlying: error)
        } catch LogError.storage(let error) where !error.isCorrupted {
            throw ScratchCopyError(directory: scratch, underlying: error)
        }
    }

    /// ``problems(scratch:progress:)`` in a scratch directory of its own.
    public func problems(progress: ((Int, Int) -> Void)? = nil) throws -> [String] {
        try problems(scratch: StateStore.newScratchPath(), progress: progress)
    }

    /// A path in the temporary directory (`$TMPDIR`, else `/tmp`) for verify's copy of the
    /// journal, which nothing has yet.
    public static func newScratchPath() -> String { NSTemporaryDirectory() + "strata-verify-" + UUID().uuidString }

    /// How the active generation differs from the other one rebuilt to its checkpoint: run
    /// in the copy, which nothing else uses.
    private func differencesFromRebuild(progress: ((Int, Int) -> Void)?) throws -> [String] {
        let (stored, at) = try log.environment.read { tx in
            let tables = try active(tx)
            return (tables, try checkpoint(tx, tables))
        }
        guard let at else { return [] }
        let head = try log.head().lastPosition
        guard at.position <= head else {
            return ["read-model checkpoint \(at.position) is past the log's head \(head)"]
        }
        guard at.version == StateStore.version else {
            return []  // another version's rows: rebuilt on first use, not wrong
        }
        let total = Int(at.position.rawValue)
        let rebuilt = try rebuildAside(through: at.position) { progress?(Int($0.rawValue), total) }
        return try log.environment.read { tx in
            try zip(stored.databases, rebuilt.databases).compactMap { table, reference in
                try Self.difference(tx, table, from: reference, members: table.name == stored.index.database.name)
                    .map {
                        "the read-model table \(table.name) differs from a rebuild of the log to \(at.position): \($0)"
                    }
            }
        }
    }

    /// How `table` differs from `reference`, read in step in key order: how many rows are
    /// changed, missing or extra, and the first such row's key; nil when they are equal.
    /// `members`: a set database, whose rows under one key are its members (a changed
    /// member is one missing and one extra).
    private static func difference(
        _ tx: Transaction, _ table: Database, from reference: Database, members: Bool
    ) throws -> String? {
        var changed = 0
        var missing = 0
        var extra = 0
        var first: [UInt8]? = nil
        var read = 0
        try tx.withCursor(table) { stored in
            try tx.withCursor(reference) { rebuilt in
                var s = try stored.first()
                var r = try rebuilt.first()
                while s != nil || r != nil {
                    let order: Int
                    switch (s, r) {
                    case (let x?, let y?):
                        let byKey = compare(x.key, y.key)
                        order = byKey != 0 || !members ? byKey : compare(x.value, y.value)
                    case (nil, _): order = 1
                    case (_, nil): order = -1
                    }
                    if order == 0, let x = s, let y = r, x.value != y.value { changed += 1 }
                    if order < 0 { extra += 1 } else if order > 0 { missing += 1 }
                    if first == nil, changed + missing + extra > 0 { first = (order > 0 ? r : s)?.key }
                    if order <= 0 { s = try stored.next() }
                    if order >= 0 { r = try rebuilt.next() }
                    read += 1
                    if read % StateStore.releaseEvery == 0 { tx.releaseMappedPages() }
                }
            }
        }
        guard let first else { return nil }
        let counts = [(changed, "changed"), (missing, "missing"), (extra, "not in the rebuild")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? "row" : "rows") \($0.1)" }
        return counts.joined(separator: ", ") + ", the first at key " + hex(first)
    }

    /// The order of two byte strings as LMDB's default comparison sorts keys.
    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// A key in hexadecimal, its first 48 bytes.
    private static func hex(_ key: [UInt8]) -> String {
        key.prefix(48).map { String(format: "%02x", $0) }.joined() + (key.count > 48 ? "…" : "")
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
}

/// The copy of the journal verify rebuilds the read models in could not be made or
/// written (a full temporary directory): nothing is known about the journal.
public struct ScratchCopyError: Error, CustomStringConvertible {
    public let directory: String
    public let underlying: LMDBError

    public var description: String {
        "verify's copy of the journal in \(directory), where the read models are rebuilt to be compared: \(underlying) "
            + "(it takes about one and a half times the space `strata stats` shows in use: set TMPDIR to a directory with room)"
    }
}
