/// A valid-time string that is not the EDTF (ISO 8601-2, levels 0 and 1) Strata accepts.
///
/// `text` is the string exactly as given; `reason` says what is wrong or what was expected,
/// in words an analyst can act on, e.g. `month 13 does not exist`,
/// `interval ends before it starts (2020-05-31 is before 2020-06-01)`, or
/// `not EDTF: expected YYYY, YYYY-MM or YYYY-MM-DD`.
public struct EDTFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rejected text, verbatim.
    public let text: String
    /// What is wrong with it.
    public let reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// `invalid EDTF "2020-13": month 13 does not exist`.
    public var description: String { "invalid EDTF \"\(text)\": \(reason)" }
}
