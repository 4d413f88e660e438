import ArgumentParser

/// The value of an option that takes a whole number (a position, a count, days), kept as
/// written until `validate()` checks it: any value that is not a whole number in range —
/// `abc` as much as `-3` — is bad data (exit 65), as an invalid value is for every option
/// (`strata --help`), where a plain `Int` option would leave `abc` to the argument parser
/// as wrong usage (64).
struct WholeNumber: ExpressibleByArgument, Sendable {
    let text: String
    /// The number written, read once (`nil`: not a number, which ``check(_:_:minimum:)``
    /// refuses).
    private let parsed: Int?
    /// The number, used once ``check(_:_:minimum:)`` has passed.
    var number: Int { parsed ?? 0 }

    init(_ value: Int) {
        text = String(value)
        parsed = value
    }

    init?(argument: String) {
        text = argument
        parsed = Int(argument)
    }

    var defaultValueDescription: String { text }

    /// Exit 65 naming `option` unless the text is a whole number of at least `minimum`;
    /// `what` says what the option counts.
    func check(_ option: String, _ what: String, minimum: Int = 0) throws {
        // `--limit --journal J`: the option's value is missing (wrong usage), not invalid.
        if text.hasPrefix("--") { throw ValidationError("missing value for \(option)") }
        guard let parsed, parsed >= minimum else {
            throw invalidValue("\(option): expected \(what), \(minimum) or more, not \(text)")
        }
    }
}
