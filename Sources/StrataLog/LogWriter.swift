import LMDB

/// Writes events and commit records inside one LMDB write transaction. Append and import
/// both go through it, so the stored form, the indexes and the chain are built one way.
struct LogWriter {
    private let log: EventLog
    private let tx: WriteTransaction
    /// The last commit in the log (or written by this writer).
    private(set) var head: CommitRecord?
    private(set) var lastPosition: Position
    private var pendingFirst: Position?
    private var pendingRecordedAt: RecordTime?
    private var pendingChecksums: [UInt64] = []
    /// Streams read or written in this transaction, each looked up once by id: callers
    /// hold a slot (an index into `streams`) from ``slot(for:)`` and write through it.
    private var slots: [StreamID: Int] = [:]
    private var streams: [StreamSlot] = []
    /// Slots whose heads moved since the last commit: stored once each at its end.
    private var movedSlots: [Int] = []
    /// The envelope header of the event being written, reused from event to event.
    private var header = ByteWriter(capacity: 256)
    /// The greatest event id in the log: ids above it (time-ordered ids usually are) are
    /// appended to the id index without a search, since they cannot be there yet.
    private var greatestID: EventID?

    /// Heads not in the `streams` table yet, of the streams with events after `through`
    /// (``DeferredHeads``); `through` is `nil` when the table is current.
    private var unstored: [StreamID: StreamHead] = [:]
    private var through: Position?
    /// Whether heads moved by this writer's commits stay in `unstored` (an import) rather
    /// than being stored at each commit's end. Such a writer marks the table current up
    /// to `markFrom` at its first commit that moves a head, so a batch that writes nothing
    /// (a resumed import's) leaves the journal as it was.
    private let deferring: Bool
    private var markFrom: Position

    /// A writer at the end of the log. One that is not `deferring` first stores the heads an
    /// import left unstored (taking them from `deferred` when the log still ends where that
    /// import left it, else from the events); a `deferring` one (an import's batch) carries
    /// on from `deferred`, or from the events, and keeps the heads its commits move unstored.
    init(log: EventLog, tx: WriteTransaction, deferred: DeferredHeads? = nil, deferring: Bool = false) throws {
        self.log = log
        self.tx = tx
        self.deferring = deferring
        head = try log.lastCommit(tx)
        lastPosition = try log.lastPosition(tx)
        markFrom = lastPosition
        greatestID = try tx.withCursor(log.eventIDs) { c in try c.last().flatMap { EventID(bytes: $0.key) } }
        guard (head?.last ?? .zero) == lastPosition else {
            throw LogError.corrupted(
                position: lastPosition, reason: "the last commit record does not end at the last event")
        }
        through = try log.headsThrough(tx)
        if let through {
            guard through <= lastPosition else {
                throw LogError.corrupted(
                    position: through, reason: "the stream heads are marked current past the last event")
            }
            if let deferred, deferred.through == through, deferred.end == lastPosition {
                unstored = deferred.heads
            } else {
                unstored = try log.heads(after: through, tx)
            }
            if !deferring { try storeHeads() }
        }
    }

    /// The heads this writer leaves unstored, for the import's next batch (`nil`: none).
    var deferred: DeferredHeads? {
        through.map { DeferredHeads(through: $0, end: lastPosition, heads: unstored) }
    }

    /// How many events have their streams' heads unstored.
    var unstoredEvents: UInt64 { through.map { lastPosition.rawValue - $0.rawValue } ?? 0 }

    /// Stores the unstored heads and marks the `streams` table current. A deferring writer
    /// defers again from its next commit.
    mutating func storeHeads() throws {
        precondition(pendingFirst == nil, "heads are stored between commits")
        try log.storeHeads(unstored, tx)
        unstored = [:]
        through = nil
        markFrom = lastPosition
    }

    var lastRecordedAt: RecordTime? { head?.recordedAt }

    /// The slot of `stream` in this transaction, reading its head from the log the first
    /// time it is asked for.
    mutating func slot(for stream: StreamID) throws -> Int {
        if let slot = slots[stream] { return slot }
        let head = try unstored[stream] ?? log.storedHead(stream, tx) ?? StreamHead(version: 0, position: .zero)
        streams.append(StreamSlot(stream: stream, head: head, moved: false))
        slots[stream] = streams.count - 1
        return streams.count - 1
    }

    /// The version of the stream in `slot` as this transaction sees it (0: no stream).
    func version(of slot: Int) -> UInt64 { streams[slot].head.version }

    /// The stream's current version as this transaction sees it (0: no stream).
    mutating func streamVersion(_ stream: StreamID) throws -> UInt64 {
        // The slot first: `version(of: try slot(for:))` read `streams` as it was before the
        // slot was added (out of range for a stream not met yet).
        let slot = try slot(for: stream)
        return version(of: slot)
    }

    /// Writes one event at the next position of the stream in `slot`. Returns `false`,
    /// writing nothing, when its id is already in the log; the caller decides whether
    /// that is a retry or a conflict.
    mutating func write(
        id: EventID, type: EventType, slot: Int, version: UInt64, recordedAt: RecordTime,
        recordedBy: String, correlationID: EventID, causationID: EventID?, payload: [UInt8]
    ) throws -> Bool {
        precondition(pendingRecordedAt == nil || pendingRecordedAt == recordedAt, "one record time per commit")
        let stream = streams[slot].stream
        let previous = streams[slot].head
        precondition(version == previous.version + 1, "stream versions are checked before writing")
        let position = lastPosition.next
        // The position's key bytes (big-endian), on the stack.
        let posKey = position.rawValue.bigEndian
        let above = greatestID.map { id > $0 } ?? true
        let inserted = try id.withUnsafeBytes { idKey in
            try withUnsafeBytes(of: posKey) {
                try tx.put(log.eventIDs, key: idKey, value: $0, flags: above ? .append : .noOverwrite)
            }
        }
        guard inserted else { return false }
        if above { greatestID = id }
        EnvelopeCodec.writeHeader(
            into: &header, id: id, type: type, stream: stream, version: version, previous: previous.position,
            recordedAt: recordedAt, recordedBy: recordedBy, correlationID: correlationID, causationID: causationID)
        let headerCount = header.bytes.count
        let bodyCount = headerCount + payload.count
        var sum: UInt64 = 0
        _ = try withUnsafeBytes(of: posKey) { key in
            try tx.put(log.events, key: key, reserving: bodyCount + EnvelopeCodec.checksumSize, flags: .append) { out in
                header.bytes.withUnsafeBytes { out.copyMemory(from: $0) }
                payload.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: out[headerCount...]).copyMemory(from: $0)
                }
                sum = EnvelopeCodec.checksum(
                    position: position, body: UnsafeRawBufferPointer(rebasing: out[0..<bodyCount]))
                out.storeBytes(of: sum, toByteOffset: bodyCount, as: UInt64.self)
            }
        }
        streams[slot].head = StreamHead(version: version, position: position)
        if !streams[slot].moved {
            streams[slot].moved = true
            movedSlots.append(slot)
        }
        lastPosition = position
        if pendingFirst == nil { pendingFirst = position }
        pendingRecordedAt = recordedAt
        pendingChecksums.append(sum)
        return true
    }

    /// Reopens the log's last commit so the events written next join it: an import that
    /// was given only part of a command (a cut file) and is now given the rest keeps the
    /// command one commit, as it was where it was exported.
    mutating func reopenLastCommit() throws {
        precondition(pendingFirst == nil, "reopen only between commits")
        guard let last = head else { return }
        var sums: [UInt64] = []
        try tx.withCursor(log.events) { c in
            try c.scan(from: last.first.key) { key, value in
                guard let p = Position(key: key), p <= last.last else { return false }
                guard value.count >= EnvelopeCodec.checksumSize else {
                    throw LogError.corrupted(position: p, reason: "event record too short")
                }
                sums.append(
                    value.loadUnaligned(fromByteOffset: value.count - EnvelopeCodec.checksumSize, as: UInt64.self))
                return true
            }
        }
        try tx.delete(log.commits, key: last.key)
        head = try log.lastCommit(tx)
        pendingFirst = last.first
        pendingRecordedAt = last.recordedAt
        pendingChecksums = sums
    }

    /// Closes the current commit: links it into the chain and indexes its record time.
    /// Does nothing when no event was written since the last commit.
    mutating func endCommit() throws {
        guard let first = pendingFirst, let recordedAt = pendingRecordedAt else { return }
        if deferring, through == nil, !movedSlots.isEmpty {
            through = markFrom
            try log.setHeadsThrough(markFrom, tx)
        }
        for slot in movedSlots {
            if deferring {
                unstored[streams[slot].stream] = streams[slot].head
            } else {
                try tx.put(log.streams, key: LogKeys.stream(streams[slot].stream), value: streams[slot].head.value)
            }
            streams[slot].moved = false
        }
        movedSlots.removeAll(keepingCapacity: true)
        let chain = Chain.link(
            previous: head?.chain ?? CommitRecord.genesis, first: first, last: lastPosition, recordedAt: recordedAt,
            checksums: pendingChecksums)
        let record = CommitRecord(first: first, last: lastPosition, recordedAt: recordedAt, chain: chain)
        try tx.put(log.commits, key: record.key, value: record.value, flags: .append)
        head = record
        pendingFirst = nil
        pendingRecordedAt = nil
        pendingChecksums.removeAll(keepingCapacity: true)
    }

    /// A stream as the writer holds it: its head, and whether that moved since it was stored.
    private struct StreamSlot {
        let stream: StreamID
        var head: StreamHead
        var moved: Bool
    }
}
