import LMDB

/// The end of the log: its last position, record time and chain hash.
public struct LogHead: Sendable, Equatable {
    public let lastPosition: Position
    public let lastRecordedAt: RecordTime?
    /// The chain hash of the last commit (32 zero bytes for an empty log).
    public let chain: [UInt8]
}

extension EventLog {
    func lastPosition(_ tx: Transaction) throws -> Position {
        try tx.withCursor(events) { c in
            try c.last().map { try Position.stored($0.key, "the last event's key") } ?? .zero
        }
    }

    func lastCommit(_ tx: Transaction) throws -> CommitRecord? {
        try tx.withCursor(commits) { c in
            guard let entry = try c.last() else { return nil }
            guard let record = CommitRecord(entry) else {
                throw LogError.corrupted(position: nil, reason: "malformed commit record")
            }
            return record
        }
    }

    func envelope(at position: Position, _ tx: Transaction, payload: Bool = true) throws -> Envelope? {
        try position.key.withUnsafeBytes { key in
            try tx.withValue(events, key: key) { stored -> Envelope? in
                guard let stored else { return nil }
                return try EnvelopeCodec.envelope(position: position, stored: stored, payload: payload)
            }
        }
    }

    /// The last position as `tx` sees it, for layers that keep their own databases in the
    /// log's environment and write them in the log's transactions.
    public func lastPosition(in tx: Transaction) throws -> Position { try lastPosition(tx) }

    /// Calls `body` with each event after `position`, read in `tx`, until it returns `false`.
    public func read(in tx: Transaction, after position: Position, _ body: (Envelope) throws -> Bool) throws {
        try tx.withCursor(events) { c in
            try c.scan(from: position.next.key) { key, value in
                guard let pos = Position(key: key) else {
                    throw LogError.corrupted(position: nil, reason: "event key of \(key.count) bytes")
                }
                return try body(try EnvelopeCodec.envelope(position: pos, stored: value))
            }
        }
    }

    /// Calls `body` with each event after `position`, read in `tx`, until it returns `false`,
    /// decoding (and checking) only the events whose type's family is in `families`; the
    /// others are passed as `nil` with their position, without being decoded.
    public func read(
        in tx: Transaction, after position: Position, families: EventFamilies,
        _ body: (Position, Envelope?) throws -> Bool
    ) throws {
        try tx.withCursor(events) { c in
            try c.scan(from: position.next.key) { key, value in
                guard let pos = Position(key: key) else {
                    throw LogError.corrupted(position: nil, reason: "event key of \(key.count) bytes")
                }
                if let name = EnvelopeCodec.typeName(stored: value), !families.contains(typeName: name) {
                    return try body(pos, nil)
                }
                return try body(pos, try EnvelopeCodec.envelope(position: pos, stored: value))
            }
        }
    }

    /// The last position, record time and chain hash.
    public func head() throws -> LogHead {
        try storage {
            try environment.read { tx in
                let commit = try lastCommit(tx)
                return LogHead(
                    lastPosition: try lastPosition(tx), lastRecordedAt: commit?.recordedAt,
                    chain: commit?.chain ?? CommitRecord.genesis)
            }
        }
    }

    /// The event at `position`, or `nil`.
    public func event(at position: Position) throws -> Envelope? {
        try storage { try environment.read { try envelope(at: position, $0) } }
    }

    /// The event with `id`, or `nil`.
    public func event(id: EventID) throws -> Envelope? {
        try storage {
            try environment.read { tx in
                guard let pos = try tx.value(eventIDs, key: id.bytes) else { return nil }
                return try envelope(at: try Position.stored(pos, "the index entry of event id \(id)"), tx)
            }
        }
    }

    /// Calls `body` with each event of `families` after `position` in order, among the next
    /// `limit` events, from one consistent snapshot, until `body` returns `false`.
    public func read(
        after position: Position = .zero, limit: Int? = nil, families: EventFamilies,
        _ body: (Envelope) throws -> Bool
    ) throws {
        try storage {
            try environment.read { tx in
                var count = 0
                try read(in: tx, after: position, families: families) { _, envelope in
                    if let limit, count >= limit { return false }
                    count += 1
                    guard let envelope else { return true }
                    return try body(envelope)
                }
            }
        }
    }

    /// Calls `body` with each event after `position` in order, at most `limit` of them,
    /// from one consistent snapshot, until `body` returns `false`.
    public func read(after position: Position = .zero, limit: Int? = nil, _ body: (Envelope) throws -> Bool) throws {
        if let limit, limit <= 0 { return }
        try storage {
            try environment.read { tx in
                var count = 0
                try read(in: tx, after: position) { envelope in
                    count += 1
                    return try body(envelope) && count != limit
                }
            }
        }
    }

    /// The head of `stream`: from the events an import has not stored the heads of yet,
    /// else from the `streams` table.
    func streamHead(_ stream: StreamID, _ tx: Transaction) throws -> StreamHead? {
        try unstoredHeads(tx)[stream] ?? storedHead(stream, tx)
    }

    /// The head of `stream` in the `streams` table.
    func storedHead(_ stream: StreamID, _ tx: Transaction) throws -> StreamHead? {
        try LogKeys.stream(stream).withUnsafeBytes { key in
            try tx.withValue(streams, key: key) { value -> StreamHead? in
                guard let value else { return nil }
                guard let head = StreamHead(value) else {
                    throw LogError.corrupted(position: nil, reason: "malformed head of stream \(stream)")
                }
                return head
            }
        }
    }

    /// The events of `stream` in version order, read back from its head along each
    /// event's link to the one before.
    public func stream(_ stream: StreamID) throws -> [Envelope] {
        try storage {
            try environment.read { tx in
                guard let head = try streamHead(stream, tx) else { return [] }
                var out: [Envelope] = []
                var position = head.position
                var version = head.version
                while position != .zero {
                    let decoded: EnvelopeCodec.Decoded = try position.key.withUnsafeBytes { key in
                        try tx.withValue(events, key: key) { stored in
                            guard let stored else {
                                throw LogError.corrupted(
                                    position: position, reason: "stream \(stream) links to a missing event")
                            }
                            do {
                                return try EnvelopeCodec.decode(position: position, stored: stored)
                            } catch let error as EnvelopeCodec.Corrupt {
                                throw LogError.corrupted(position: position, reason: error.reason)
                            }
                        }
                    }
                    guard decoded.envelope.stream == stream, decoded.envelope.version == version else {
                        throw LogError.corrupted(
                            position: position, reason: "stream \(stream) links to another stream's event")
                    }
                    out.append(decoded.envelope)
                    position = decoded.previous
                    version -= 1
                }
                return out.reversed()
            }
        }
    }

    /// The current version of `stream` (0 when it does not exist).
    public func streamVersion(_ stream: StreamID) throws -> UInt64 {
        try storage { try environment.read { try streamHead(stream, $0)?.version ?? 0 } }
    }

    /// How many streams have ids starting with `category` followed by `-`.
    public func streamCount(category: String) throws -> Int {
        try storage { try environment.read { try streamCount(category: category, $0) } }
    }

    /// How many streams have ids starting with `category` followed by `-`, in `tx`.
    func streamCount(category: String, _ tx: Transaction) throws -> Int {
        // Counted on the keys, without making a `StreamID` of each (833k claim streams
        // took 0.4 s and most of a gigabyte that way).
        let prefix = Array((category + "-").utf8)
        let stored = try tx.withCursor(streams) { c in
            var n = 0
            try c.scan(from: prefix) { key, _ in
                guard key.starts(with: prefix) else { return false }
                n += 1
                return true
            }
            return n
        }
        return try stored + unstoredStreams(prefix: prefix, tx).count
    }

    /// The streams of a category (ids starting with `category-`), in id order.
    public func streams(category: String) throws -> [StreamID] {
        try storage { try environment.read { try streamIDs(prefix: Array((category + "-").utf8), $0) } }
    }

    func streamIDs(prefix: [UInt8], _ tx: Transaction) throws -> [StreamID] {
        var out: [StreamID] = []
        try tx.withCursor(streams) { c in
            try c.scan(from: prefix) { key, _ in
                guard key.starts(with: prefix) else { return false }
                if let s = StreamID(String(decoding: key, as: UTF8.self)) { out.append(s) }
                return true
            }
        }
        let unstored = try unstoredStreams(prefix: prefix, tx)
        guard !unstored.isEmpty else { return out }
        return (out + unstored).sorted()  // by their bytes, as the keys are
    }

    /// Streams whose ids start with `prefix` that have events but no row in the `streams`
    /// table yet (an import defers their heads: ``DeferredHeads``).
    func unstoredStreams(prefix: [UInt8] = [], _ tx: Transaction) throws -> [StreamID] {
        try unstoredHeads(tx).keys.filter { stream in
            let key = LogKeys.stream(stream)
            return try key.starts(with: prefix) && storedHead(stream, tx) == nil
        }
    }

    /// The last position recorded at or before `time`: what the journal knew then. One seek
    /// in the record-time index, whatever the length of the log.
    public func position(asOf time: RecordTime) throws -> Position {
        try storage { try environment.read { try position(asOf: time, $0) } }
    }

    func position(asOf time: RecordTime, _ tx: Transaction) throws -> Position {
        try tx.withCursor(commits) { c in
            guard let entry = try c.seek(atMost: LogKeys.commitsAfter(time)) else { return .zero }
            guard let commit = CommitRecord(entry) else {
                throw LogError.corrupted(position: nil, reason: "malformed commit record")
            }
            return commit.last
        }
    }
}
