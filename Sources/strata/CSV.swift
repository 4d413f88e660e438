import StrataLog

/// Flattens JSON rows into CSV under fixed columns: nested objects become dotted paths
/// (a null object leaves its columns empty), lists are joined by `;`.
enum CSV {
    static func render(_ rows: [Payload], columns: [String]) -> String {
        var lines = [columns.map(quote).joined(separator: ",")]
        for row in rows {
            var cells: [String: String] = [:]
            flatten(row, prefix: "", into: &cells)
            lines.append(columns.map { quote(cells[$0] ?? "") }.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
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
