// The closed vocabularies of the report format (`../shared/spec/report-format.md`): a
// source's reliability and kind, a claim's credibility and kind, how two claims relate,
// how goods moved, and what can be aliased. Each is stored and printed by its raw value.

/// A source's reliability on the Admiralty scale: A (completely reliable) to F (cannot be
/// judged). Kept as the letter; numbers are computed only in read models.
public enum Reliability: String, CaseIterable, Hashable, Sendable, Comparable {
    case a = "A", b = "B", c = "C", d = "D", e = "E", f = "F"

    public init?(text: String) { self.init(rawValue: text.uppercased()) }

    public static func < (x: Reliability, y: Reliability) -> Bool { x.rawValue < y.rawValue }
}

/// A claim's credibility: 1 (confirmed) to 6 (cannot be judged).
public enum Credibility: Int, CaseIterable, Hashable, Sendable, Comparable {
    case confirmed = 1, probablyTrue, possiblyTrue, doubtful, improbable, cannotBeJudged

    public init?(text: String) {
        guard text.count == 1, let n = Int(text) else { return nil }
        self.init(rawValue: n)
    }

    public static func < (x: Credibility, y: Credibility) -> Bool { x.rawValue < y.rawValue }
}

/// Who supplies information.
public enum SourceKind: String, CaseIterable, Hashable, Sendable {
    case outlet, human, government, un, imagery, ais, document, analyst
}

/// What a claim states.
public enum ClaimKind: String, CaseIterable, Hashable, Sendable {
    case shipment, total, agreement, policy, price, observation

    /// "a shipment", "an agreement", "an observation".
    public var withArticle: String { ("aeiou".contains(rawValue.first ?? "x") ? "an " : "a ") + rawValue }
}

/// How two claims relate.
public enum Relation: String, CaseIterable, Hashable, Sendable {
    case sameShipment = "same-shipment"
    case corroborates
    case contradicts
    case partOf = "part-of"
}

/// How goods were moved, when the report says.
public enum ShipmentMethod: String, CaseIterable, Hashable, Sendable {
    case transshipment
    case shipToShip = "ship-to-ship"
    case aisOff = "ais-off"
    case aisSpoofed = "ais-spoofed"
    case relabelled
}

/// The kinds of entity names that can be aliased.
public enum EntityKind: String, CaseIterable, Hashable, Sendable {
    case place, commodity, vessel
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// `a, b or c`, for error messages.
    static var choices: String {
        let all = allCases.map(\.rawValue)
        guard all.count > 1 else { return all.first ?? "" }
        return all.dropLast().joined(separator: ", ") + " or " + (all.last ?? "")
    }
}
