import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

extension ViewPoint {
    /// `view: position 57, as of …`: under a table, and on standard error for CSV and
    /// NDJSON, whose output holds rows only.
    var caption: String {
        var parts = ["position \(position)"]
        if let asOf { parts.append("as of \(asOf.iso8601)") }
        if let publishedBy { parts.append("published by \(publishedBy.iso8601)") }
        if from != nil || to != nil {
            parts.append(
                "\(certainly ? "certainly within" : "overlapping") \(from?.description ?? "..")/\(to?.description ?? "..")"
            )
            if padding > 0 { parts.append("~ ? % ends padded \(padding) days") }
        }
        return "view: " + parts.joined(separator: ", ")
    }
}
