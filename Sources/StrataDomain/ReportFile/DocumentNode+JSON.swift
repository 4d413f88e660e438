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
            // An error at the very end is at the end of the last line, not one past it.
            let lines = max(1, DocumentNode.lineOf(offset: bytes.count, in: bytes) - (bytes.last == 0x0A ? 1 : 0))
            var column = error.column
            if error.line > lines {
                let body = bytes.last == 0x0A ? bytes.dropLast() : bytes[...]
                column = body.endIndex - (body.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex) + 1
            }
            throw InputError(line: min(error.line, lines), "not valid JSON: \(error.reason) (column \(column))")
        }
        guard let root = builder.result else { throw InputError(line: 1, "the file is empty") }
        return root
    }
}

/// Builds ``DocumentNode``s from the JSON parser, turning byte offsets into lines.
private struct DocumentBuilder: JSONSink {
    /// An open sequence or mapping, changed in place on the stack so that appending to
    /// it copies nothing (an enum frame popped and pushed back copied its whole array).
    private struct Frame {
        let isMapping: Bool
        let line: Int
        var items: [DocumentNode] = []
        var members: [DocumentNode.Member] = []
        var key = ""
        var keyLine = 0
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
            if frame.isMapping {
                path += path.isEmpty ? frame.key : "." + frame.key
            } else {
                path += "[\(frame.items.count)]"
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
        guard !stack.isEmpty else {
            result = node
            return
        }
        let top = stack.count - 1
        if stack[top].isMapping {
            stack[top].members.append(DocumentNode.Member(key: stack[top].key, line: stack[top].keyLine, value: node))
        } else {
            stack[top].items.append(node)
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
    mutating func beginArray() { stack.append(Frame(isMapping: false, line: line)) }
    mutating func beginObject() { stack.append(Frame(isMapping: true, line: line)) }

    mutating func key(_ utf8: UnsafeRawBufferPointer) {
        precondition(stack.last?.isMapping == true, "key outside an object")
        stack[stack.count - 1].key = String(decoding: utf8, as: UTF8.self)
        stack[stack.count - 1].keyLine = line
    }

    mutating func endArray() {
        guard let frame = stack.popLast(), !frame.isMapping else { preconditionFailure("unbalanced array") }
        add(DocumentNode(line: frame.line, value: .sequence(frame.items)))
    }

    mutating func endObject() {
        guard let frame = stack.popLast(), frame.isMapping else { preconditionFailure("unbalanced object") }
        add(DocumentNode(line: frame.line, value: .mapping(frame.members)))
    }
}
