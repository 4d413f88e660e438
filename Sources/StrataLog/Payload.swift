/// An event's fields: a JSON-shaped value that keeps the order of object keys and the
/// difference between integers and floating-point numbers, so that JSON → payload → JSON
/// gives the same bytes. Stored in a compact binary form (``Payload/encode()``) and
/// exchanged as JSON (``Payload/json``).
public enum Payload: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A finite floating-point number.
    case double(Double)
    case string(String)
    case array([Payload])
    /// Fields in their written order; keys are unique.
    case object([Field])

    /// One key and value of an object.
    public struct Field: Hashable, Sendable {
        public let key: String
        public let value: Payload
        public init(_ key: String, _ value: Payload) {
            self.key = key
            self.value = value
        }
    }

    /// An object from key–value pairs in order.
    public static func object(_ pairs: KeyValuePairs<String, Payload>) -> Payload {
        .object(pairs.map { Field($0.key, $0.value) })
    }

    /// The value of `key` when this is an object that has it.
    public subscript(key: String) -> Payload? {
        guard case .object(let fields) = self else { return nil }
        return fields.first(where: { $0.key == key })?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var intValue: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    public var arrayValue: [Payload]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var fields: [Field]? {
        if case .object(let f) = self { return f }
        return nil
    }
    public var isNull: Bool { self == .null }
}
