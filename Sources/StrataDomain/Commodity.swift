/// A kind of goods in the bundled commodity taxonomy: `anthracite` (HS 270111), whose
/// parent is `coal` (HS 2701), whose parent is `minerals`.
public struct Commodity: Hashable, Sendable, CustomStringConvertible {
    /// The canonical name, lowercase unless a proper noun: `"iron ore"`.
    public let name: String
    /// The Harmonized System code where one fits: a 2-digit chapter (`"31"`), 4-digit
    /// heading (`"2601"`) or 6-digit subheading (`"270111"`); `nil` for groupings that span
    /// chapters (`minerals`, `textiles`) and for goods with no code of their own.
    public let hsCode: String?
    /// The canonical name of the parent, or `nil` for a root.
    public let parent: String?
    /// Other names and spellings, matched like the name: `["maize"]` for corn.
    public let aliases: [String]

    public init(name: String, hsCode: String? = nil, parent: String? = nil, aliases: [String] = []) {
        self.name = name
        self.hsCode = hsCode
        self.parent = parent
        self.aliases = aliases
    }

    /// The name followed by the aliases.
    public var allNames: [String] { [name] + aliases }

    /// `"anthracite (HS 270111)"`, or just the name when there is no HS code.
    public var description: String { hsCode.map { "\(name) (HS \($0))" } ?? name }

    /// True when `code` is 2, 4 or 6 ASCII digits: an HS chapter, heading or subheading.
    public static func isWellFormedHSCode(_ code: String) -> Bool {
        [2, 4, 6].contains(code.utf8.count) && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    // The resource's shape: {"name", "hs"?, "parent"?, "aliases"?}.
    init(resource r: ResourceReader) throws {
        self.init(
            name: try r.string("name"), hsCode: try r.optionalString("hs"), parent: try r.optionalString("parent"),
            aliases: try r.strings("aliases"))
    }
}
