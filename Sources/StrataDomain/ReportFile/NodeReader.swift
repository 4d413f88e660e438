/// Reads a ``DocumentNode`` with its path, so every error names line and field.
struct NodeReader {
    let node: DocumentNode
    /// The field's path, e.g. `claims[2].quantity`.
    let path: String

    init(_ node: DocumentNode, path: String) {
        self.node = node
        self.path = path
    }

    func error(_ message: String) -> InputError {
        InputError(line: node.line, field: path.isEmpty ? nil : path, message)
    }

    func child(_ node: DocumentNode, key: String) -> NodeReader {
        NodeReader(node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    var isNull: Bool { node.value == .null }

    /// The members of a mapping; a key outside `allowed` is an error at its line.
    func mapping(allowed: [String]) throws(InputError) -> Members {
        guard case .mapping(let members) = node.value else { throw error(expected("a mapping of fields")) }
        for m in members where !allowed.contains(m.key) {
            // `{value: 5,000, unit: t}`: YAML splits a flow mapping at the comma, so the
            // digits after a thousands separator arrive as a field of their own.
            let separator = !m.key.isEmpty && m.key.utf8.allSatisfy { (0x30...0x39).contains($0) }
            let hint =
                separator
                ? " (a thousands separator? write numbers without one: 5000, not 5,000)"
                : NodeReader.closest(to: m.key, in: allowed).map { " (did you mean \($0)?)" } ?? ""
            throw InputError(line: m.line, field: child(m.value, key: m.key).path, "unknown field\(hint)")
        }
        return Members(reader: self, members: members)
    }

    /// The items of a sequence.
    func sequence() throws(InputError) -> [NodeReader] {
        guard case .sequence(let items) = node.value else { throw error(expected("a list")) }
        return items.enumerated().map { NodeReader($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A scalar's text, trimmed; empty text, and characters report text may not hold
    /// (``TextCharacters``), are refused.
    func text() throws(InputError) -> String {
        guard case .scalar(let s) = node.value else { throw error(expected("text")) }
        let t = s.trimmingSpaces
        guard !t.isEmpty else { throw error("must not be empty") }
        if let problem = TextCharacters.problem(in: t) { throw error(problem) }
        return t
    }

    /// A scalar or a list of scalars, as a list.
    func texts() throws(InputError) -> [String] { try textItems().map(\.text) }

    /// A scalar or a list of scalars, each with its reader, so that an error about one
    /// names its item (`method[1]`) and line.
    func textItems() throws(InputError) -> [(text: String, reader: NodeReader)] {
        guard case .sequence = node.value else { return [(try text(), self)] }
        var out: [(text: String, reader: NodeReader)] = []
        for item in try sequence() { out.append((try item.text(), item)) }
        return out
    }

    /// A finite decimal number written as text (`300`, `2.5`, `1e3`); commas are refused.
    func number() throws(InputError) -> Double {
        let t = try text()
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let v = Double(t) else {
            throw error("expected a number, not \"\(t)\"")
        }
        guard v.isFinite else { throw error("must be a finite number") }
        // `1e-400` reads as 0: a number written with a non-zero digit must not become zero.
        if v == 0, t.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { ("1"..."9").contains($0) }) {
            throw error("\(t) is too small to record (it would be 0)")
        }
        return v
    }

    /// A value that must be one of a closed set.
    func choice<T: CaseIterable & RawRepresentable>(_ type: T.Type, _ make: (String) -> T? = { T(rawValue: $0) })
        throws(InputError) -> T where T.RawValue == String
    {
        let t = try text()
        guard let v = make(t) else { throw error("\"\(t)\" is not one of \(T.choices)") }
        return v
    }

    private func expected(_ what: String) -> String {
        switch node.value {
        case .null: return "expected \(what), found nothing"
        case .scalar(let s): return "expected \(what), found \"\(s)\""
        case .sequence: return "expected \(what), found a list"
        case .mapping: return "expected \(what), found a mapping"
        }
    }

    /// The allowed key nearest to a mistyped one (edit distance ≤ 2).
    static func closest(to key: String, in allowed: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in stride(from: 1, through: b.count, by: 1) {
                    let current = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = current
                }
            }
            return row[b.count]
        }
        let k = Array(key)
        return allowed.map { ($0, distance(k, Array($0))) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }
}

/// The members of a mapping, by key.
struct Members {
    let reader: NodeReader
    let members: [DocumentNode.Member]

    func has(_ key: String) -> Bool { members.contains { $0.key == key && $0.value.value != .null } }

    /// The member's reader, or `nil` when absent or null.
    func optional(_ key: String) -> NodeReader? {
        guard let m = members.first(where: { $0.key == key }), m.value.value != .null else { return nil }
        return reader.child(m.value, key: key)
    }

    func required(_ key: String) throws(InputError) -> NodeReader {
        // Written, but as null (`kind:`, `kind: ~`, JSON null): named at its own line.
        if let m = members.first(where: { $0.key == key }), m.value.value == .null {
            throw InputError(
                line: m.value.line, field: reader.child(m.value, key: key).path,
                "required, but empty (null): write a value")
        }
        guard let r = optional(key) else {
            throw InputError(
                line: reader.node.line, field: reader.child(reader.node, key: key).path, "missing (required)")
        }
        return r
    }
}
