/// JSON for payloads: the interchange form used by export, import and the CLI.
///
/// Writing is canonical — keys in stored order, no spaces, integers without a point,
/// doubles in Swift's shortest round-trip form (always with `.` or `e`), non-ASCII text as
/// UTF-8 — so JSON → payload → JSON is byte-identical.
extension Payload {
    /// The compact canonical JSON text.
    public var json: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        writeJSON(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact canonical JSON to `out`.
    public func writeJSON(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [110, 117, 108, 108])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .int(let v): out.append(contentsOf: String(v).utf8)
        case .double(let d):
            precondition(d.isFinite, "payload numbers must be finite")
            out.append(contentsOf: d.description.utf8)
        case .string(let s): Payload.writeJSONString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Payload.writeJSONString(f.key, into: &out)
                out.append(UInt8(ascii: ":"))
                f.value.writeJSON(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` as a JSON string literal.
    public static func writeJSONString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Parses one JSON value (the whole text, surrounding whitespace allowed).
    public init(json text: String) throws(JSONError) {
        var text = text
        let result: Result<Payload, JSONError> = text.withUTF8 { utf8 in
            var p = JSONParser(UnsafeRawBufferPointer(utf8))
            do throws(JSONError) { return .success(try p.parseDocument()) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// Parses one JSON value from UTF-8 bytes.
    public init(json bytes: UnsafeRawBufferPointer) throws(JSONError) {
        var p = JSONParser(bytes)
        self = try p.parseDocument()
    }
}

/// Why JSON text could not be read, and where: 1-based line and column (in bytes).
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let reason: String
    /// The key repeated in its object, when that is what is wrong.
    public var duplicateKey: String? = nil
    public var description: String { "line \(line), column \(column): \(reason)" }
}
