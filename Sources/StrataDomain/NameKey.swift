import Foundation

/// The normalised form of a name, under which the gazetteer and the commodity taxonomy
/// look names up.
///
/// Folding, in order:
/// - case is folded (`"NAMPO"` → `"nampo"`);
/// - diacritics are dropped after canonical decomposition (`"Chŏngjin"` → `"chongjin"`,
///   `"Hŭngnam"` → `"hungnam"`), and a few letters that do not decompose are spelled out
///   (`ø` → `o`, `ß` → `ss`, `æ` → `ae`, …);
/// - apostrophes of every kind (`'`, `’`, `‘`, `ʼ`, `ʻ`, `` ` ``, `´`) and full stops are
///   removed, joining what they separate (`"Namp'o"` → `"nampo"`, `"D.P.R.K."` → `"dprk"`);
/// - `&` reads as the word `and`;
/// - every other run of non-letters, non-digits (spaces, hyphens, underscores, commas,
///   brackets) becomes one space, and the ends are trimmed (`"Nam-po"` → `"nam po"`).
///
/// Two keys are equal when their words are equal **with the spaces removed**
/// (``rawValue``), so `"Nam po"`, `"Nam-po"` and `"Nampo"` meet. The bundled data is
/// checked so that no such key names two different entries (see `Gazetteer.problems`
/// and `CommodityTaxonomy.problems`).
public struct NameKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The folded words joined by single spaces, e.g. `"nam po"` for `"Nam-p'o"`.
    public let words: String
    /// What lookups compare: ``words`` without the spaces, e.g. `"nampo"`.
    public let rawValue: String

    /// The key of `name`.
    public init(_ name: some StringProtocol) {
        // Most names are ASCII: fold them byte by byte, skipping Unicode decomposition
        // (which dominated start-up when the bundled gazetteer is indexed).
        if let ascii = NameKey.foldASCII(name) {
            words = ascii
            rawValue = NameKey.withoutSpaces(ascii)
            return
        }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        func appendWord(_ text: String) {
            if pendingSpace, !scalars.isEmpty { scalars.append(" ") }
            pendingSpace = false
            scalars.append(contentsOf: text.unicodeScalars)
        }
        for scalar in String(name).lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            case .decimalNumber, .letterNumber, .otherNumber,
                .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                if Self.joiners.contains(scalar) { continue }
                appendWord(Self.spelledOut[scalar] ?? String(scalar))
            default:
                if Self.joiners.contains(scalar) { continue }
                if scalar == "&" {
                    pendingSpace = true
                    appendWord("and")
                }
                pendingSpace = true
            }
        }
        words = String(scalars)
        rawValue = NameKey.withoutSpaces(words)
    }

    /// `words` without its spaces, by bytes (a filter over `Character`s costs more than
    /// the whole ASCII folding).
    private static func withoutSpaces(_ words: String) -> String {
        guard words.utf8.contains(UInt8(ascii: " ")) else { return words }  // one word: most names
        return String(decoding: words.utf8.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
    }

    /// The same folding as the general path, for ASCII-only names; `nil` otherwise.
    private static func foldASCII(_ name: some StringProtocol) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        func word(_ bytes: some Sequence<UInt8>) {
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(contentsOf: bytes)
        }
        for b in name.utf8 {
            switch b {
            case 0x80...: return nil
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): word(CollectionOfOne(b))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word(CollectionOfOne(b + 32))
            case UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "."): continue
            case UInt8(ascii: "&"):
                pendingSpace = true
                word("and".utf8)
                pendingSpace = true
            default: pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the name has no letters or digits at all.
    public var isEmpty: Bool { rawValue.isEmpty }

    /// The words of the key, e.g. `["port", "of", "dalian"]`.
    public var wordList: [Substring] { words.split(separator: " ") }

    public static func == (a: NameKey, b: NameKey) -> Bool { a.rawValue == b.rawValue }
    public static func < (a: NameKey, b: NameKey) -> Bool { a.rawValue < b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    public var description: String { words }

    /// Marks that are removed without leaving a space (apostrophes, full stops). `ʼ` and
    /// `ʻ` are modifier letters in Unicode, so they are listed here and checked first.
    private static let joiners: Set<Unicode.Scalar> = [
        "'", "\u{2019}", "\u{2018}", "\u{02BC}", "\u{02BB}", "`", "\u{00B4}", "\u{02B9}", "\u{2032}", ".",
    ]

    /// Letters that canonical decomposition leaves alone.
    private static let spelledOut: [Unicode.Scalar: String] = [
        "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i",
        "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
    ]
}

/// Names (and aliases) of entries → entry numbers, for the gazetteer's and taxonomy's
/// indexes. A key claimed by two different entries is *ambiguous*: it is remembered, and
/// lookups under it find nothing rather than guess.
struct NameIndex: Sendable {
    private var entries: [NameKey: Int]
    /// Ambiguous keys → every entry number that claimed them, in claim order.
    private(set) var ambiguous: [NameKey: [Int]] = [:]
    /// Names that fold to the empty key (no letters or digits), with their entry.
    private(set) var empty: [(name: String, entry: Int)] = []

    /// An index with room for `capacity` names.
    init(capacity: Int = 0) { entries = Dictionary(minimumCapacity: capacity) }

    /// Records `name` as a name of `entry`. The same entry may claim a key many times.
    mutating func insert(_ name: String, for entry: Int) {
        let key = NameKey(name)
        guard !key.isEmpty else {
            empty.append((name, entry))
            return
        }
        if var claimants = ambiguous[key] {
            if !claimants.contains(entry) { claimants.append(entry) }
            ambiguous[key] = claimants
        } else if let existing = entries[key], existing != entry {
            entries[key] = nil
            ambiguous[key] = [existing, entry]
        } else {
            entries[key] = entry
        }
    }

    /// The one entry with this key, or `nil` when none or several have it.
    func lookup(_ key: NameKey) -> Int? { entries[key] }
}
