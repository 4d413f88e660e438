import LMDB

/// What `verify` found.
public struct VerifyReport: Sendable, Equatable {
    /// One thing that is wrong, at a position when it has one.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let position: Position?
        public let what: String
        public var description: String { position.map { "position \($0): \(what)" } ?? what }
    }

    public var events = 0
    public var commits = 0
    public var streams = 0
    public var problems: [Problem] = []
    /// Problems past this many are counted, not listed.
    public static let listed = 1000
    public var unlisted = 0

    public var isClean: Bool { problems.isEmpty }

    mutating func add(_ position: Position?, _ what: String) {
        if problems.count < VerifyReport.listed {
            problems.append(Problem(position: position, what: what))
        } else {
            unlisted += 1
        }
    }
}

extension EventLog {
    /// Checks the whole log from one snapshot: every event's checksum and envelope, gapless
    /// positions, gapless stream versions, the chain over commits, and that every index
    /// (`event_ids`, `streams`, `commits`) says
    /// exactly what the events say. `progress` is called with events checked so far.
    public func verify(progress: ((Int) -> Void)? = nil) throws -> VerifyReport {
        var report = VerifyReport()
        do {
            try environment.read { tx in
                var walk = VerifyWalk(commits: try readCommits(tx, &report))
                // The `streams` table holds the heads as of `heads-through` when an import
                // left it there (``DeferredHeads``), else as of the end.
                var through: Position? = nil
                do {
                    through = try headsThrough(tx)
                } catch let LogError.corrupted(_, reason) {
                    report.add(nil, reason)
                }
                var storedHeads: [StreamID: StreamHead]? = nil
                try tx.withCursor(events) { c in
                    try c.scan { key, value in
                        guard let pos = Position(key: key) else {
                            report.add(nil, "event key of \(key.count) bytes")
                            return true
                        }
                        // The heads as of the marker, taken at the first event after it (the
                        // event at it may be damaged and skipped); none after it: as of the end.
                        if let through, storedHeads == nil, pos > through { storedHeads = walk.streamHeads }
                        report.events += 1
                        if report.events % 100_000 == 0 { progress?(report.events) }
                        // Keep only recent pages of the file mapped, as a rebuild does.
                        if report.events % Transaction.releaseInterval == 0 { tx.releaseMappedPages() }
                        walk.position(pos, &report)
                        let decoded: EnvelopeCodec.Decoded
                        do {
                            decoded = try EnvelopeCodec.decode(position: pos, stored: value, payload: true)
                        } catch let error as EnvelopeCodec.Corrupt {
                            report.add(pos, error.reason)
                            walk.checksums.append(0)
                            return true
                        }
                        try checkIndexes(decoded.envelope, tx, &report)
                        walk.stream(decoded.envelope, linksBackTo: decoded.previous, &report)
                        walk.commit(decoded.envelope, checksum: decoded.checksum, &report)
                        return true
                    }
                }
                walk.finish(&report)
                if let through, storedHeads == nil, through.rawValue >= walk.expected.rawValue {
                    report.add(through, "the stream heads are marked current past the last event")
                }
                try checkStreamHeads(storedHeads ?? walk.streamHeads, tx, &report)
                try checkIDIndexCount(tx, events: report.events, &report)
                try checkMetaKeys(tx, &report)
            }
        } catch let error as LMDBError {
            report.add(nil, "storage: \(error)")
        }
        // LMDB's record of free pages, which only writes read: in a transaction of its own,
        // since a damaged page invalidates the transaction that meets it.
        if let error = try environment.damage(in: .freePages) {
            report.add(nil, "LMDB's record of free pages is damaged (writes would fail): \(error)")
        }
        // The pages themselves, which the scans above read only through cursors: a
        // branch page's separator key changed in place leaves every row in order, but
        // lookups by key miss rows; a page number changed in the free list lets later
        // writes overwrite live pages.
        for problem in try environment.pageAudit(maximumProblems: VerifyReport.listed) {
            report.add(nil, "LMDB pages: \(problem)")
        }
        return report
    }

    private func readCommits(_ tx: Transaction, _ report: inout VerifyReport) throws -> [CommitRecord] {
        var list: [CommitRecord] = []
        try tx.withCursor(commits) { c in
            try c.scan { key, value in
                if let r = CommitRecord(key: key, value: value) {
                    list.append(r)
                } else {
                    report.add(nil, "malformed commit record")
                }
                return true
            }
        }
        report.commits = list.count
        // Keyed by record time, the commits must also run in position order without gaps:
        // otherwise as-of answers would be wrong.
        var next = Position(1)
        for r in list {
            if r.first != next || r.last < r.first {
                report.add(r.first, "commit \(r.first)–\(r.last) is out of order in the record-time index")
            }
            next = r.last.next
        }
        return list
    }

    private func checkIndexes(_ e: Envelope, _ tx: Transaction, _ report: inout VerifyReport) throws {
        let byID: Position?
        do {
            byID = try tx.value(eventIDs, key: e.id.bytes).map {
                try Position.stored($0, "the index entry of event id \(e.id)")
            }
        } catch let LogError.corrupted(_, reason) {
            // One damaged entry is one problem to list, not the end of the check.
            return report.add(e.position, reason)
        }
        if byID != e.position {
            report.add(e.position, "event id \(e.id) indexed at \(byID.map(String.init(describing:)) ?? "nothing")")
        }
    }

    /// Every stream's head row must name its last event and version, and there must be no
    /// other rows.
    private func checkStreamHeads(_ expected: [StreamID: StreamHead], _ tx: Transaction, _ report: inout VerifyReport)
        throws
    {
        var rows = 0
        try tx.withCursor(streams) { c in
            try c.scan { key, value in
                rows += 1
                let name = String(decoding: key, as: UTF8.self)
                guard let stream = StreamID(name), let head = StreamHead(value) else {
                    report.add(nil, "malformed stream head row \(name)")
                    return true
                }
                if let want = expected[stream] {
                    if head != want {
                        report.add(
                            head.position,
                            "stream \(stream) head says version \(head.version) at \(head.position), events say \(want.version) at \(want.position)"
                        )
                    }
                } else {
                    report.add(nil, "stream \(stream) has a head but no events")
                }
                return true
            }
        }
        if rows != expected.count { report.add(nil, "\(rows) stream heads for \(expected.count) streams") }
        // Appends find a head by its name, not by a scan: a damaged branch page can hide
        // rows from lookups that a scan still reads in order.
        for (stream, want) in expected {
            let found = try Array(stream.rawValue.utf8).withUnsafeBytes { key in
                try tx.withValue(streams, key: key) { $0.flatMap(StreamHead.init) }
            }
            if found != want {
                report.add(
                    want.position, "stream \(stream)'s head is not found by its name (the streams index is damaged)")
            }
        }
    }

    /// A key changed by damage reads as another key: the meta table holds only the log's own.
    private func checkMetaKeys(_ tx: Transaction, _ report: inout VerifyReport) throws {
        try tx.withCursor(meta) { c in
            try c.scan { key, _ in
                if !EventLog.metaKeys.contains(where: { $0.elementsEqual(key) }) {
                    report.add(
                        nil,
                        "the meta table holds a key the journal does not write: \(String(decoding: key, as: UTF8.self).debugDescription)"
                    )
                }
                return true
            }
        }
    }

    /// The id index has as many entries as there are events (each event's own entry is
    /// checked by ``checkIndexes(_:_:_:)``; this finds entries of no event).
    private func checkIDIndexCount(_ tx: Transaction, events: Int, _ report: inout VerifyReport) throws {
        let ids = try tx.stat(eventIDs).entries
        if ids != events { report.add(nil, "\(ids) event ids indexed for \(events) events") }
    }
}

/// What `verify` carries from event to event as it reads the log in position order: the
/// position it expects next, each stream's head so far, and the commit the events belong
/// to, with the checksums its chain link is made of.
private struct VerifyWalk {
    /// The commit records in the record-time index, in its order.
    let commits: [CommitRecord]
    var nextCommit = 0
    var expected = Position(1)
    /// The checksums of the open commit's events so far (0 for one that does not decode).
    var checksums: [UInt64] = []
    var previousChain = CommitRecord.genesis
    var lastTime: RecordTime? = nil
    var streamHeads: [StreamID: StreamHead] = [:]

    init(commits: [CommitRecord]) { self.commits = commits }

    /// Positions are gapless from 1.
    mutating func position(_ pos: Position, _ report: inout VerifyReport) {
        if pos != expected { report.add(pos, "gap: expected position \(expected)") }
        expected = pos.next
    }

    /// A stream's versions are gapless, and each event links back to the stream's last.
    mutating func stream(_ e: Envelope, linksBackTo previous: Position, _ report: inout VerifyReport) {
        let last = streamHeads[e.stream] ?? StreamHead(version: 0, position: .zero)
        if e.version != last.version + 1 {
            report.add(e.position, "stream \(e.stream) goes from version \(last.version) to \(e.version)")
        }
        if previous != last.position {
            report.add(e.position, "stream \(e.stream) links back to \(previous), not to \(last.position)")
        }
        streamHeads[e.stream] = StreamHead(version: max(last.version, e.version), position: e.position)
    }

    /// Each event belongs to the commit whose range holds it and has its record time; at
    /// the commit's last event, the commit's chain link must be the one its events make,
    /// and record time must not have gone backwards.
    mutating func commit(_ e: Envelope, checksum: UInt64, _ report: inout VerifyReport) {
        checksums.append(checksum)
        let pos = e.position
        guard nextCommit < commits.count else {
            report.add(pos, "event after the last commit record")
            return
        }
        let commit = commits[nextCommit]
        if e.recordedAt != commit.recordedAt {
            report.add(pos, "record time \(e.recordedAt) differs from its commit's \(commit.recordedAt)")
        }
        guard pos == commit.last else { return }
        // Compared without overflow: a damaged commit record can hold any positions.
        if commit.last < commit.first || commit.last.rawValue - commit.first.rawValue != UInt64(checksums.count) - 1 {
            report.add(pos, "commit \(commit.first)–\(commit.last) does not match its events")
        }
        let chain = Chain.link(
            previous: previousChain, first: commit.first, last: commit.last, recordedAt: commit.recordedAt,
            checksums: checksums)
        if chain != commit.chain { report.add(pos, "chain hash does not match") }
        if let lastTime, commit.recordedAt < lastTime { report.add(pos, "record time goes backwards") }
        lastTime = commit.recordedAt
        previousChain = commit.chain
        checksums.removeAll(keepingCapacity: true)
        nextCommit += 1
    }

    /// After the last event: no commit record without its events, no events without one.
    func finish(_ report: inout VerifyReport) {
        if nextCommit < commits.count {
            report.add(commits[nextCommit].last, "commit record without its events")
        }
        if !checksums.isEmpty { report.add(expected, "events after the last commit record") }
        report.streams = streamHeads.count
    }
}
