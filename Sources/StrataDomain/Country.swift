/// A country or territory of ISO 3166-1, from the bundled gazetteer.
///
/// `name` is the common English short name (`"North Korea"`, `"Russia"`, `"Vietnam"`);
/// the ISO 3166 forms (`"Korea, Democratic People's Republic of"`) and other names in use
/// (`"DPRK"`, `"PRC"`, `"ROK"`) are among its `aliases`.
public struct Country: Hashable, Sendable, CustomStringConvertible {
    /// The ISO 3166-1 alpha-2 code, two uppercase letters: `"KP"`.
    public let code: String
    /// The common English short name: `"North Korea"`.
    public let name: String
    /// Other names and spellings, matched like the name: `["DPRK", …]`.
    public let aliases: [String]
    /// The ISO 3166-1 alpha-3 code, `"PRK"`, where known.
    public let alpha3: String?

    public init(code: String, name: String, aliases: [String] = [], alpha3: String? = nil) {
        self.code = code
        self.name = name
        self.aliases = aliases
        self.alpha3 = alpha3
    }

    /// The name followed by the aliases.
    public var allNames: [String] { [name] + aliases }

    /// `"North Korea (KP)"`.
    public var description: String { "\(name) (\(code))" }

    // The resource's shape: {"code", "alpha3"?, "name", "aliases"?}.
    init(resource r: ResourceReader) throws {
        self.init(
            code: try r.string("code"), name: try r.string("name"), aliases: try r.strings("aliases"),
            alpha3: try r.optionalString("alpha3"))
    }

    /// True when `text` is written as reports write a country code: two capital letters
    /// (`KP`), so that a name such as "Kor" is never taken for one.
    public static func isWrittenCode(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 2 && text.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// True when `code` is two ASCII letters (either case): the shape of an alpha-2 code.
    static func looksLikeAlpha2(_ code: some StringProtocol) -> Bool {
        code.utf8.count == 2 && code.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }

    /// True when `code` is three ASCII letters (either case): the shape of an alpha-3 code.
    static func looksLikeAlpha3(_ code: some StringProtocol) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }
}
