import Foundation

/// A ship as a claim names it: any of name, IMO number and flag, at least one.
///
/// Values are validated and normalised on construction: the name is trimmed, the IMO number
/// is kept as its seven digits (`"IMO 9074729"` → `"9074729"`) after its check digit is
/// verified, and the flag is kept as an ISO 3166-1 alpha-2 code (`"pa"`, `"PAN"` and
/// `"Panama"` → `"PA"`).
public struct Vessel: Hashable, Sendable, CustomStringConvertible {
    /// The ship's name as written, trimmed: `"RICH GLORY"`.
    public let name: String?
    /// The IMO ship identification number, seven digits: `"9074729"`.
    public let imo: String?
    /// The flag state, an ISO 3166-1 alpha-2 code: `"PA"`.
    public let flag: String?

    /// A vessel from a claim's `{name, imo, flag}`, with the bundled gazetteer's countries.
    ///
    /// - `name`, if given, must have non-blank text;
    /// - `imo`, if given, is seven digits, optionally after `IMO` (`"IMO 9074729"`,
    ///   `"IMO9074729"`, `"IMO: 9074729"`), with a valid check digit (see ``isValidIMO(_:)``);
    /// - `flag`, if given, is a known ISO 3166-1 alpha-2 code (either case), an alpha-3
    ///   code, or a country name or alias the gazetteer knows;
    /// - at least one of them is given.
    public init(name: String?, imo: String?, flag: String?) throws(VesselError) {
        try self.init(name: name, imo: imo, flag: flag, gazetteer: .bundled)
    }

    /// As ``init(name:imo:flag:)``, with the countries of `gazetteer`.
    public init(name: String?, imo: String?, flag: String?, gazetteer: Gazetteer) throws(VesselError) {
        guard name != nil || imo != nil || flag != nil else {
            throw VesselError(field: "vessel", reason: "give at least one of name, imo and flag")
        }
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw VesselError(field: "name", reason: "must not be empty") }
            self.name = trimmed
        } else {
            self.name = nil
        }
        if let imo {
            guard let digits = Self.imoDigits(imo) else {
                throw VesselError(
                    field: "imo",
                    reason: "expected a 7-digit IMO number such as 9074729 or \"IMO 9074729\", got \"\(imo)\"")
            }
            guard Self.isValidIMO(digits) else {
                throw VesselError(
                    field: "imo",
                    reason:
                        "\(digits) is not a valid IMO number: its check digit should be \(Self.imoCheckDigit(digits))")
            }
            self.imo = digits
        } else {
            self.imo = nil
        }
        if let flag {
            let trimmed = flag.trimmingCharacters(in: .whitespacesAndNewlines)
            let country =
                Country.looksLikeAlpha2(trimmed) || Country.looksLikeAlpha3(trimmed)
                ? gazetteer.country(code: trimmed) ?? gazetteer.country(named: trimmed)
                : gazetteer.country(named: trimmed)
            guard let country else {
                throw VesselError(
                    field: "flag",
                    reason: "expected an ISO 3166-1 alpha-2 country code such as PA, got \"\(flag)\"")
            }
            self.flag = country.code
        } else {
            self.flag = nil
        }
    }

    private init(checkedName name: String?, imo: String?, flag: String?) {
        self.name = name
        self.imo = imo
        self.flag = flag
    }

    /// The same vessel under the name `rename` gives its name (an alias's canonical name).
    public func renamed(_ rename: (String) -> String) -> Vessel {
        Vessel(checkedName: name.map(rename), imo: imo, flag: flag)
    }

    /// `"RICH GLORY (IMO 9074729, PA)"`; parts not given are left out.
    public var description: String {
        let details = [imo.map { "IMO \($0)" }, flag].compactMap { $0 }.joined(separator: ", ")
        switch (name, details.isEmpty) {
        case let (name?, true): return name
        case let (name?, false): return "\(name) (\(details))"
        case (nil, _): return details
        }
    }

    /// True when `digits` is seven ASCII digits whose last is the IMO check digit: the sum
    /// of the first six multiplied by 7, 6, 5, 4, 3 and 2, modulo 10.
    /// (`9074729`: 9·7 + 0·6 + 7·5 + 4·4 + 7·3 + 2·2 = 139, and 139 mod 10 = 9.)
    public static func isValidIMO(_ digits: String) -> Bool {
        let values = digits.utf8.map { Int($0) - 48 }
        guard values.count == 7, values.allSatisfy({ (0...9).contains($0) }) else { return false }
        return values[6] == imoCheckDigit(digits)
    }

    /// The IMO number `text` gives (``imoDigits(_:)`` with a valid check digit), or `nil`:
    /// how a `--vessel` filter tells a number from a name.
    public static func imoNumber(_ text: String) -> String? {
        imoDigits(text).flatMap { isValidIMO($0) ? $0 : nil }
    }

    /// The seven digits of an IMO number as written (`"9074729"`, `"IMO 9074729"`,
    /// `"imo:9074729"`), check digit not verified; `nil` when it is not of that shape.
    public static func imoDigits(_ text: String) -> String? {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if rest.count > 3, rest.prefix(3).uppercased() == "IMO" {
            rest = rest.dropFirst(3).drop { $0 == " " || $0 == ":" || $0 == "-" || $0 == "." || $0 == "#" }
        }
        guard rest.utf8.count == 7, rest.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return String(rest)
    }

    /// The check digit for the first six digits of `digits` (assumed ASCII digits).
    private static func imoCheckDigit(_ digits: String) -> Int {
        zip(digits.utf8.prefix(6), [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + (Int($1.0) - 48) * $1.1 } % 10
    }
}

/// Why a vessel was refused: the field (`name`, `imo`, `flag`, or `vessel` for the whole)
/// and what was expected.
public struct VesselError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `"name"`, `"imo"`, `"flag"`, or `"vessel"` when no field was given.
    public let field: String
    /// What was wrong and what was expected.
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `"imo: 9074728 is not a valid IMO number: its check digit should be 9"`.
    public var description: String { "\(field): \(reason)" }
}
