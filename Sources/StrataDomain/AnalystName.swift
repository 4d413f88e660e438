/// The rule for the name of the analyst recorded on every event (`recorded_by`): it is
/// printed by `strata claim` and `strata log`, so it is held to the rules of report text,
/// on one line and of bounded length. The CLI applies it to `$STRATA_ANALYST` (or the
/// login name), an import to each event's `recorded_by`.
public enum AnalystName {
    /// The longest name recorded, in UTF-8 bytes.
    public static let maximumBytes = 200

    /// Why `name` cannot be an analyst's name (a control character, a line break or tab,
    /// a bidirectional override, more than ``maximumBytes``), or `nil`.
    public static func problem(in name: String) -> String? {
        if let problem = TextCharacters.problem(in: name) { return problem }
        if name.contains(where: \.isNewline) || name.contains("\t") { return "has a line break or tab" }
        if name.utf8.count > maximumBytes {
            return "may have at most \(maximumBytes) bytes; this one has \(name.utf8.count)"
        }
        return nil
    }
}
