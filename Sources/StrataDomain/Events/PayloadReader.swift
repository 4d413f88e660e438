import StrataLog

/// Typed reads of a stored payload object, for decoding events.
struct PayloadReader {
    let type: EventType
    let object: Payload

    init(_ payload: Payload, type: EventType) throws(EventDecodingError) {
        guard payload.fields != nil else { throw EventDecodingError(type: type, reason: "payload is not an object") }
        self.type = type
        self.object = payload
    }

    func fail(_ key: String, _ what: String) -> EventDecodingError { value(key).fail(what) }

    /// The value under `key` (absent: `nil`), for typed reads named by the key.
    func value(_ key: String) -> PayloadValue { PayloadValue(key: key, value: object[key], type: type) }

    func string(_ key: String) throws(EventDecodingError) -> String { try value(key).string() }
    func optionalString(_ key: String) throws(EventDecodingError) -> String? { try value(key).optionalString() }
    func strings(_ key: String) throws(EventDecodingError) -> [String] { try value(key).strings() }

    func parse<T>(_ key: String, _ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T {
        try value(key).parse(what, make)
    }

    func parseOptional<T>(_ key: String, _ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T? {
        try value(key).parseOptional(what, make)
    }
}

/// Typed reads of one value of a stored payload (`nil`: absent), named `key` in errors.
/// Reading a single field this way needs no object around it.
struct PayloadValue {
    let key: String
    let value: Payload?
    let type: EventType

    func fail(_ what: String) -> EventDecodingError {
        EventDecodingError(type: type, reason: "\(key): expected \(what)")
    }

    /// The value, unless it is absent or null.
    var optional: Payload? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    func string() throws(EventDecodingError) -> String {
        guard let s = value?.stringValue else { throw fail("a string") }
        return s
    }

    func optionalString() throws(EventDecodingError) -> String? {
        guard let v = optional else { return nil }
        guard let s = v.stringValue else { throw fail("a string or null") }
        return s
    }

    func int() throws(EventDecodingError) -> Int64 {
        guard let v = value?.intValue else { throw fail("an integer") }
        return v
    }

    func strings() throws(EventDecodingError) -> [String] {
        guard let v = optional else { return [] }
        guard let items = v.arrayValue else { throw fail("a list of strings") }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let s = item.stringValue else { throw fail("a list of strings") }
            out.append(s)
        }
        return out
    }

    func parse<T>(_ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T {
        guard let value = make(try string()) else { throw fail(what) }
        return value
    }

    func parseOptional<T>(_ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T? {
        guard let text = try optionalString() else { return nil }
        guard let value = make(text) else { throw fail(what) }
        return value
    }
}

extension Payload {
    /// A string, or null when `nil`.
    public static func text(_ s: String?) -> Payload { s.map { .string($0) } ?? .null }
    /// A list of strings.
    public static func texts(_ s: [String]) -> Payload { .array(s.map { .string($0) }) }
}
