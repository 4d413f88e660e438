import StrataDomain

/// How each commodity and place name was first written in the journal's claims, by name
/// key: the one spelling a name the taxonomy and gazetteer do not know is shown and summed
/// under. Names compare by their letters and digits (``NameKey``), so `BLACKROCK` and
/// `Black Rock` are one commodity; without one spelling they made two volumes rows, and a
/// shipment listed `Xport` and `X-Port` as two places.
///
/// The first spelling never changes once written, so stored volume cells can be keyed by it:
/// the claim index keeps it in its table of names (``ClaimIndex/writtenNames(_:_:)``), and
/// a fold notes it claim by claim, in log order, as the index does (a claim's commodity,
/// then its places, origin before destination).
public struct Spellings: Sendable, Equatable {
    private var first: [EntityKind: [NameKey: String]] = [:]
    /// The strings already noted (keying a name is costly; the same few names come back).
    private var noted: [EntityKind: Set<String>] = [:]

    public init() {}

    /// The spelling `written`'s name was first written in, or `written` when none was noted.
    public func spelling(_ kind: EntityKind, _ written: String) -> String {
        guard let known = first[kind], !known.isEmpty else { return written }
        return known[NameKey(written)] ?? written
    }

    /// Notes `written` as the first spelling of its name, unless one was noted before;
    /// whether it was.
    @discardableResult
    mutating func note(_ kind: EntityKind, _ written: String) -> Bool {
        guard noted[kind, default: []].insert(written).inserted else { return false }
        let key = NameKey(written)
        guard !key.isEmpty, first[kind]?[key] == nil else { return false }
        first[kind, default: [:]][key] = written
        return true
    }

    /// Notes the names of a claim's fields as they now stand.
    mutating func note(_ fields: ClaimFields) {
        if let c = fields.commodity { note(.commodity, c) }
        for l in fields.from + fields.to { if let p = l.place { note(.place, p) } }
    }

    /// Equal when the first spellings are (what has been noted on the way does not count).
    public static func == (a: Spellings, b: Spellings) -> Bool { a.first == b.first }
}
