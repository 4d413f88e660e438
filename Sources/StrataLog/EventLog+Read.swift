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
        try tx.withCursor(events) { c in try c.last().map { Position(BigEndian.uint64($0.key)) } ?? .zero }
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
                return try envelope(at: Position(BigEndian.uint64(pos)), tx)
            }
        }
    }

    /// Calls `body` with each event after `position` in order, at most `limit` of them,
    /// from one consistent snapshot, until `body` returns `false`.
    public func read(after position: Position = .zero, limit: Int? = nil, _ body: (Envelope) throws -> Bool) throws {
        try storage {
            try environment.read { tx in
                try tx.withCursor(events) { c in
                    var count = 0
                    try c.scan(from: position.next.key) { key, value in
                        if let limit, count >= limit { return false }
                        guard let pos = Position(key: key) else {
                            throw LogError.corrupted(position: nil, reason: "event key of \(key.count) bytes")
                        }
                        let envelope = try EnvelopeCodec.envelope(position: pos, stored: value)
                        count += 1
                        return try body(envelope)
                    }
                }
            }
        }
    }

    func streamVersion(_ stream: StreamID, _ tx: Transaction) throws -> UInt64 {
        let prefix = LogKeys.streamPrefix(stream)
        return try tx.withCursor(streamEvents) { c in
            guard let last = try c.seek(atMost: prefix + [UInt8](repeating: 0xFF, count: 8)),
                last.key.count == prefix.count + 8, last.key.starts(with: prefix)
            else { return 0 }
            return BigEndian.uint64(last.key, at: prefix.count)
        }
    }

    /// The events of `stream` in version order.
    public func stream(_ stream: StreamID) throws -> [Envelope] {
        try storage {
            try environment.read { tx in
                var positions: [Position] = []
                let prefix = LogKeys.streamPrefix(stream)
                try tx.withCursor(streamEvents) { c in
                    try c.scan(from: prefix) { key, value in
                        guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                        positions.append(Position(BigEndian.uint64(value)))
                        return true
                    }
                }
                return try positions.map { p in
                    guard let e = try envelope(at: p, tx) else {
                        throw LogError.corrupted(position: p, reason: "stream \(stream) indexes a missing event")
                    }
                    return e
                }
            }
        }
    }

    /// The current version of `stream` (0 when it does not exist).
    public func streamVersion(_ stream: StreamID) throws -> UInt64 {
        try storage {
            try environment.read { try streamVersion(stream, $0) }
        }
    }

    /// How many streams have ids starting with `category` followed by `-`.
    public func streamCount(category: String) throws -> Int {
        try storage { try environment.read { try streamCount(prefix: Array((category + "-").utf8), $0) } }
    }

    /// The streams of a category (ids starting with `category-`), in id order.
    public func streams(category: String) throws -> [StreamID] {
        let prefix = Array((category + "-").utf8)
        return try storage {
            try environment.read { tx in
                var out: [StreamID] = []
                try tx.withCursor(streamEvents) { c in
                    try c.scan(from: prefix) { key, _ in
                        guard key.starts(with: prefix) else { return false }
                        if key.count >= 9, BigEndian.uint64(UnsafeRawBufferPointer(rebasing: key[(key.count - 8)...])) == 1,
                            let s = StreamID(String(decoding: UnsafeRawBufferPointer(rebasing: key[..<(key.count - 9)]), as: UTF8.self))
                        {
                            out.append(s)
                        }
                        return true
                    }
                }
                return out
            }
        }
    }

    /// Streams whose ids start with `prefix`: their version-1 keys in `stream_events`.
    func streamCount(prefix: [UInt8], _ tx: Transaction) throws -> Int {
        var n = 0
        try tx.withCursor(streamEvents) { c in
            try c.scan(from: prefix) { key, _ in
                guard key.starts(with: prefix) else { return false }
                if key.count >= 9, BigEndian.uint64(UnsafeRawBufferPointer(rebasing: key[(key.count - 8)...])) == 1 {
                    n += 1
                }
                return true
            }
        }
        return n
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
