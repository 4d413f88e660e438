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

    func fail(_ key: String, _ what: String) -> EventDecodingError {
        EventDecodingError(type: type, reason: "\(key): expected \(what)")
    }

    func optional(_ key: String) -> Payload? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(EventDecodingError) -> String {
        guard let s = object[key]?.stringValue else { throw fail(key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws(EventDecodingError) -> String? {
        guard let v = optional(key) else { return nil }
        guard let s = v.stringValue else { throw fail(key, "a string or null") }
        return s
    }

    func int(_ key: String) throws(EventDecodingError) -> Int64 {
        guard let v = object[key]?.intValue else { throw fail(key, "an integer") }
        return v
    }

    func strings(_ key: String) throws(EventDecodingError) -> [String] {
        guard let v = optional(key) else { return [] }
        guard let items = v.arrayValue else { throw fail(key, "a list of strings") }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw fail(key, "a list of strings") }
            out.append(s)
        }
        return out
    }

    func parse<T>(_ key: String, _ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T {
        guard let value = make(try string(key)) else { throw fail(key, what) }
        return value
    }

    func parseOptional<T>(_ key: String, _ what: String, _ make: (String) -> T?) throws(EventDecodingError) -> T? {
        guard let text = try optionalString(key) else { return nil }
        guard let value = make(text) else { throw fail(key, what) }
        return value
    }
}

extension Payload {
    /// A string, or null when `nil`.
    public static func text(_ s: String?) -> Payload { s.map { .string($0) } ?? .null }
    /// A list of strings.
    public static func texts(_ s: [String]) -> Payload { .array(s.map { .string($0) }) }
}
