/// The NDJSON line of an event, as `strata export` and `strata log --format ndjson`
/// print it and `strata import` reads it:
///
///     {"position","id","type","stream","version","recorded_at","recorded_by",
///      "correlation_id","causation_id","payload"}
extension Envelope {
    /// The keys of an NDJSON line, in the order `export` writes them.
    enum LineKey: Int, CaseIterable {
        case position, id, type, stream, version, recordedAt, recordedBy, correlationID, causationID, payload

        var name: String {
            switch self {
            case .position: "position"
            case .id: "id"
            case .type: "type"
            case .stream: "stream"
            case .version: "version"
            case .recordedAt: "recorded_at"
            case .recordedBy: "recorded_by"
            case .correlationID: "correlation_id"
            case .causationID: "causation_id"
            case .payload: "payload"
            }
        }

        private static let utf8Names = allCases.map { Array($0.name.utf8) }

        /// The key whose name is `utf8`.
        init?(utf8: UnsafeRawBufferPointer) {
            for (i, name) in LineKey.utf8Names.enumerated()
            where name.count == utf8.count && name.withUnsafeBytes({ $0.elementsEqual(utf8) }) {
                self = LineKey.allCases[i]
                return
            }
            return nil
        }
    }

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
        if let causationID {
            Payload.writeJSONString(causationID.description, into: &out)
        } else {
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
        let raw = try EncodedEvent(jsonLine: bytes, line: line)
        self.init(
            position: raw.position, id: raw.id, type: raw.type, stream: raw.stream, version: raw.version,
            recordedAt: raw.recordedAt, recordedBy: raw.recordedBy, correlationID: raw.correlationID,
            causationID: raw.causationID, payload: try Payload(binary: raw.payload))
    }
}
