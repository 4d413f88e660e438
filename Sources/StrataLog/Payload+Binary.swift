/// The stored form of a payload: a tag byte per value, zigzag varint integers,
/// little-endian IEEE doubles, varint-length strings; arrays and objects are closed by an
/// end marker rather than prefixed by a count, so JSON can be transcoded into this form
/// as it is read, without building a tree. Object keys are written as varint(length + 1),
/// so the 0 that closes an object is never a key.
extension Payload {
    enum Tag: UInt8 {
        case null = 0, falseValue, trueValue, int, double, string, array, object, end
    }

    /// The binary form.
    public func encode() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    func encode(into w: inout ByteWriter) {
        switch self {
        case .null: w.u8(Tag.null.rawValue)
        case .bool(let b): w.u8(b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue)
        case .int(let v): Payload.writeInt(v, into: &w)
        case .double(let d): Payload.writeDouble(d, into: &w)
        case .string(let s):
            w.u8(Tag.string.rawValue)
            w.string(s)
        case .array(let items):
            w.u8(Tag.array.rawValue)
            for item in items { item.encode(into: &w) }
            w.u8(Tag.end.rawValue)
        case .object(let fields):
            w.u8(Tag.object.rawValue)
            for f in fields {
                Payload.writeKey(f.key, into: &w)
                f.value.encode(into: &w)
            }
            w.u8(0)
        }
    }

    static func writeInt(_ v: Int64, into w: inout ByteWriter) {
        w.u8(Tag.int.rawValue)
        w.zigzag(v)
    }

    static func writeDouble(_ d: Double, into w: inout ByteWriter) {
        precondition(d.isFinite, "payload numbers must be finite")
        w.u8(Tag.double.rawValue)
        w.u64(d.bitPattern)
    }

    static func writeKey(_ key: String, into w: inout ByteWriter) {
        var key = key
        key.withUTF8 { writeKey(UnsafeRawBufferPointer($0), into: &w) }
    }

    static func writeKey(_ utf8: UnsafeRawBufferPointer, into w: inout ByteWriter) {
        w.varint(UInt64(utf8.count) + 1)
        w.bytes.append(contentsOf: utf8)
    }

    /// Decodes the binary form; throws when the bytes are not exactly one valid payload.
    public init(binary bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        self = try Payload.decode(&r, depth: 0)
        guard r.remaining == 0 else { throw ByteReader.Truncated(offset: r.offset, reason: "trailing bytes") }
    }

    public init(binary bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try Payload(binary: $0) }
    }

    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    static let maximumDepth = 64

    static func decode(_ r: inout ByteReader, depth: Int) throws -> Payload {
        guard depth <= maximumDepth else { throw ByteReader.Truncated(offset: r.offset, reason: "nested too deeply") }
        let byte = try r.u8()
        guard let tag = Tag(rawValue: byte), tag != .end else {
            throw ByteReader.Truncated(offset: r.offset - 1, reason: "unexpected value tag \(byte)")
        }
        switch tag {
        case .null: return .null
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .int:
            return .int(try r.zigzag())
        case .double:
            let d = Double(bitPattern: try r.u64())
            guard d.isFinite else { throw ByteReader.Truncated(offset: r.offset, reason: "non-finite number") }
            return .double(d)
        case .string: return .string(try r.string())
        case .array:
            var items: [Payload] = []
            while try r.peek() != Tag.end.rawValue { items.append(try decode(&r, depth: depth + 1)) }
            r.offset += 1
            return .array(items)
        case .object:
            var fields: [Field] = []
            while true {
                let n = try r.varint()
                if n == 0 { return .object(fields) }
                let key = try r.string(count: n - 1)
                fields.append(Field(key, try decode(&r, depth: depth + 1)))
            }
        case .end:
            preconditionFailure("handled above")
        }
    }
}
