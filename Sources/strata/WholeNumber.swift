import ArgumentParser

/// The value of an option that takes a whole number (a position, a count, days), kept as
/// written until `validate()` checks it: any value that is not a whole number in range —
/// `abc` as much as `-3` — is bad data (exit 65), as an invalid value is for every option
/// (`strata --help`), where a plain `Int` option would leave `abc` to the argument parser
/// as wrong usage (64).
struct WholeNumber: ExpressibleByArgument, Sendable {
    let text: String

    init(_ value: Int) { text = String(value) }

    init?(argument: String) { text = argument }

    var defaultValueDescription: String { text }

    /// The number, or exit 65 naming `option` when it is not a whole number of at least
    /// `minimum`; `what` says what the option counts.
    func value(_ option: String, _ what: String, minimum: Int = 0) throws -> Int {
        // `--limit --journal J`: the option's value is missing (wrong usage), not invalid.
        if text.hasPrefix("--") { throw ValidationError("missing value for \(option)") }
        guard let n = Int(text), n >= minimum else {
            throw invalidValue("\(option): expected \(what), \(minimum) or more, not \(text)")
        }
        return n
    }
}
