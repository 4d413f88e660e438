import StrataLog
import Yams

/// A value read from a report file, YAML or JSON, with the line it starts on, so every
/// error can name its line. Scalars keep the text as the analyst wrote it: YAML's `2020`
/// stays the text `2020`, not a number, and `2020-05-22` is not turned into a timestamp.
public struct DocumentNode: Sendable, Equatable {
    public let line: Int
    public let value: Value

    /// What a node holds: null, a scalar as the text written, a sequence or a mapping (keys
    /// in the order written).
    public indirect enum Value: Sendable, Equatable {
        case null
        /// Text as written (a JSON number or boolean as its literal text).
        case scalar(String)
        case sequence([DocumentNode])
        case mapping([Member])
    }

    /// One key of a mapping, with the line of the key.
    public struct Member: Sendable, Equatable {
        public let key: String
        public let line: Int
        public let value: DocumentNode

        public init(key: String, line: Int, value: DocumentNode) {
            self.key = key
            self.line = line
            self.value = value
        }
    }

    public init(line: Int, value: Value) {
        self.line = line
        self.value = value
    }

    /// Reads a report file's bytes: JSON when `json` is true, else YAML. Refuses empty,
    /// binary and non-UTF-8 input, duplicate keys, and YAML anchors and aliases.
    public static func read(_ bytes: [UInt8], json: Bool) throws(InputError) -> DocumentNode {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw InputError(line: 1, "the file is empty")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw InputError(line: lineOf(offset: nul, in: bytes), "the file is binary (it holds a NUL byte), not text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = firstInvalidUTF8Line(bytes)
            throw InputError(line: line, "the file is not UTF-8 text")
        }
        // A byte order mark before the text (Windows editors write one): YAML allows it,
        // and RFC 8259 lets a JSON parser ignore it. Lines and columns are unchanged.
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if bom, bytes.dropFirst(3).starts(with: [0xEF, 0xBB, 0xBF]) {
            // Else YAML reports a missing document start lines later, and JSON an
            // unexpected character.
            throw InputError(line: 1, "the file starts with two byte order marks (U+FEFF); remove the second")
        }
        if json { return try readJSON(bom ? Array(bytes.dropFirst(3)) : bytes) }
        return try readYAML(bom ? String(text.dropFirst()) : text)
    }

    static func lineOf(offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    private static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var lineStart = 0
        var line = 1
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if String(validating: bytes[lineStart..<i], as: UTF8.self) == nil { return line }
            line += 1
            lineStart = i + 1
        }
        return line
    }
}

extension DocumentNode {
    private static func readYAML(_ text: String) throws(InputError) -> DocumentNode {
        if let found = anchorsAndAliases(in: text, all: false).first {
            throw InputError(
                line: found.line, field: anchorPath(in: text),
                "YAML anchors and aliases (&name, *name) are not supported; write the value out")
        }
        let root: Node?
        let lines = YAMLLines(text)
        do {
            root = try Yams.compose(yaml: text)
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            let key = duplicates.first ?? "?"
            let firstLine = lines.line(context.mark.line)
            let (line, span) = secondOccurrence(of: key, line: firstLine, column: context.mark.column, in: text)
            throw InputError(
                line: line, field: duplicatePath(of: key, line: line, span: span, in: text, lines: lines) ?? key,
                "duplicate key (first at line \(firstLine))")
        } catch let error as YamlError {
            throw InputError(line: yamlLine(error).map(lines.line), "not valid YAML: \(yamlReason(error))")
        } catch {
            throw InputError("not valid YAML: \(error)")
        }
        guard let root else { throw InputError(line: 1, "the file is empty") }
        return try convert(root, lines)
    }

    /// libyaml's line numbers as the file's lines: libyaml (YAML 1.1) also breaks lines at
    /// U+0085, U+2028 and U+2029, which a quoted text copied from a web page can hold, and
    /// which editors and the rest of Strata do not count; after one, every line it named
    /// was one too many.
    struct YAMLLines {
        /// The file's line of each libyaml line (index 0 is line 1); empty when they agree.
        private var lines: [Int] = []

        init(_ text: String) {
            let utf8 = Array(text.utf8)
            // Only U+0085 (C2 85) and U+2028/9 (E2 80 A8/A9) make libyaml count otherwise.
            guard utf8.contains(where: { $0 == 0xC2 || $0 == 0xE2 }) else { return }
            var line = 1
            var table = [1]
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                if b == 0x0A || (b == 0x0D && (i + 1 == utf8.count || utf8[i + 1] != 0x0A)) {
                    line += 1
                    table.append(line)
                } else if b == 0xC2, i + 1 < utf8.count, utf8[i + 1] == 0x85 {
                    table.append(line)
                } else if b == 0xE2, i + 2 < utf8.count, utf8[i + 1] == 0x80, utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9
                {
                    table.append(line)
                }
                i += 1
            }
            if table.last != table.count { lines = table }
        }

        /// The file's line of libyaml's line `n`.
        func line(_ n: Int) -> Int { n >= 1 && n <= lines.count ? lines[n - 1] : n }
    }

    /// `path`: the node's field path (`claims[0].note`), for errors.
    private static func convert(_ node: Node, _ lines: YAMLLines, path: String = "") throws(InputError)
        -> DocumentNode
    {
        let line = lines.line(node.mark?.line ?? 1)
        if node.anchor != nil { throw InputError(line: line, "YAML anchors and aliases are not supported") }
        try refuseTag(of: node, line: line, path: path)
        switch node {
        case .scalar(let scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            if plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return DocumentNode(line: line, value: .null)
            }
            return DocumentNode(line: line, value: .scalar(scalar.string))
        case .sequence(let sequence):
            var items: [DocumentNode] = []
            for item in sequence { items.append(try convert(item, lines, path: "\(path)[\(items.count)]")) }
            return DocumentNode(line: line, value: .sequence(items))
        case .mapping(let mapping):
            var members: [Member] = []
            for (key, value) in mapping {
                let keyLine = key.mark.map { lines.line($0.line) } ?? line
                guard case .scalar(let k) = key else { throw InputError(line: keyLine, "a key must be plain text") }
                guard !members.contains(where: { $0.key == k.string }) else {
                    throw InputError(line: keyLine, field: k.string, "duplicate key")
                }
                let member = path.isEmpty ? k.string : "\(path).\(k.string)"
                members.append(Member(key: k.string, line: keyLine, value: try convert(value, lines, path: member)))
            }
            return DocumentNode(line: line, value: .mapping(members))
        case .alias:
            throw InputError(line: line, "YAML anchors and aliases are not supported")
        }
    }

    /// A tag written on a node (`!evil 300`, `!!binary aGk=`, `!!int 12`) would change how its
    /// value is read, and would be dropped without a word (a value is the text written), so
    /// it is refused; `!!str`, which asks for the text written, is the one allowed. The
    /// node's tag is read before anything resolves it (Yams resolves an untagged node's tag
    /// in place when it is first asked).
    private static func refuseTag(of node: Node, line: Int, path: String) throws(InputError) {
        // A tag's description is its name as written, "" when none was.
        let name: String
        switch node {
        case .scalar(let scalar):
            if scalar.tag.description == Tag.Name.str.rawValue { return }
            name = scalar.tag.description
        case .mapping(let mapping): name = mapping.tag.description
        case .sequence(let sequence): name = sequence.tag.description
        case .alias: return
        }
        guard name != Tag.Name.implicit.rawValue else { return }
        let written = name.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!")
        throw InputError(
            line: line, field: path.isEmpty ? nil : path,
            "YAML tags (\(written)) are not supported; write the value without it")
    }

    /// Where a YAML error is: for an unclosed quote or bracket, the line where it opens
    /// (libyaml's context); otherwise the line where the problem was found.
    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _),
            .composer(let context, _, let mark, _):
            if let context, context.text.contains("quoted scalar") || context.text.contains("flow") {
                return context.mark.line
            }
            return mark.line
        case .reader(_, let offset, _, let yaml):
            guard let offset else { return nil }
            return 1 + yaml.unicodeScalars.prefix(offset).reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        default:
            return nil
        }
    }

    /// The line of the second `key:` at the column of the first.
    /// The path (`claims[0].credibility`) of the repeated `key` written on `line`: the key
    /// there is renamed to a marker, the text composed again, and the marker looked for.
    /// `nil` when that does not work out (the caller then names the key alone).
    private static func duplicatePath(
        of key: String, line: Int, span: KeySpan?, in text: String, lines yamlLines: YAMLLines
    ) -> String? {
        let marker = "__strata_duplicate_key__"
        guard !text.contains(marker) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard line >= 1, line <= lines.count,
            let span = span ?? keyOffset(key, in: Substring(lines[line - 1]), from: 0)
        else { return nil }
        let start = lines[line - 1].index(lines[line - 1].startIndex, offsetBy: span.offset)
        lines[line - 1].replaceSubrange(start..<lines[line - 1].index(start, offsetBy: span.length), with: marker)
        // Other duplicates in the file stop the composition too: rename each in turn.
        var root: Node? = nil
        for attempt in 1...8 {
            do {
                root = try Yams.compose(yaml: lines.joined(separator: "\n"))
                break
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                guard let other = duplicates.first else { return nil }
                let (l, span) = secondOccurrence(
                    of: other, line: yamlLines.line(context.mark.line), column: context.mark.column,
                    in: lines.joined(separator: "\n"))
                guard l >= 1, l <= lines.count,
                    let at = span ?? keyOffset(other, in: Substring(lines[l - 1]), from: 0)
                else { return nil }
                let from = lines[l - 1].index(lines[l - 1].startIndex, offsetBy: at.offset)
                lines[l - 1].replaceSubrange(
                    from..<lines[l - 1].index(from, offsetBy: at.length),
                    with: "__strata_other_duplicate_\(attempt)__")
            } catch {
                return nil
            }
        }
        guard let root else { return nil }
        return path(in: root, naming: { $0 == marker ? key : $0 }) { _, k in k == marker }
    }

    /// The path (`claims[0].quantity`) of the first node, in document order, that `matches`
    /// (given the node and the key it is the value of, `nil` for a sequence's items and the
    /// root); `nil` when none does, or the root does. `naming` gives the name a key goes by
    /// in the path.
    private static func path(
        in root: Node, naming: (String) -> String = { $0 }, where matches: (Node, String?) -> Bool
    ) -> String? {
        // Aliases the composer expanded can make a small file a tree of billions of nodes:
        // a report holds far fewer than this.
        var budget = 1_000_000
        func find(_ node: Node, _ key: String?, _ path: String) -> String? {
            budget -= 1
            if budget < 0 { return nil }
            if matches(node, key) { return path }
            switch node {
            case .mapping(let mapping):
                for (k, v) in mapping {
                    guard let name = k.string else { continue }
                    let inner = path.isEmpty ? naming(name) : path + "." + naming(name)
                    if let found = find(v, name, inner) { return found }
                }
            case .sequence(let sequence):
                for (i, item) in sequence.enumerated() {
                    if let found = find(item, nil, path + "[\(i)]") { return found }
                }
            case .scalar, .alias:
                break
            }
            return nil
        }
        return find(root, nil, "").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The path of the node the file's first anchor (`&name`) or alias (`*name`) stands
    /// on, `nil` when it cannot be told. The file is composed again with that one written as
    /// a marker (a tag for an anchor, a text for an alias), the others taken out (every
    /// alias as a plain text, so none is left without its anchor), and the marker looked for.
    private static func anchorPath(in text: String) -> String? {
        let marker = "__strata_anchor__"
        let found = anchorsAndAliases(in: text)
        guard let first = found.first, !text.contains(marker) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        // Last first, so the offsets of those before stay true.
        for token in found.reversed() where token.line <= lines.count {
            let written =
                token.line == first.line && token.column == first.column
                ? (token.isAlias ? marker : "!" + marker) : (token.isAlias ? "x" : "")
            lines[token.line - 1].replaceSubrange(token.column..<token.column + token.length, with: Array(written))
        }
        guard let root = try? Yams.compose(yaml: lines.map { String($0) }.joined(separator: "\n")) else { return nil }
        return path(in: root) { node, _ in
            first.isAlias ? node.scalar?.string == marker : node.tag.description == "!" + marker
        }
    }

    /// Where a key is written on a line: its character offset and length (a quoted key's
    /// quotes included).
    typealias KeySpan = (offset: Int, length: Int)

    /// Where the repeat of `key` is, after its first occurrence at `line` and `column`
    /// (1-based, libyaml's column): later on the
    /// same line (flow style, `{unit: t, unit: kg}`), else on a later line at the same
    /// column (block style). The line is 1-based (the first occurrence's when the repeat
    /// is not found, with no span).
    private static func secondOccurrence(of key: String, line: Int, column: Int, in text: String) -> (Int, KeySpan?) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return (line, nil) }
        let first = keyOffset(key, in: lines[line - 1], from: column - 1)
        let after = column - 1 + (first?.length ?? key.count)
        if let span = keyOffset(key, in: lines[line - 1], from: after) { return (line, span) }
        for n in line..<lines.count {
            if let span = keyOffset(key, in: lines[n], from: column - 1), span.offset == column - 1 {
                return (n + 1, span)
            }
        }
        return (line, nil)
    }

    /// Where, at or after character offset `from`, `key` is written as a mapping key on
    /// `line` — plain, or in double or single quotes: after the line's start, a space, `{`,
    /// `,` or `-`, and followed by `:`.
    static func keyOffset(_ key: String, in line: Substring, from: Int) -> KeySpan? {
        let chars = Array(line)
        guard !key.isEmpty, from >= 0 else { return nil }
        var i = from
        while i < chars.count {
            if i == 0 || " \t{,-".contains(chars[i - 1]) {
                for written in [key, "\"\(key)\"", "'\(key)'"] {
                    let k = Array(written)
                    if i + k.count <= chars.count, Array(chars[i..<i + k.count]) == k,
                        chars[(i + k.count)...].drop(while: { $0 == " " }).first == ":"
                    {
                        return (i, k.count)
                    }
                }
            }
            i += 1
        }
        return nil
    }

    /// Where an anchor or alias is written: its line (1-based), its character offset in the
    /// line and its length, `&` or `*` included.
    struct AnchorOrAlias {
        let line: Int
        let column: Int
        let length: Int
        let isAlias: Bool
    }

    /// The YAML anchors (`&name`) and aliases (`*name`) written where a node
    /// starts (line start, after `key: `, a `- ` item marker, `[`, `{` or `,`), outside quotes
    /// and comments; `*bold*` inside a sentence is text, not an alias. Refused because an
    /// alias can expand one line into gigabytes.
    /// `all: false` stops at the first.
    static func anchorsAndAliases(in text: String, all: Bool = true) -> [AnchorOrAlias] {
        var found: [AnchorOrAlias] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(line)
            var quote: Character? = nil
            var nodeStart = true  // only indentation so far, or just after an indicator
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == " " || c == "\t" {
                    // Spaces keep whatever the last token allowed.
                } else if c == "#" && (i == 0 || chars[i - 1] == " ") {
                    break
                } else if nodeStart && (c == "\"" || c == "'") {
                    quote = c
                    nodeStart = false
                } else if nodeStart && (c == "&" || c == "*") && i + 1 < chars.count
                    && (chars[i + 1].isLetter || chars[i + 1].isNumber || chars[i + 1] == "_")
                {
                    // The name runs to a space or a flow indicator.
                    let end = chars[(i + 1)...].firstIndex(where: { " \t,[]{}".contains($0) }) ?? chars.count
                    found.append(AnchorOrAlias(line: n + 1, column: i, length: end - i, isAlias: c == "*"))
                    if !all { return found }
                    i = end
                    nodeStart = c == "&"  // `&a value`, `&a {…}`: a node follows an anchor
                    continue
                } else if c == ":" && (i + 1 == chars.count || chars[i + 1] == " ") {
                    nodeStart = true
                } else if c == "-" && nodeStart && (i + 1 == chars.count || chars[i + 1] == " ") {
                    nodeStart = true
                } else if c == "[" || c == "{" || c == "," {
                    nodeStart = true
                } else {
                    nodeStart = false
                }
                i += 1
            }
        }
        return found
    }

    private static func yamlReason(_ error: YamlError) -> String {
        let problem: String
        switch error {
        case .scanner(_, let p, _, _), .parser(_, let p, _, _), .composer(_, let p, _, _), .reader(let p, _, _, _):
            problem = p
        default:
            problem = "\(error)"
        }
        // libyaml's wording, where it speaks to a programmer rather than to the analyst.
        if problem.contains("another document") {
            return "a report file is one YAML document; this one goes on after `---` or `...`"
        }
        if problem.contains("nesting level") { return "nested too deeply" }
        return problem
    }
}
