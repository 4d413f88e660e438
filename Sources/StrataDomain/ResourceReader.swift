import Foundation
import StrataLog

/// Typed reads of one JSON object of a bundled resource (the gazetteer, the commodity
/// taxonomy), parsed with StrataLog's JSON parser: several times faster to start than
/// `JSONDecoder`, which every command that resolves a name used to pay. Problems are
/// `DecodingError.dataCorrupted` naming the path, e.g. `places[3].kind: expected one of …`.
struct ResourceReader {
    let path: String
    private let object: Payload

    /// The top level of a resource: an object with `format` and `version` as given.
    init(json: Data, format: String, version: Int64) throws {
        let payload: Payload
        do {
            payload = try json.withUnsafeBytes { raw throws(JSONError) in try Payload(json: raw) }
        } catch {
            throw ResourceReader.error("", "not JSON (\(error))")
        }
        try self.init(payload, path: "")
        let found = (try? string("format")) ?? "?"
        let foundVersion = object["version"]?.intValue
        guard found == format, foundVersion == version else {
            throw ResourceReader.error(
                "",
                "expected format \(format) version \(version), got \(found) version \(foundVersion.map(String.init) ?? "?")"
            )
        }
    }

    init(_ payload: Payload, path: String) throws {
        guard payload.fields != nil else { throw ResourceReader.error(path, "expected an object") }
        self.path = path
        self.object = payload
    }

    static func error(_ path: String, _ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: path.isEmpty ? what : "\(path): \(what)"))
    }

    private func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func present(_ key: String) -> Payload? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws -> String {
        guard let s = object[key]?.stringValue else { throw ResourceReader.error(at(key), "expected a string") }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v.stringValue else { throw ResourceReader.error(at(key), "expected a string or null") }
        return s
    }

    func optionalDouble(_ key: String) throws -> Double? {
        guard let v = present(key) else { return nil }
        guard let d = v.doubleValue else { throw ResourceReader.error(at(key), "expected a number") }
        return d
    }

    /// A list of strings; absent or null is empty.
    func strings(_ key: String) throws -> [String] {
        guard let v = present(key) else { return [] }
        let strings = v.arrayValue?.compactMap(\.stringValue)
        guard let strings, strings.count == v.arrayValue?.count else {
            throw ResourceReader.error(at(key), "expected a list of strings")
        }
        return strings
    }

    /// A value of a string enumeration.
    func value<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        guard let v = T(rawValue: try string(key)) else {
            throw ResourceReader.error(at(key), "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    /// Each object of a list, made by `make`.
    func list<T>(_ key: String, _ make: (ResourceReader) throws -> T) throws -> [T] {
        guard let items = object[key]?.arrayValue else { throw ResourceReader.error(at(key), "expected a list") }
        return try items.enumerated().map { i, item in try make(ResourceReader(item, path: "\(at(key))[\(i)]")) }
    }
}
