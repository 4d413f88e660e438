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
    init(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws {
        func reject(_ field: String?, _ reason: String) -> LogError {
            .importRejected(line: line, field: field, reason: reason)
        }
        // One slot per known key, in `Envelope.lineKeys` order: no dictionary per line.
        var fields = [Payload?](repeating: nil, count: Envelope.lineKeys.count)
        var payload: [UInt8]? = nil
        var unknown: String? = nil
        var parser = JSONParser(bytes)
        do {
            try parser.parseObject { (key, p) throws(JSONError) in
                guard let slot = Envelope.lineKeys.firstIndex(of: key) else {
                    unknown = key
                    throw p.fail("unknown field")
                }
                if key == "payload" {
                    var writer = BinaryPayloadWriter(capacity: bytes.count)
                    try p.parseValue(into: &writer)
                    payload = writer.out.bytes
                } else {
                    fields[slot] = try p.parseValue()
                }
            }
        } catch {
            if let unknown { throw reject(unknown, "unknown field") }
            throw reject(nil, "not a valid JSON object (column \(error.column)): \(error.reason)")
        }
        func field(_ name: String) throws -> Payload {
            guard let slot = Envelope.lineKeys.firstIndex(of: name), let v = fields[slot] else {
                throw reject(name, "missing")
            }
            return v
        }
        func text(_ name: String) throws -> String {
            guard let s = try field(name).stringValue else { throw reject(name, "expected a string") }
            return s
        }
        func uuid(_ name: String) throws -> EventID {
            guard let id = EventID(try text(name)) else { throw reject(name, "expected a UUID") }
            return id
        }
        func count(_ name: String) throws -> UInt64 {
            guard let v = try field(name).intValue, v > 0 else { throw reject(name, "expected a positive integer") }
            return UInt64(v)
        }
        position = Position(try count("position"))
        id = try uuid("id")
        guard let type = EventType(try text("type")) else {
            throw reject("type", "expected a versioned name like claim.asserted.v1")
        }
        self.type = type
        guard let stream = StreamID(try text("stream")) else { throw reject("stream", "invalid stream id") }
        self.stream = stream
        version = try count("version")
        guard let recordedAt = RecordTime(iso8601: try text("recorded_at")) else {
            throw reject("recorded_at", "expected an ISO 8601 date-time")
        }
        self.recordedAt = recordedAt
        recordedBy = try text("recorded_by")
        correlationID = try uuid("correlation_id")
        causationID = try field("causation_id").isNull ? nil : try uuid("causation_id")
        guard let payload else { throw reject("payload", "missing") }
        self.payload = payload
    }
}
