import LMDB

extension EventLog {
    /// The transaction an append's `alsoWrite` is given, by a name that callers of the log
    /// can use without importing the LMDB layer for it.
    public typealias WriteTransaction = LMDB.WriteTransaction

    /// Appends the events of one command as one transaction: all of them or none.
    ///
    /// - Events whose id is already in the log with the same type, stream and payload are
    ///   skipped and counted as unchanged (a retried command is a no-op); the same id with
    ///   other content is ``LogError/idConflict(id:position:)``.
    /// - Each stream's version must satisfy its ``ExpectedVersion`` unless all of that
    ///   stream's events are already there.
    /// - Record time is `recordedAt` if given — it may not be earlier than the log's last
    ///   record time, nor later than the clock (``clockSkew``) — else the clock, never
    ///   earlier than the last record time.
    /// - With `planned`, the log's last position must still be `planned`, else
    ///   ``LogError/logMoved(planned:now:)``: a command checked against the log as it was
    ///   at `planned` is written only if nothing was appended since, so two processes'
    ///   commands are judged as if they had run one after the other.
    /// - `alsoWrite` runs in the same transaction after the events are written, with the
    ///   new envelopes, so read models can commit with the events they fold.
    @discardableResult
    public func append(
        _ parts: [StreamAppend], recordedAt requested: RecordTime? = nil, recordedBy: String,
        correlationID: EventID = .make(), planned: Position? = nil,
        alsoWrite: ((WriteTransaction, [Envelope]) throws -> Void)? = nil
    ) throws -> AppendResult {
        var seen = Set<EventID>()
        for part in parts {
            for event in part.events where !seen.insert(event.id).inserted {
                throw LogError.duplicateIDInBatch(event.id)
            }
        }
        let encoded = parts.map { $0.events.map { $0.payload.encode() } }
        return try storage {
            try environment.write { tx in
                var writer = try LogWriter(log: self, tx: tx)
                if let planned, writer.lastPosition != planned {
                    throw LogError.logMoved(planned: planned, now: writer.lastPosition)
                }
                let last = writer.lastRecordedAt
                let recordedAt: RecordTime
                if let requested {
                    if let last, requested < last {
                        throw LogError.recordTimeBackwards(requested: requested, last: last)
                    }
                    try checkNotAhead(requested)
                    recordedAt = requested
                } else {
                    recordedAt = max(clock(), last ?? RecordTime(microseconds: .min))
                }
                var unchanged = 0
                var versions: [StreamID: UInt64] = [:]
                var written: [Envelope] = []
                for (part, payloads) in zip(parts, encoded) {
                    var fresh: [Int] = []
                    for (i, event) in part.events.enumerated() {
                        if try isRecorded(event, in: part.stream, tx) {
                            unchanged += 1
                        } else {
                            fresh.append(i)
                        }
                    }
                    let slot = try writer.slot(for: part.stream)
                    var version = versions[part.stream] ?? writer.version(of: slot)
                    if !fresh.isEmpty, !part.expected.admits(current: version) {
                        throw LogError.wrongExpectedVersion(
                            stream: part.stream, expected: part.expected, actual: version)
                    }
                    for i in fresh {
                        let event = part.events[i]
                        version += 1
                        let ok = try writer.write(
                            id: event.id, type: event.type, slot: slot, version: version,
                            recordedAt: recordedAt, recordedBy: recordedBy, correlationID: correlationID,
                            causationID: event.causationID, payload: payloads[i])
                        precondition(ok, "an id checked as new was found in the index")
                        written.append(
                            Envelope(
                                position: writer.lastPosition, id: event.id, type: event.type, stream: part.stream,
                                version: version, recordedAt: recordedAt, recordedBy: recordedBy,
                                correlationID: correlationID, causationID: event.causationID, payload: event.payload))
                    }
                    versions[part.stream] = version
                }
                try writer.endCommit()
                if let alsoWrite, !written.isEmpty { try alsoWrite(tx, written) }
                let range = written.first.flatMap { f in written.last.map { f.position...$0.position } }
                return AppendResult(
                    positions: range, appended: written.count, unchanged: unchanged,
                    recordedAt: written.isEmpty ? (last ?? recordedAt) : recordedAt, streamVersions: versions)
            }
        }
    }

    /// Whether `event` is already recorded; throws when its id is recorded with other content.
    private func isRecorded(_ event: ProposedEvent, in stream: StreamID, _ tx: Transaction) throws -> Bool {
        guard let pos = try tx.value(eventIDs, key: event.id.bytes) else { return false }
        let position = try Position.stored(pos, "the index entry of event id \(event.id)")
        guard let stored = try envelope(at: position, tx) else {
            throw LogError.corrupted(position: position, reason: "event id \(event.id) indexes a missing event")
        }
        guard stored.type == event.type, stored.stream == stream, stored.payload == event.payload,
            stored.causationID == event.causationID
        else { throw LogError.idConflict(id: event.id, position: position) }
        return true
    }
}

extension EventLog {
    /// Throws ``LogError/recordTimeInFuture(requested:clock:)`` when `requested` is later than
    /// the clock allows (``clockSkew``).
    public func checkNotAhead(_ requested: RecordTime) throws {
        let now = clock()
        if EventLog.isAhead(requested, of: now) { throw LogError.recordTimeInFuture(requested: requested, clock: now) }
    }
}
