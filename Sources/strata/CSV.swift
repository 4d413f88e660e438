import StrataLog

/// Flattens JSON rows into CSV under fixed columns: nested objects become dotted paths
/// (a null object leaves its columns empty), lists are joined by `;`, and a list of objects
/// is its JSON. A cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
/// spreadsheet shows it as text instead of running it as a formula: report text is quoted
/// from sources nobody vouches for. (Numbers are never negative, so none is touched.)
struct CSV {
    /// The column names, in order, and the path of keys each names in a row.
    let columns: [String]
    private let paths: [[String]]

    init(columns: [String]) {
        self.columns = columns
        paths = columns.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The header line and its line break.
    func writeHeader(into out: inout [UInt8]) {
        for (i, name) in columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CSV.write(name, defused: false, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// One row's line and its line break, written straight from the row: each column's
    /// value is looked up by its path (no table of every flattened cell is made).
    func write(_ row: Payload, into out: inout [UInt8]) {
        for (i, path) in paths.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CSV.write(CSV.cell(row, path), defused: true, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// The text of the value at `path` in `row`: empty for none, null or an object (whose
    /// fields have columns of their own); a list's items joined by `;`, or a list of objects
    /// as its JSON; a number or a
    /// boolean as JSON writes it.
    private static func cell(_ row: Payload, _ path: [String]) -> String {
        var value = row
        for key in path {
            guard case .object(let fields) = value, let next = fields.first(where: { $0.key == key })?.value else {
                return ""
            }
            value = next
        }
        switch value {
        case .null, .object: return ""
        case .string(let s): return s
        case .array(let items):
            // A list of objects (volumes' `reported_totals`) as its JSON, so it reads back.
            if items.contains(where: { if case .object = $0 { true } else { false } }) { return value.json }
            return items.map { $0.stringValue ?? $0.json }.joined(separator: ";")
        default: return value.json
        }
    }

    /// `cell`, in double quotes (inner ones doubled) when it holds a comma, a quote or a
    /// line break; with `defused`, a `'` before a first character a spreadsheet would run.
    private static func write(_ cell: String, defused: Bool, into out: inout [UInt8]) {
        let utf8 = cell.utf8
        let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if quoted { out.append(UInt8(ascii: "\"")) }
        if defused, let first = utf8.first, CSV.formulaStarts.contains(first) { out.append(UInt8(ascii: "'")) }
        for b in utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        if quoted { out.append(UInt8(ascii: "\"")) }
    }

    private static let formulaStarts: [UInt8] = Array("=+-@\t\r".utf8)
}
