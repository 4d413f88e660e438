import Foundation
import LMDB

/// What an import did.
public struct ImportResult: Sendable, Equatable {
    /// Events written.
    public var imported = 0
    /// Events already in the journal at the same position (a resumed import).
    public var skipped = 0
    /// Durable LMDB commits made.
    public var transactions = 0
    public var lastPosition = Position.zero

    /// Counts one batch: its events written and skipped, a transaction if it wrote any,
    /// and where it ended.
    mutating func add(imported: Int, skipped: Int, last: Position?) {
        self.imported += imported
        self.skipped += skipped
        transactions += imported > 0 ? 1 : 0
        lastPosition = last ?? lastPosition
    }
}

extension EventLog {
    /// Imports NDJSON lines as `export` writes them, keeping positions, ids, record times
    /// and commit boundaries (consecutive events with one correlation id and record time
    /// are one command), so the chain and every answer equal the exported journal's.
    ///
    /// It commits durably after each command that brings the transaction to `batchSize`
    /// events or more, so a crash loses at most the open batch and never splits a command.
    /// Running it again skips the events already there (checking they are the same bytes)
    /// and goes on from the first missing position.
    ///
    /// The calling thread reads and parses; a second thread writes, so parsing one batch
    /// overlaps the durable commit of the one before.
    ///
    /// With `recordedAt`, every imported event is recorded at that time instead of its own
    /// (back-filling events from elsewhere); it may not be earlier than the journal's last
    /// record time.
    ///
    /// `check`, if given, is called with each event's type, stream, version and stored payload as
    /// it is read; what it throws refuses the line (field `payload`, or the field an
    /// ``ImportRefusal`` names) before anything of the batch is written. The streams it
    /// returns must have events by the end of the event's command (earlier in the journal,
    /// the file or the command), or the line is refused.
    ///
    /// `projection`, if given, writes in each transaction what follows from the events it
    /// wrote (read models), so they commit together and an interrupted import leaves both
    /// at the same whole command.
    public func importNDJSON(
        from reader: LineReader, batchSize: Int = 10_000, recordedAt: RecordTime? = nil,
        check: ImportCheck? = nil, projection: ImportProjection? = nil,
        progress: ((ImportResult) -> Void)? = nil
    ) throws -> ImportResult {
        // The only writer while it runs: its positions are the file's, so a command
        // appended between two of its batches would take a position the file holds and
        // stop it. Writers that come during the import wait for its end.
        try environment.writingAlone {
            let batches = BatchChannel<ImportBatch>(capacity: 2)
            let outcome = ImportOutcome()
            let before = try head().lastPosition
            let writer = Thread { [self] in
                // The journal's end as this import knows it: where it was, or what it wrote.
                var known = before
                var deferred: DeferredHeads? = nil
                while let batch = batches.receive() {
                    do {
                        let (imported, skipped) = try writeImported(
                            batch, known: known, deferred: &deferred, projection: projection)
                        known = max(known, batch.events.last?.position ?? known)
                        outcome.add(imported: imported, skipped: skipped, last: batch.events.last?.position)
                    } catch {
                        outcome.fail(error)
                        batches.cancel()
                    }
                }
                // What was committed keeps its heads, whether the import ended or failed.
                do { try storeDeferredHeads(deferred) } catch { outcome.fail(error) }
                outcome.finish()
            }
            writer.start()
            do {
                try readBatches(from: reader, batchSize: batchSize, recordedAt: recordedAt, check: check) { batch in
                    guard batches.send(batch) else { return false }
                    progress?(outcome.result)
                    return true
                }
                batches.close()
            } catch {
                batches.cancel()
                outcome.waitUntilFinished()
                throw outcome.error ?? error
            }
            outcome.waitUntilFinished()
            if let error = outcome.error { throw error }
            return outcome.result
        }
    }

    /// Imports decoded events (as `read` or `Envelope(jsonLine:line:)` give them) under the
    /// same rules as ``importNDJSON(from:batchSize:recordedAt:check:projection:progress:)``, on the
    /// calling thread: for copying between journals in-process (the tests' copies).
    public func importEnvelopes(_ envelopes: some Sequence<Envelope>, batchSize: Int = 10_000) throws -> ImportResult {
        // Encoded a batch at a time, so a long sequence is never all in memory.
        let batchSize = max(batchSize, 1)
        var total = ImportResult()
        var chunk: [EncodedEvent] = []
        func flush() throws {
            let r = try importEncoded(chunk, batchSize: batchSize)
            total.imported += r.imported
            total.skipped += r.skipped
            total.transactions += r.transactions
            total.lastPosition = r.lastPosition
            chunk.removeAll(keepingCapacity: true)
        }
        for e in envelopes {
            let encoded = EncodedEvent(e)
            if chunk.count >= batchSize, let last = chunk.last, !last.sameCommand(as: encoded) { try flush() }
            chunk.append(encoded)
        }
        if !chunk.isEmpty { try flush() }
        return total
    }

    /// Imports events whose payloads are already encoded, on the calling thread: the log's
    /// write path alone (envelopes, checksums, indexes, chain, durable commits), which
    /// ``importEnvelopes(_:batchSize:)`` and the storage benchmark use.
    ///
    /// `storingHeads: false` leaves the stream heads of the last batches unstored, as a
    /// crash would (``DeferredHeads``), for tests of what reads and writes such a log.
    public func importEncoded(
        _ events: [EncodedEvent], batchSize: Int = 10_000, storingHeads: Bool = true
    ) throws -> ImportResult {
        // The only writer while it runs (see `importNDJSON`).
        try environment.writingAlone {
            let batchSize = max(batchSize, 1)
            let lines = Array(events.indices.map { $0 + 1 })
            var result = ImportResult()
            var start = 0
            var known = try head().lastPosition
            var deferred: DeferredHeads? = nil
            do {
                while start < events.count {
                    // At least `batchSize` events, and whole commands.
                    var end = min(start + batchSize, events.count)
                    while end < events.count, events[end - 1].sameCommand(as: events[end]) { end += 1 }
                    let (imported, skipped) = try writeImported(
                        ImportBatch(events: events[start..<end], lines: lines[start..<end]), known: known,
                        deferred: &deferred)
                    known = max(known, events[end - 1].position)
                    result.add(imported: imported, skipped: skipped, last: events[end - 1].position)
                    start = end
                }
            } catch {
                // What was committed keeps its heads. The import's own error is the one to
                // report: heads that cannot be stored now are read from the events by every
                // reader and stored by the next writer (``DeferredHeads``), so nothing is lost.
                if storingHeads { try? storeDeferredHeads(deferred) }
                throw error
            }
            if storingHeads { try storeDeferredHeads(deferred) }
            return result
        }
    }

    /// Reads whole commands into batches of at least `batchSize` events (the last may be
    /// smaller) and hands each to `deliver`, until the input ends or `deliver` says stop.
    private func readBatches(
        from reader: LineReader, batchSize: Int, recordedAt: RecordTime?, check: ImportCheck?,
        _ deliver: (ImportBatch) -> Bool
    ) throws {
        var batch = ImportBatch()
        var cache = EncodedEvent.LineCache()
        while true {
            let next = try EventLog.nextLine(of: reader) { bytes -> EncodedEvent? in
                try EventLog.importedEvent(bytes, line: reader.lineNumber, cache: &cache, check: check)
                    .map { e in recordedAt.map { e.recorded(at: $0) } ?? e }
            }
            guard let next else { break }
            guard let event = next else { continue }
            if batch.events.count >= batchSize, let last = batch.events.last, !last.sameCommand(as: event) {
                guard deliver(batch) else { return }
                batch = ImportBatch()
            }
            batch.events.append(event)
            batch.lines.append(reader.lineNumber)
        }
        if !batch.events.isEmpty { _ = deliver(batch) }
    }

    /// `reader.next(body)`, refusing a line too long to be an event at its line.
    private static func nextLine<R>(of reader: LineReader, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        do {
            return try reader.next(body)
        } catch let tooLong as LineReader.LineTooLong {
            throw LogError.importRejected(
                line: tooLong.line, field: nil,
                reason: "the line is longer than \(LineReader.describe(bytes: tooLong.limit)), the most an event may be"
            )
        }
    }

    /// The event on an NDJSON line as an import reads it (`nil` for a blank line), or the
    /// error that refuses the line.
    private static func importedEvent(
        _ bytes: UnsafeRawBufferPointer, line: Int, cache: inout EncodedEvent.LineCache,
        check: ImportCheck?
    ) throws -> EncodedEvent? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        var e = try EncodedEvent(jsonLine: bytes, line: line, cache: &cache)
        if let check {
            do {
                e.requires = try check(e.type, e.stream, e.version, e.recordedBy, e.payload)
            } catch let refusal as ImportRefusal {
                throw LogError.importRejected(line: line, field: refusal.field, reason: refusal.reason)
            } catch {
                throw LogError.importRejected(line: line, field: "payload", reason: "\(error)")
            }
        }
        return e
    }

    /// Reads `reader` up to its first event and checks that line as an import would,
    /// throwing what would refuse it; without events, nothing. Lets a command refuse a
    /// file that is not an export before it creates a journal to import it into.
    public static func checkFirstEvent(
        from reader: LineReader, check: ImportCheck? = nil
    ) throws {
        var cache = EncodedEvent.LineCache()
        while let found = try nextLine(
            of: reader,
            { bytes in
                try importedEvent(bytes, line: reader.lineNumber, cache: &cache, check: check) != nil
            }), !found
        {}
    }

    /// `known`: the journal's last position as the import knows it (where it began, or its
    /// own last write), so a position held past it can be told apart as another writer's.
    /// `deferred`: the stream heads the import's batches so far left unstored; the batch
    /// carries them on, and stores them once they span ``Options/deferredHeadsLimit`` events. It is
    /// changed only when the batch commits.
    /// `projection`: what else the transaction writes (``ImportProjection``).
    private func writeImported(
        _ batch: ImportBatch, known: Position, deferred: inout DeferredHeads?, projection: ImportProjection? = nil
    ) throws -> (Int, Int) {
        // Handed to the writer (not shared with it, so its changes copy nothing); a retried
        // transaction reads the heads from the events instead.
        var carried = deferred.take()
        let (imported, skipped, heads) = try storage {
            try environment.write { tx in
                var writer = try LogWriter(log: self, tx: tx, deferred: carried.take(), deferring: true)
                var imported = 0
                var skipped = 0
                // The positions of the written events `projection` reads.
                var projected: [Position] = []
                let families = projection?.families
                // Streams the events written must find, checked at the end of their command:
                // one command may refer to a stream it makes later (a report's claim linked
                // to a claim listed after it).
                var required: [(line: Int, stream: StreamID)] = []
                func checkRequired() throws {
                    for r in required where try writer.streamVersion(r.stream) == 0 {
                        throw LogError.importRejected(
                            line: r.line, field: "payload",
                            reason: "refers to stream \(r.stream), which has no event in its command or before it")
                    }
                    required.removeAll()
                }
                let first = batch.events.startIndex  // a slice: not always 0
                for i in batch.events.indices {
                    let sameCommand = i > first && batch.events[i - 1].sameCommand(as: batch.events[i])
                    if i > first, !sameCommand { try checkRequired() }
                    // Whether the event continues the command before it; unknown (`nil`)
                    // for the first event written, whose command may be the journal's last.
                    let continues = imported == 0 ? nil : sameCommand
                    if try write(
                        batch.events[i], line: batch.lines[i], continuing: continues, known: known, &writer, tx)
                    {
                        imported += 1
                        required += batch.events[i].requires.map { (batch.lines[i], $0) }
                        if let families, families.contains(batch.events[i].type) {
                            projected.append(writer.lastPosition)
                        }
                    } else {
                        skipped += 1
                    }
                }
                try checkRequired()  // a batch ends at the end of a command
                try writer.endCommit()
                if let projection, imported > 0 {
                    // Written events are consecutive and end the log; those to project
                    // are read back from this transaction's pages, if the projection folds them.
                    let written = Position(writer.lastPosition.rawValue - UInt64(imported) + 1)...writer.lastPosition
                    try projection.write(tx, written) {
                        try projected.map { p in
                            guard let e = try envelope(at: p, tx) else {
                                throw LogError.corrupted(position: p, reason: "an event just written is missing")
                            }
                            return e
                        }
                    }
                }
                if writer.unstoredEvents >= deferredHeadsLimit { try writer.storeHeads() }
                return (imported, skipped, writer.deferred)
            }
        }
        deferred = heads
        return (imported, skipped)
    }

    /// Writes one imported event, or returns `false` when it is already there (a resumed
    /// import). The event is borrowed from its batch, not copied.
    private func write(
        _ e: borrowing EncodedEvent, line: Int, continuing: Bool?, known: Position, _ writer: inout LogWriter,
        _ tx: Transaction
    ) throws -> Bool {
        if e.position <= writer.lastPosition {
            try checkSame(e, line: line, known: known, tx)
            return false
        }
        guard e.position == writer.lastPosition.next else {
            throw LogError.importRejected(
                line: line, field: "position",
                reason: "position \(e.position) leaves a gap after \(writer.lastPosition)")
        }
        let continues: Bool
        if let continuing {
            continues = continuing
            if !continues { try writer.endCommit() }
        } else {
            // The journal's last command may continue here (it was imported from a cut
            // file): reopen it so the command stays one commit.
            let last = writer.lastPosition == .zero ? nil : try envelope(at: writer.lastPosition, tx, payload: false)
            continues = last.map { $0.correlationID == e.correlationID && $0.recordedAt == e.recordedAt } ?? false
            if continues { try writer.reopenLastCommit() }
        }
        if !continues, let last = writer.lastRecordedAt, e.recordedAt < last {
            throw LogError.importRejected(
                line: line, field: "recorded_at", reason: "record time \(e.recordedAt) is earlier than \(last)")
        }
        if !continues, EventLog.isAhead(e.recordedAt, of: clock()) {
            throw LogError.importRejected(
                line: line, field: "recorded_at",
                reason:
                    "record time \(e.recordedAt) is later than the clock (\(clock())): record times are never ahead of it"
            )
        }
        let slot = try writer.slot(for: e.stream)
        let current = writer.version(of: slot)
        guard e.version == current + 1 else {
            throw LogError.importRejected(
                line: line, field: "version",
                reason: "stream \(e.stream) is at version \(current); version \(e.version) does not follow")
        }
        let fresh = try writer.write(
            id: e.id, type: e.type, slot: slot, version: e.version, recordedAt: e.recordedAt,
            recordedBy: e.recordedBy, correlationID: e.correlationID, causationID: e.causationID,
            payload: e.payload)
        guard fresh else {
            throw LogError.importRejected(line: line, field: "id", reason: "event id \(e.id) is already in the journal")
        }
        return true
    }

    /// A resumed import meets an event already stored: it must be the same bytes.
    private func checkSame(_ e: borrowing EncodedEvent, line: Int, known: Position, _ tx: Transaction) throws {
        let same = try e.position.key.withUnsafeBytes { key in
            try tx.withValue(events, key: key) { stored -> Bool in
                guard let stored else { return false }
                // A stored event that does not decode is damage, not another event.
                let decoded: EnvelopeCodec.Decoded
                do {
                    decoded = try EnvelopeCodec.decode(position: e.position, stored: stored, payload: false)
                } catch let error as EnvelopeCodec.Corrupt {
                    throw LogError.corrupted(position: e.position, reason: error.reason)
                }
                let body = e.body(previous: decoded.previous)
                guard stored.count == body.count + EnvelopeCodec.checksumSize else { return false }
                return body.withUnsafeBytes { $0.elementsEqual(stored[0..<body.count]) }
            }
        }
        guard same else {
            throw LogError.importRejected(
                line: line, field: "position",
                reason: e.position > known
                    ? "position \(e.position) was written by another process while this import ran: import into a journal nothing else writes to (the import kept what it committed before)"
                    : "position \(e.position) already holds another event")
        }
    }
}

/// Whole commands read from the input, with their line numbers.
/// Slices share their array's storage, so a batch cut from decoded events copies none.
struct ImportBatch: Sendable {
    var events: ArraySlice<EncodedEvent> = []
    /// The input line of each event, at the same indices as `events`.
    var lines: ArraySlice<Int> = []
}

/// The writer thread's totals and first error, read by the importing thread.
/// `@unchecked Sendable`: every access holds `condition`'s lock.
final class ImportOutcome: @unchecked Sendable {
    private let condition = NSCondition()
    private var totals = ImportResult()
    private var failure: (any Error)? = nil
    private var finished = false

    var result: ImportResult { condition.withLock { totals } }
    var error: (any Error)? { condition.withLock { failure } }

    func add(imported: Int, skipped: Int, last: Position?) {
        condition.withLock { totals.add(imported: imported, skipped: skipped, last: last) }
    }

    func fail(_ error: any Error) { condition.withLock { if failure == nil { failure = error } } }

    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    func waitUntilFinished() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

/// Checks an event an import reads, given its type, stream, stream version, the analyst
/// who recorded it (`recorded_by`) and its stored payload; returns the streams that must
/// have events before it is written (see
/// ``EventLog/importNDJSON(from:batchSize:recordedAt:check:projection:progress:)``).
public typealias ImportCheck = (EventType, StreamID, UInt64, String, [UInt8]) throws -> [StreamID]

/// Why an import check refuses a line, naming the line's field.
public struct ImportRefusal: Error, CustomStringConvertible {
    public let field: String
    public let reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { reason }
}
