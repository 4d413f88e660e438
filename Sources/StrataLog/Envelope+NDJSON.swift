/// The NDJSON line of an event, as `strata export` and `strata log --format ndjson`
/// print it and `strata import` reads it:
///
///     {"position","id","type","stream","version","recorded_at","recorded_by",
///      "correlation_id","causation_id","payload"}
extension Envelope {
    static let lineKeys = [
        "position", "id", "type", "stream", "version", "recorded_at", "recorded_by", "correlation_id",
        "causation_id", "payload",
    ]

    /// Appends the JSON object (without a newline) to `out`.
    public func writeJSONLine(into out: inout [UInt8]) {
        func key(_ k: StaticString, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        key("position", first: true)
        out.append(contentsOf: String(position.rawValue).utf8)
        key("id")
        Payload.writeJSONString(id.description, into: &out)
        key("type")
        Payload.writeJSONString(type.name, into: &out)
        key("stream")
        Payload.writeJSONString(stream.rawValue, into: &out)
        key("version")
        out.append(contentsOf: String(version).utf8)
        key("recorded_at")
        Payload.writeJSONString(recordedAt.iso8601, into: &out)
        key("recorded_by")
        Payload.writeJSONString(recordedBy, into: &out)
        key("correlation_id")
        Payload.writeJSONString(correlationID.description, into: &out)
        key("causation_id")
        if let causationID { Payload.writeJSONString(causationID.description, into: &out) } else {
            out.append(contentsOf: "null".utf8)
        }
        key("payload")
        payload.writeJSON(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The NDJSON line, without a newline.
    public var jsonLine: String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writeJSONLine(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads an NDJSON line; `line` is its 1-based number, for errors.
    public init(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws {
        func reject(_ field: String?, _ reason: String) -> LogError {
            .importRejected(line: line, field: field, reason: reason)
        }
        let object: Payload
        do {
            object = try Payload(json: bytes)
        } catch {
            throw reject(nil, "not JSON: \(error)")
        }
        guard let fields = object.fields else { throw reject(nil, "expected a JSON object") }
        for f in fields where !Envelope.lineKeys.contains(f.key) { throw reject(f.key, "unknown field") }
        func field(_ name: String) throws -> Payload {
            guard let v = object[name] else { throw reject(name, "missing") }
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
        let position = Position(try count("position"))
        let id = try uuid("id")
        guard let type = EventType(try text("type")) else { throw reject("type", "expected a name like claim.asserted.v1") }
        guard let stream = StreamID(try text("stream")) else { throw reject("stream", "invalid stream id") }
        let version = try count("version")
        guard let recordedAt = RecordTime(iso8601: try text("recorded_at")) else {
            throw reject("recorded_at", "expected an ISO 8601 date-time")
        }
        let recordedBy = try text("recorded_by")
        let correlation = try uuid("correlation_id")
        let causation = try field("causation_id").isNull ? nil : try uuid("causation_id")
        self.init(
            position: position, id: id, type: type, stream: stream, version: version, recordedAt: recordedAt,
            recordedBy: recordedBy, correlationID: correlation, causationID: causation, payload: try field("payload"))
    }
}
