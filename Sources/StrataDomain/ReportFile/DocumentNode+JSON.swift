import StrataLog

extension DocumentNode {
    static func readJSON(_ bytes: [UInt8]) throws(InputError) -> DocumentNode {
        var builder = DocumentBuilder(lineStarts: bytes.indices.filter { bytes[$0] == 0x0A })
        let result: Result<Void, JSONError> = bytes.withUnsafeBytes { b in
            do throws(JSONError) {
                try JSON.parse(b, into: &builder)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = result {
            if let key = error.duplicateKey {
                let path = builder.openPath
                throw InputError(line: error.line, field: path.isEmpty ? key : path + "." + key, "duplicate key")
            }
            // An error at the very end is on the last line, not one past it.
            let lines = max(1, DocumentNode.lineOf(offset: bytes.count, in: bytes) - (bytes.last == 0x0A ? 1 : 0))
            throw InputError(line: min(error.line, lines), "not valid JSON: \(error.reason) (column \(error.column))")
        }
        guard let root = builder.result else { throw InputError(line: 1, "the file is empty") }
        return root
    }
}

/// Builds ``DocumentNode``s from the JSON parser, turning byte offsets into lines.
private struct DocumentBuilder: JSONSink {
    private enum Frame {
        case sequence(line: Int, [DocumentNode])
        case mapping(line: Int, [DocumentNode.Member], key: String, keyLine: Int)
    }

    /// Offsets of the newlines, ascending.
    let lineStarts: [Int]
    private var stack: [Frame] = []
    private var line = 1
    private(set) var result: DocumentNode? = nil

    init(lineStarts: [Int]) { self.lineStarts = lineStarts }

    /// Where the innermost open object is (`claims[0].quantity`), for an error inside it.
    var openPath: String {
        var path = ""
        for frame in stack.dropLast() {
            switch frame {
            case .sequence(_, let items): path += "[\(items.count)]"
            case .mapping(_, _, let key, _): path += path.isEmpty ? key : "." + key
            }
        }
        return path
    }

    mutating func location(_ offset: Int) {
        // Newlines before `offset`, by binary search.
        var lo = 0
        var hi = lineStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lineStarts[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        line = lo + 1
    }

    private mutating func add(_ node: DocumentNode) {
        guard let top = stack.popLast() else {
            result = node
            return
        }
        switch top {
        case .sequence(let l, var items):
            items.append(node)
            stack.append(.sequence(line: l, items))
        case .mapping(let l, var members, let key, let keyLine):
            members.append(DocumentNode.Member(key: key, line: keyLine, value: node))
            stack.append(.mapping(line: l, members, key: "", keyLine: 0))
        }
    }

    mutating func null() { add(DocumentNode(line: line, value: .null)) }
    mutating func bool(_ value: Bool) { add(DocumentNode(line: line, value: .scalar(value ? "true" : "false"))) }
    /// Numbers are kept as the text written (`1.50`, `1e3`, digits beyond 64 bits), like
    /// every other scalar of a report.
    static var takesNumberText: Bool { true }
    mutating func number(text utf8: UnsafeRawBufferPointer) {
        add(DocumentNode(line: line, value: .scalar(String(decoding: utf8, as: UTF8.self))))
    }
    mutating func int(_ value: Int64) { preconditionFailure("numbers come as text") }
    mutating func double(_ value: Double) { preconditionFailure("numbers come as text") }
    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        add(DocumentNode(line: line, value: .scalar(String(decoding: utf8, as: UTF8.self))))
    }
    mutating func beginArray() { stack.append(.sequence(line: line, [])) }
    mutating func beginObject() { stack.append(.mapping(line: line, [], key: "", keyLine: 0)) }

    mutating func key(_ utf8: UnsafeRawBufferPointer) {
        guard case .mapping(let l, let members, _, _) = stack.popLast() else { preconditionFailure("key outside an object") }
        stack.append(.mapping(line: l, members, key: String(decoding: utf8, as: UTF8.self), keyLine: line))
    }

    mutating func endArray() {
        guard case .sequence(let l, let items) = stack.popLast() else { preconditionFailure("unbalanced array") }
        add(DocumentNode(line: l, value: .sequence(items)))
    }

    mutating func endObject() {
        guard case .mapping(let l, let members, _, _) = stack.popLast() else { preconditionFailure("unbalanced object") }
        add(DocumentNode(line: l, value: .mapping(members)))
    }
}
