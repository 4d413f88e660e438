import Foundation
import LMDB

/// Stream heads an import holds in memory instead of storing them at every durable commit.
///
/// The `streams` table is a random-key B-tree: storing the heads a batch moved rewrites most
/// of its pages at every commit (on the import benchmark, 1,200 pages a commit, half of all
/// the bytes written, scattered over the file). An import therefore stores them once every
/// ``EventLog/Options/deferredHeadsLimit`` events (262,144) and at its end, and meanwhile
/// keeps the meta key `heads-through`: the position up to which the table is current. The
/// heads of the events after it are read from those events (each names its stream and
/// version), so a reader, a crash or another writer never meets a wrong head:
/// - readers add the events after `heads-through` to what the table says
///   (``EventLog/unstoredHeads(_:)``): the limit bounds what they read, and a process
///   reads them once for each end of the log;
/// - the next writer that is not the same import (an append, or a resumed import whose
///   heads went with its process) reads them from the events in its own transaction: an
///   append stores them and removes the key first, an import carries on deferring them
///   (``LogWriter``);
/// - `verify` checks the table against the events up to `heads-through`.
struct DeferredHeads {
    /// The position up to which the `streams` table is current: the stored `heads-through`.
    let through: Position
    /// The log's last position when these heads were taken: they are valid only while the
    /// log still ends there (no other writer came in between).
    let end: Position
    /// The heads of the streams whose events are after `through`.
    var heads: [StreamID: StreamHead]
}

extension EventLog {
    static let headsThroughKey = Array("heads-through".utf8)

    /// Where the `streams` table is current, when an import left it behind; `nil` when it
    /// is current.
    func headsThrough(_ tx: Transaction) throws -> Position? {
        try EventLog.headsThroughKey.withUnsafeBytes { key in
            try tx.withValue(meta, key: key) { value -> Position? in
                guard let value else { return nil }
                guard value.count == 8 else {
                    throw LogError.corrupted(position: nil, reason: "malformed heads-through marker")
                }
                return Position(BigEndian.uint64(value))
            }
        }
    }

    func setHeadsThrough(_ position: Position?, _ tx: WriteTransaction) throws {
        if let position {
            try tx.put(meta, key: EventLog.headsThroughKey, value: position.key)
            // A binary of the format before this marker would take the table as current.
            try tx.put(meta, key: EventLog.formatKey, value: EventLog.formatVersion)
        } else {
            try tx.delete(meta, key: EventLog.headsThroughKey)
        }
    }

    /// The heads of the streams with events after `position`, read from those events (their
    /// stream and version only: no checksum, which `verify` checks), added to `heads`.
    func heads(
        after position: Position, adding heads: [StreamID: StreamHead] = [:], _ tx: Transaction
    ) throws -> [StreamID: StreamHead] {
        var heads = heads
        try tx.withCursor(events) { c in
            try c.scan(from: position.next.key) { key, value in
                guard let pos = Position(key: key) else {
                    throw LogError.corrupted(position: nil, reason: "event key of \(key.count) bytes")
                }
                guard let (stream, version) = EnvelopeCodec.streamVersion(stored: value) else {
                    throw LogError.corrupted(position: pos, reason: "malformed event record: no stream and version")
                }
                heads[stream] = StreamHead(version: version, position: pos)
                return true
            }
        }
        return heads
    }

    /// The heads the `streams` table does not hold yet (empty when it is current), read from
    /// the events after `heads-through`; a process reads each event once
    /// (``UnstoredHeadsCache``).
    func unstoredHeads(_ tx: Transaction) throws -> [StreamID: StreamHead] {
        guard let through = try headsThrough(tx) else {
            unstoredCache.clear()
            return [:]
        }
        let end = try lastPosition(tx)
        return try unstoredCache.heads(through: through, end: end) { known in
            try heads(after: known?.end ?? through, adding: known?.heads ?? [:], tx)
        }
    }

    /// Stores `heads` in the `streams` table in key order and marks the table current.
    func storeHeads(_ heads: [StreamID: StreamHead], _ tx: WriteTransaction) throws {
        // Stream ids sort by their bytes, which are their keys.
        for (stream, head) in heads.sorted(by: { $0.key < $1.key }) {
            try tx.put(streams, key: LogKeys.stream(stream), value: head.value)
        }
        try setHeadsThrough(nil, tx)
    }

    /// Stores the heads an import deferred, when the log still ends where it left them
    /// (else reads them back from the events): one short transaction at an import's end.
    func storeDeferredHeads(_ deferred: DeferredHeads?) throws {
        try storage {
            try environment.write { tx in
                guard try headsThrough(tx) != nil else { return }
                _ = try LogWriter(log: self, tx: tx, deferred: deferred)  // stores them
            }
        }
    }
}

/// The heads of the events after `heads-through` as a reader of this process last read them.
/// Events never change once written, and a marker's position is never set again once the
/// log has passed it, so under the same marker what was read up to one end holds at any
/// later end: a reader reads only the events after what it read last. A command that reads
/// many streams (`strata sources`) or runs beside an import reads each event once.
/// `@unchecked Sendable`: every access holds `lock`.
final class UnstoredHeadsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var last: DeferredHeads?

    /// The heads after `through` up to `end`: `read` is given what is known under this
    /// marker up to an earlier end (or `nil`) and reads on from there.
    func heads(
        through: Position, end: Position, _ read: (DeferredHeads?) throws -> [StreamID: StreamHead]
    ) throws -> [StreamID: StreamHead] {
        let known = lock.withLock { last }.flatMap { $0.through == through && $0.end <= end ? $0 : nil }
        if let known, known.end == end { return known.heads }
        let heads = try read(known)
        lock.withLock { last = DeferredHeads(through: through, end: end, heads: heads) }
        return heads
    }

    func clear() {
        lock.withLock {
            if last != nil { last = nil }
        }
    }
}
