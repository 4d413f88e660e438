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
/// | `streams`       | stream id                             | version ‖ position of its last event |
/// | `commits`       | record time (biased u64 BE) ‖ last position | first position ‖ chain hash |
/// | `meta`          | name                                  | format version; `heads-through` (``DeferredHeads``) |
///
/// Each stored event links to its stream's previous event, so a stream is read back from
/// its head and the only per-stream index is one row per stream: a random-key B-tree
/// written per event costs pages at every durable commit, and this one is as small as the
/// number of streams, not of events. Record time never goes backwards, so
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
        /// Those of `extraDatabases` that are sets (``LMDB/Environment/Options/sets``).
        public var extraSets: Set<String> = []
        /// Take turns at the write lock with the journal's other writers
        /// (``LMDB/Environment/Options/takesTurns``); off only to act as an older program.
        public var takesTurns: Bool = true
        /// The clock record times are taken from, and checked against (tests set their own).
        public var clock: @Sendable () -> RecordTime = { RecordTime.now() }
        /// The most events an import keeps stream heads unstored for (``DeferredHeads``);
        /// tests set a small one.
        var deferredHeadsLimit: UInt64 = 262_144
        public init() {}
    }

    /// How far past the clock a given record time may be (another machine's clock may run
    /// a little ahead): record time is when the journal learned something, so `--recorded-at`
    /// and imported times may go back (back-filling), never ahead — one mistyped year would
    /// hold every later event's record time there, for good.
    public static let clockSkew: Int64 = 5 * 60 * 1_000_000

    /// Whether `time` is later than `clock` allows (beyond ``clockSkew``): the one rule for
    /// `--recorded-at`, appends and imports.
    public static func isAhead(_ time: RecordTime, of clock: RecordTime) -> Bool {
        time.microseconds > clock.microseconds + clockSkew
    }

    /// The stored layout's version; a journal of another layout is refused by name.
    /// Version 4 added the `heads-through` marker (``DeferredHeads``): a journal of version
    /// 3 is one without it, and is upgraded when an import first sets it.
    static let formatVersion: [UInt8] = Array("strata-log/4".utf8)
    static let readableFormats: [[UInt8]] = [Array("strata-log/3".utf8), formatVersion]
    static let formatKey = Array("format".utf8)
    static let databaseNames = ["events", "event_ids", "streams", "commits", "meta"]

    /// The LMDB environment, for layers that keep their own databases beside the log.
    public let environment: Environment
    /// The journal directory.
    public let path: String
    /// The clock (``Options/clock``).
    public let clock: @Sendable () -> RecordTime
    /// ``Options/deferredHeadsLimit``.
    let deferredHeadsLimit: UInt64
    /// Heads an import left unstored, as readers last read them.
    let unstoredCache = UnstoredHeadsCache()
    let events: Database
    let eventIDs: Database
    let streams: Database
    let commits: Database
    let meta: Database

    /// Whether a journal exists at `path`.
    public static func exists(at path: String) -> Bool {
        var st = stat()
        return stat(path + "/data.mdb", &st) == 0
    }

    /// What is at `path`, for a command that must not create a journal.
    public enum Presence: Equatable, Sendable {
        case journal
        case missing
        /// The directory or data file cannot be reached: permissions.
        case denied
        /// A data file with nothing in it, which LMDB would make a new journal of.
        case emptyDataFile
    }

    /// What is at `path`. A data file is empty for a moment while another process creates
    /// the journal, so an empty one is looked at again for a little while first.
    public static func presence(at path: String) -> Presence {
        var st = stat()
        for attempt in 0..<5 {
            guard stat(path + "/data.mdb", &st) == 0 else { return errno == EACCES ? .denied : .missing }
            if st.st_size > 0 { return .journal }
            if attempt < 4 { usleep(20_000) }
        }
        return .emptyDataFile
    }

    /// Opens the journal at `path`, creating it when it does not exist.
    public init(path: String, options: Options = Options()) throws {
        var envOptions = Environment.Options()
        envOptions.mapSize = options.mapSize
        envOptions.durable = options.durable
        envOptions.sets = options.extraSets
        envOptions.takesTurns = options.takesTurns
        let env = try storage {
            try Environment(
                path: path, databases: EventLog.databaseNames + options.extraDatabases, options: envOptions)
        }
        self.environment = env
        self.path = path
        clock = options.clock
        deferredHeadsLimit = options.deferredHeadsLimit
        events = env.database("events")
        eventIDs = env.database("event_ids")
        streams = env.database("streams")
        commits = env.database("commits")
        meta = env.database("meta")
        try checkFormat()
    }

    private func checkFormat() throws {
        let key = EventLog.formatKey
        let stored = try storage { try environment.read { try $0.value(meta, key: key) } }
        if let stored {
            guard EventLog.readableFormats.contains(stored) else {
                throw LogError.corrupted(
                    position: nil, reason: "unknown journal format \(String(decoding: stored, as: UTF8.self))")
            }
            return
        }
        try storage {
            try environment.write { tx in
                guard try tx.value(meta, key: key) == nil else { return }
                // A new journal takes its format; one with events lost its marker to damage
                // (a flipped byte of the key), and is not read as some format by guess.
                guard try lastPosition(tx) == .zero else {
                    throw LogError.corrupted(
                        position: nil, reason: "the journal's format marker (\"format\" in its meta table) is missing")
                }
                try tx.put(meta, key: key, value: EventLog.formatVersion)
            }
        }
    }

    /// The keys the log keeps in its meta table: its format, and where stream heads were
    /// stored to when an import left them (``DeferredHeads``).
    static var metaKeys: [[UInt8]] { [formatKey, headsThroughKey] }
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

/// A stream's version and the position of its last event.
struct StreamHead: Equatable {
    let version: UInt64
    let position: Position

    var value: [UInt8] {
        var v = BigEndian.bytes(version)
        BigEndian.append(position.rawValue, to: &v)
        return v
    }

    init(version: UInt64, position: Position) {
        self.version = version
        self.position = position
    }

    init?(_ value: UnsafeRawBufferPointer) {
        guard value.count == 16 else { return nil }
        version = BigEndian.uint64(value)
        position = Position(BigEndian.uint64(value, at: 8))
    }
}

/// Key layouts of the index databases.
enum LogKeys {
    /// A stream's key in `streams`: its id.
    static func stream(_ stream: StreamID) -> [UInt8] { Array(stream.rawValue.utf8) }

    /// The first commit key after everything recorded at or before `t`.
    static func commitsAfter(_ t: RecordTime) -> [UInt8] {
        var k = BigEndian.bytes(RecordTime.biased(t))
        BigEndian.append(UInt64.max, to: &k)
        return k
    }
}
