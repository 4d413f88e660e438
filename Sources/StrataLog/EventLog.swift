import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The append-only event log of a journal, stored in LMDB.
///
/// | database        | key                                   | value                          |
/// |-----------------|---------------------------------------|--------------------------------|
/// | `events`        | position (u64 BE), gapless from 1     | envelope (``EnvelopeCodec``)   |
/// | `event_ids`     | event id (16 bytes)                   | position — permanent idempotency |
/// | `stream_events` | stream id ‖ 0 ‖ version (u64 BE)      | position                       |
/// | `commits`       | record time (biased u64 BE) ‖ last position | first position ‖ chain hash |
/// | `meta`          | name                                  | format version                 |
///
/// A stream's current version is its last key in `stream_events` (one seek), so appends
/// write one stream index entry per event, not two. Record time never goes backwards, so
/// `commits` keyed by record time is also in position order: the same table gives the
/// last commit, the chain, and as-of T → position in one seek.
///
/// A command's events form one commit; the chain hash of a commit is SHA-256 over the
/// previous hash, the commit's positions and record time and its events' checksums, so any
/// change to a stored event, or a missing or reordered one, breaks the chain.
public final class EventLog: Sendable {
    /// Options for opening a log.
    public struct Options: Sendable {
        /// Initial LMDB map size; it grows by itself.
        public var mapSize: Int = 1 << 30
        /// Flush to disk at every commit. Off only for throwaway journals.
        public var durable: Bool = true
        /// Databases the layers above keep in the same environment (read models), opened
        /// with the log's so they can be written in the same transaction.
        public var extraDatabases: [String] = []
        public init() {}
    }

    /// The stored layout's version; a journal of another layout is refused by name.
    static let formatVersion: [UInt8] = Array("strata-log/2".utf8)
    static let databaseNames = ["events", "event_ids", "stream_events", "commits", "meta"]

    /// The LMDB environment, for layers that keep their own databases beside the log.
    public let environment: Environment
    /// The journal directory.
    public let path: String
    let events: Database
    let eventIDs: Database
    let streamEvents: Database
    let commits: Database
    let meta: Database

    /// Whether a journal exists at `path`.
    public static func exists(at path: String) -> Bool {
        var st = stat()
        return stat(path + "/data.mdb", &st) == 0
    }

    /// Opens the journal at `path`, creating it when it does not exist.
    public init(path: String, options: Options = Options()) throws {
        var envOptions = Environment.Options()
        envOptions.mapSize = options.mapSize
        envOptions.durable = options.durable
        let env = try storage {
            try Environment(
                path: path, databases: EventLog.databaseNames + options.extraDatabases, options: envOptions)
        }
        self.environment = env
        self.path = path
        events = env.database("events")
        eventIDs = env.database("event_ids")
        streamEvents = env.database("stream_events")
        commits = env.database("commits")
        meta = env.database("meta")
        try checkFormat()
    }

    private func checkFormat() throws {
        let key = Array("format".utf8)
        let stored = try storage { try environment.read { try $0.value(meta, key: key) } }
        if let stored {
            guard stored == EventLog.formatVersion else {
                throw LogError.corrupted(
                    position: nil, reason: "unknown journal format \(String(decoding: stored, as: UTF8.self))")
            }
            return
        }
        try storage {
            try environment.write { tx in
                if try tx.value(meta, key: key) == nil {
                    try tx.put(meta, key: key, value: EventLog.formatVersion)
                }
            }
        }
    }
}

/// The summary of one command's events in `commits`.
struct CommitRecord: Equatable {
    let first: Position
    let last: Position
    let recordedAt: RecordTime
    let chain: [UInt8]

    static let genesis = [UInt8](repeating: 0, count: 32)

    /// Record time ‖ last position: record time never goes backwards, so this is also
    /// position order.
    var key: [UInt8] {
        var k = BigEndian.bytes(RecordTime.biased(recordedAt))
        BigEndian.append(last.rawValue, to: &k)
        return k
    }

    var value: [UInt8] { first.key + chain }

    init(first: Position, last: Position, recordedAt: RecordTime, chain: [UInt8]) {
        self.first = first
        self.last = last
        self.recordedAt = recordedAt
        self.chain = chain
    }

    init?(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        guard key.count == 16, value.count == 40 else { return nil }
        recordedAt = RecordTime.unbiased(BigEndian.uint64(key))
        last = Position(BigEndian.uint64(key, at: 8))
        first = Position(BigEndian.uint64(value))
        chain = Array(value[8..<40])
    }

    init?(_ entry: Cursor.Entry) {
        let made = entry.key.withUnsafeBytes { k in
            entry.value.withUnsafeBytes { v in CommitRecord(key: k, value: v) }
        }
        guard let made else { return nil }
        self = made
    }
}

extension RecordTime {
    /// Record time as an unsigned integer whose big-endian bytes sort like the time.
    static func biased(_ t: RecordTime) -> UInt64 { UInt64(bitPattern: t.rawValue) ^ (1 << 63) }
    static func unbiased(_ v: UInt64) -> RecordTime { RecordTime(microseconds: Int64(bitPattern: v ^ (1 << 63))) }
}

/// Key layouts of the index databases.
enum LogKeys {
    /// Stream id ‖ 0: the prefix of all of a stream's keys. Stream ids hold no control
    /// characters, so one stream's prefix is never another's.
    static func streamPrefix(_ stream: StreamID) -> [UInt8] {
        var k = Array(stream.rawValue.utf8)
        k.append(0)
        return k
    }

    static func streamEvent(_ stream: StreamID, _ version: UInt64) -> [UInt8] {
        var k = streamPrefix(stream)
        BigEndian.append(version, to: &k)
        return k
    }

    /// The first commit key after everything recorded at or before `t`.
    static func commitsAfter(_ t: RecordTime) -> [UInt8] {
        var k = BigEndian.bytes(RecordTime.biased(t))
        BigEndian.append(UInt64.max, to: &k)
        return k
    }
}
