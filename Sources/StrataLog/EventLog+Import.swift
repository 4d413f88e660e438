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
}

extension EventLog {
    /// Imports NDJSON lines as `export` writes them, keeping positions, ids, record times
    /// and commit boundaries (consecutive events with one correlation id and record time
    /// are one command), so the chain and every answer equal the exported journal's.
    ///
    /// It commits durably after each command that brings the transaction to `batchSize`
    /// events or more, so a crash loses at most the open batch and never splits a command.
    /// Running it again skips the events already there (checking they are the same) and
    /// goes on from the first missing position.
    public func importNDJSON(
        from reader: LineReader, batchSize: Int = 10_000, progress: ((ImportResult) -> Void)? = nil
    ) throws -> ImportResult {
        var result = ImportResult()
        var held: Envelope? = nil
        var atEnd = false
        while !atEnd {
            // Gather whole commands up to the batch size before the write transaction, so
            // the transaction body can run again if the map has to grow.
            var batch: [Envelope] = []
            var lines: [Int] = []
            if let h = held {
                batch.append(h)
                lines.append(reader.lineNumber)
                held = nil
            }
            while true {
                guard
                    let e = try reader.next({ bytes -> Envelope? in
                        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                        return try Envelope(jsonLine: bytes, line: reader.lineNumber)
                    })
                else {
                    atEnd = true
                    break
                }
                guard let e else { continue }
                if batch.count >= batchSize, let last = batch.last, !sameCommand(last, e) {
                    held = e
                    break
                }
                batch.append(e)
                lines.append(reader.lineNumber)
            }
            guard !batch.isEmpty else { break }
            let (imported, skipped) = try writeImported(batch, lines: lines)
            result.imported += imported
            result.skipped += skipped
            result.transactions += imported > 0 ? 1 : 0
            result.lastPosition = batch.last?.position ?? result.lastPosition
            progress?(result)
        }
        return result
    }

    private func sameCommand(_ a: Envelope, _ b: Envelope) -> Bool {
        a.correlationID == b.correlationID && a.recordedAt == b.recordedAt
    }

    private func writeImported(_ batch: [Envelope], lines: [Int]) throws -> (Int, Int) {
        let payloads = batch.map { $0.payload.encode() }
        return try storage {
            try environment.write { tx in
                var writer = try LogWriter(log: self, tx: tx)
                var imported = 0
                var skipped = 0
                var previous: Envelope? = nil
                var versions: [StreamID: UInt64] = [:]
                for (i, e) in batch.enumerated() {
                    let line = lines[i]
                    defer { previous = e }
                    if e.position <= writer.lastPosition {
                        guard let stored = try envelope(at: e.position, tx), stored == e else {
                            throw LogError.importRejected(
                                line: line, field: "position",
                                reason: "position \(e.position) already holds another event")
                        }
                        skipped += 1
                        continue
                    }
                    guard e.position == writer.lastPosition.next else {
                        throw LogError.importRejected(
                            line: line, field: "position",
                            reason: "position \(e.position) leaves a gap after \(writer.lastPosition)")
                    }
                    if previous.map({ !sameCommand($0, e) }) ?? true {
                        try writer.endCommit()
                        if let last = writer.lastRecordedAt, e.recordedAt < last {
                            throw LogError.importRejected(
                                line: line, field: "recorded_at",
                                reason: "record time \(e.recordedAt) is earlier than \(last)")
                        }
                    }
                    let current = try versions[e.stream] ?? writer.streamVersion(e.stream)
                    guard e.version == current + 1 else {
                        throw LogError.importRejected(
                            line: line, field: "version",
                            reason: "stream \(e.stream) is at version \(current); version \(e.version) does not follow")
                    }
                    versions[e.stream] = e.version
                    let fresh = try writer.write(
                        id: e.id, type: e.type, stream: e.stream, version: e.version, recordedAt: e.recordedAt,
                        recordedBy: e.recordedBy, correlationID: e.correlationID, causationID: e.causationID,
                        payload: payloads[i])
                    guard fresh else {
                        throw LogError.importRejected(
                            line: line, field: "id", reason: "event id \(e.id) is already in the journal")
                    }
                    imported += 1
                }
                try writer.endCommit()
                return (imported, skipped)
            }
        }
    }
}
