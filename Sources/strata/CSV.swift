import StrataLog

/// Flattens JSON rows into CSV under fixed columns: nested objects become dotted paths
/// (a null object leaves its columns empty), lists are joined by `;`. A cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
/// spreadsheet shows it as text instead of running it as a formula: report text is quoted
/// from sources nobody vouches for. (Numbers are never negative, so none is touched.)
enum CSV {
    /// The header line (without its line break).
    static func header(_ columns: [String]) -> String { columns.map(quote).joined(separator: ",") }

    /// One row's line (without its line break).
    static func line(_ row: Payload, columns: [String]) -> String {
        var cells: [String: String] = [:]
        flatten(row, prefix: "", into: &cells)
        return columns.map { quote(defused(cells[$0] ?? "")) }.joined(separator: ",")
    }

    private static func defused(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    private static func flatten(_ p: Payload, prefix: String, into cells: inout [String: String]) {
        switch p {
        case .object(let fields):
            for f in fields { flatten(f.value, prefix: prefix.isEmpty ? f.key : "\(prefix).\(f.key)", into: &cells) }
        case .array(let items): cells[prefix] = items.map { $0.stringValue ?? $0.json }.joined(separator: ";")
        case .null: cells[prefix] = ""
        case .string(let s): cells[prefix] = s
        default: cells[prefix] = p.json
        }
    }

    private static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
    }
}
