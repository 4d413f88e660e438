import Crypto
import Foundation

/// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit: the ids
/// analysts choose for reports, claims and sources. (Ids are compared as bytes, in keys
/// and on command lines: ASCII has one spelling of each, where `보` has two in Unicode.)
enum Slug {
    static let maximumLength = 120

    static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, utf8.count <= maximumLength, isAlphanumeric(first) else { return false }
        return utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    static let rule = "ASCII letters (a-z, A-Z), digits, '-', '_' and '.', starting with a letter or digit, at most 120"
}

/// A report's stable id, chosen by the analyst (`dailynk-2020-05-minerals`).
public struct ReportID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init?(_ rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
    public var description: String { rawValue }
    public static func < (a: ReportID, b: ReportID) -> Bool { a.rawValue < b.rawValue }
}

/// A source's id (`dailynk-china-source`); outlets get one made from their name.
public struct SourceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init?(_ rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
    public var description: String { rawValue }
    public static func < (a: SourceID, b: SourceID) -> Bool { a.rawValue < b.rawValue }

    /// Why `name` makes no outlet source id (see ``outlet(named:)``), or `nil`.
    public static func outletProblem(named name: String) -> String? {
        guard outlet(named: name) == nil else { return nil }
        if NameKey(name).rawValue.isEmpty { return "an outlet name needs letters or digits" }
        return "an outlet name makes a source id of at most \(Slug.maximumLength) characters; this one would be longer"
    }

    /// The known source `written` names, as `--source` and `correct --set source=` take
    /// it: a source id, else an outlet's name ("Daily NK") as the id of the outlet
    /// registered under it (daily-nk); `nil` when `isKnown` knows neither.
    public static func resolve(_ written: String, isKnown: (SourceID) throws -> Bool) rethrows -> SourceID? {
        if let id = SourceID(written), try isKnown(id) { return id }
        if let id = SourceID.outlet(named: written), try isKnown(id) { return id }
        return nil
    }

    /// The id of an outlet's own source: its ASCII letters and digits in lowercase with
    /// runs of other characters turned into `-` (`Daily NK` → `daily-nk`), read from the
    /// name's composed form (NFC: `Süddeutsche` gives the same id however its `ü` was
    /// typed) with invisible characters (zero-width spaces and joiners, which Unicode
    /// says to ignore) left out rather than separating; for a name
    /// written without any (`조선일보`, `人民日报`), `outlet-` and ten hex digits of the
    /// SHA-256 of its name key (``NameKey``), the same for every spelling that key folds
    /// together. `nil` when the name has no letters or digits, or the id would be too long.
    public static func outlet(named name: String) -> SourceID? {
        var out = ""
        var dash = false
        for scalar in name.precomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            if scalar.properties.isDefaultIgnorableCodePoint { continue }
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if dash && !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        if out.isEmpty {
            let key = NameKey(name).rawValue
            guard !key.isEmpty else { return nil }
            out =
                "outlet-"
                + SHA256.hash(data: Array(key.utf8)).prefix(5).map { String($0, radix: 16).leftPadded(2) }.joined()
        }
        return SourceID(out)
    }
}

/// A claim's journal id: `REPORT_ID/CLAIM_ID`.
public struct ClaimID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let report: ReportID
    /// The id inside its report (`c1`).
    public let local: String
    /// An FNV-1a hash of the id's bytes, made once: claim ids key the dictionaries and
    /// sets a fold and a view use for every event and claim, and hashing two strings there
    /// each time was a tenth of a rebuild's fold. Bytes suffice: ids are ASCII (``Slug``),
    /// so ids equal as strings have the same bytes.
    private let digest: UInt64

    public init?(report: ReportID, local: String) {
        guard Slug.isValid(local) else { return nil }
        self.report = report
        self.local = local
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        for b in report.rawValue.utf8 { mix(b) }
        mix(UInt8(ascii: "/"))
        for b in local.utf8 { mix(b) }
        digest = h
    }

    public static func == (a: ClaimID, b: ClaimID) -> Bool {
        a.digest == b.digest && a.local == b.local && a.report == b.report
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// Parses `REPORT_ID/CLAIM_ID`.
    public init?(_ text: String) {
        // Exactly one `/`, found on the bytes (ids are read for every claim event folded).
        let utf8 = text.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let rest = utf8.index(after: slash)
        guard !utf8[rest...].contains(UInt8(ascii: "/")), let report = ReportID(String(text[..<slash])) else {
            return nil
        }
        self.init(report: report, local: String(text[rest...]))
    }

    public var description: String { "\(report.rawValue)/\(local)" }
    public static func < (a: ClaimID, b: ClaimID) -> Bool { a.description < b.description }
}
