#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An event as import writes it: the envelope's fields and the payload already in its
/// stored binary form (transcoded from JSON without building a tree, or encoded once from
/// an ``Envelope``).
public struct EncodedEvent: Sendable {
    let position: Position
    let id: EventID
    let type: EventType
    let stream: StreamID
    let version: UInt64
    private(set) var recordedAt: RecordTime
    let recordedBy: String
    let correlationID: EventID
    let causationID: EventID?
    let payload: [UInt8]
    /// Streams that must have events by the end of this one's command (an import's check says).
    var requires: [StreamID] = []

    /// Encodes a decoded event's payload.
    public init(_ e: Envelope) {
        position = e.position
        id = e.id
        type = e.type
        stream = e.stream
        version = e.version
        recordedAt = e.recordedAt
        recordedBy = e.recordedBy
        correlationID = e.correlationID
        causationID = e.causationID
        payload = e.payload.encode()
    }

    /// The same event recorded at another time.
    func recorded(at time: RecordTime) -> EncodedEvent {
        var copy = self
        copy.recordedAt = time
        return copy
    }

    /// Whether `other` belongs to the same command: one correlation id and record time.
    func sameCommand(as other: EncodedEvent) -> Bool {
        correlationID == other.correlationID && recordedAt == other.recordedAt
    }

    /// The stored bytes before the checksum, given the stream's previous event.
    func body(previous: Position) -> [UInt8] {
        var header = EnvelopeCodec.header(
            id: id, type: type, stream: stream, version: version, previous: previous, recordedAt: recordedAt,
            recordedBy: recordedBy,
            correlationID: correlationID, causationID: causationID, payloadCapacity: payload.count)
        header.raw(payload)
        return header.bytes
    }

    /// Reads an NDJSON line as `export` writes it; `line` is its 1-based number, for errors.
    /// `cache` keeps the last type, stream, recorder and record time read, which repeat
    /// from line to line, so they are validated and allocated once per run of equal values.
    init(jsonLine bytes: UnsafeRawBufferPointer, line: Int, cache: inout LineCache) throws {
        func reject(_ field: String?, _ reason: String) -> LogError {
            .importRejected(line: line, field: field, reason: reason)
        }
        typealias Key = Envelope.LineKey
        var present: UInt16 = 0
        // Why a present field's value is wrong, by key; empty unless the line is invalid.
        var problems: [Key: String] = [:]
        var position: UInt64 = 0
        var version: UInt64 = 0
        var id: EventID? = nil
        var correlationID: EventID? = nil
        var causationID: EventID? = nil
        var type: EventType? = nil
        var stream: StreamID? = nil
        var recordedAt: RecordTime? = nil
        var recordedBy: String? = nil
        var payload: [UInt8]? = nil
        var unknown: String? = nil
        var repeated: Key? = nil
        var parser = JSONParser(bytes)
        do {
            // Every key is known, so the `present` bits find a repeated one.
            try parser.parseObject(uniqueKeys: false) { (name, p) throws(JSONError) in
                guard let key = Key(utf8: name) else {
                    unknown = String(decoding: name, as: UTF8.self)
                    throw p.fail("unknown field")
                }
                guard present & (1 << key.rawValue) == 0 else {
                    repeated = key
                    throw p.fail("duplicate key")
                }
                present |= 1 << key.rawValue
                func string(_ read: (UnsafeRawBufferPointer) -> String?) throws(JSONError) {
                    var problem: String? = nil
                    if try !p.parseStringValue(orSkip: { problem = read($0) }) { problem = "expected a string" }
                    if let problem { problems[key] = problem }
                }
                func count() throws(JSONError) -> UInt64 {
                    guard let v = try p.parseInteger(), v > 0 else {
                        problems[key] = "expected a positive integer"
                        return 0
                    }
                    return UInt64(v)
                }
                /// A string read by `read`, or `reason` recorded when it gives nothing.
                func value<T>(_ reason: String, _ read: (UnsafeRawBufferPointer) -> T?) throws(JSONError) -> T? {
                    var parsed: T? = nil
                    try string { utf8 in
                        parsed = read(utf8)
                        return parsed == nil ? reason : nil
                    }
                    return parsed
                }
                switch key {
                case .position: position = try count()
                case .version: version = try count()
                case .id: id = try value("expected a UUID", EventID.init(utf8:))
                case .correlationID: correlationID = try value("expected a UUID", EventID.init(utf8:))
                case .causationID:
                    if try !p.parseNull() { causationID = try value("expected a UUID", EventID.init(utf8:)) }
                case .type: type = try value("expected a versioned name like claim.asserted.v1") { cache.type($0) }
                case .stream: stream = try value("invalid stream id") { cache.stream($0) }
                case .recordedAt: recordedAt = try value("expected an ISO 8601 date-time") { cache.recordedAt($0) }
                case .recordedBy: recordedBy = try value("") { cache.recordedBy($0) }
                case .payload:
                    var writer = BinaryPayloadWriter(capacity: bytes.count)
                    try p.parseValue(into: &writer)
                    payload = writer.out.bytes
                }
            }
        } catch {
            if let unknown { throw reject(unknown, "unknown field") }
            if let repeated { throw reject(repeated.name, "given twice") }
            throw reject(nil, "not a valid JSON object (column \(error.column)): \(error.reason)")
        }
        // Report the first wrong field in line-key order.
        for key in Key.allCases {
            guard present & (1 << key.rawValue) != 0 else { throw reject(key.name, "missing") }
            if let problem = problems[key] { throw reject(key.name, problem) }
        }
        guard let id, let type, let stream, let recordedAt, let recordedBy, let correlationID, let payload else {
            preconditionFailure("every present, valid field was read")
        }
        self.position = Position(position)
        self.id = id
        self.type = type
        self.stream = stream
        self.version = version
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.correlationID = correlationID
        self.causationID = causationID
        self.payload = payload
    }

    /// Reads one line without a cache (tests, single lines).
    init(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws {
        var cache = LineCache()
        try self.init(jsonLine: bytes, line: line, cache: &cache)
    }

    /// The last value of each repetitive envelope field and the bytes it was read from.
    struct LineCache {
        private var typeEntry: ([UInt8], EventType?) = ([], nil)
        private var streamEntry: ([UInt8], StreamID?) = ([], nil)
        private var recordedByEntry: ([UInt8], String) = ([], "")
        private var recordedAtEntry: ([UInt8], RecordTime?) = ([], nil)

        private static func lookup<T>(
            _ entry: inout ([UInt8], T), _ utf8: UnsafeRawBufferPointer, _ make: (UnsafeRawBufferPointer) -> T
        ) -> T {
            if entry.0.count == utf8.count,
                entry.0.withUnsafeBytes({ utf8.isEmpty || memcmp($0.baseAddress!, utf8.baseAddress!, utf8.count) == 0 })
            {
                return entry.1
            }
            entry = (Array(utf8), make(utf8))
            return entry.1
        }

        mutating func type(_ utf8: UnsafeRawBufferPointer) -> EventType? {
            LineCache.lookup(&typeEntry, utf8) { EventType(String(decoding: $0, as: UTF8.self)) }
        }
        mutating func stream(_ utf8: UnsafeRawBufferPointer) -> StreamID? {
            LineCache.lookup(&streamEntry, utf8) { StreamID(String(decoding: $0, as: UTF8.self)) }
        }
        mutating func recordedBy(_ utf8: UnsafeRawBufferPointer) -> String {
            LineCache.lookup(&recordedByEntry, utf8) { String(decoding: $0, as: UTF8.self) }
        }
        mutating func recordedAt(_ utf8: UnsafeRawBufferPointer) -> RecordTime? {
            LineCache.lookup(&recordedAtEntry, utf8) { RecordTime(iso8601: $0) }
        }
    }
}
