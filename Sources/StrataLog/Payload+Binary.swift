/// The stored form of a payload: a tag byte per value, varint lengths, zigzag varint
/// integers and little-endian IEEE doubles. Compact and decoded without lookahead.
extension Payload {
    enum Tag: UInt8 {
        case null = 0, falseValue, trueValue, int, double, string, array, object
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
        case .int(let v):
            w.u8(Tag.int.rawValue)
            w.varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
        case .double(let d):
            precondition(d.isFinite, "payload numbers must be finite")
            w.u8(Tag.double.rawValue)
            w.u64(d.bitPattern)
        case .string(let s):
            w.u8(Tag.string.rawValue)
            w.string(s)
        case .array(let items):
            w.u8(Tag.array.rawValue)
            w.varint(UInt64(items.count))
            for item in items { item.encode(into: &w) }
        case .object(let fields):
            w.u8(Tag.object.rawValue)
            w.varint(UInt64(fields.count))
            for f in fields {
                w.string(f.key)
                f.value.encode(into: &w)
            }
        }
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
        guard let tag = Tag(rawValue: try r.u8()) else {
            throw ByteReader.Truncated(offset: r.offset - 1, reason: "unknown value tag")
        }
        switch tag {
        case .null: return .null
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .int:
            let z = try r.varint()
            return .int(Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1))
        case .double:
            let d = Double(bitPattern: try r.u64())
            guard d.isFinite else { throw ByteReader.Truncated(offset: r.offset, reason: "non-finite number") }
            return .double(d)
        case .string: return .string(try r.string())
        case .array:
            let n = try r.varint()
            guard n <= UInt64(r.remaining) else { throw ByteReader.Truncated(offset: r.offset, reason: "array count") }
            var items: [Payload] = []
            items.reserveCapacity(Int(n))
            for _ in 0..<n { items.append(try decode(&r, depth: depth + 1)) }
            return .array(items)
        case .object:
            let n = try r.varint()
            guard n <= UInt64(r.remaining) else { throw ByteReader.Truncated(offset: r.offset, reason: "object count") }
            var fields: [Field] = []
            fields.reserveCapacity(Int(n))
            for _ in 0..<n {
                let key = try r.string()
                fields.append(Field(key, try decode(&r, depth: depth + 1)))
            }
            return .object(fields)
        }
    }
}
