import LMDB
import StrataDomain
import StrataLog

/// Which claims name which commodity and place, so a filtered view reads only the claims
/// that can pass its filters instead of every claim known at its position; and, for the
/// volumes writer, which claims a source made, which are of a kind (see ``Kind``), and
/// which are linked `same-shipment` (table `adjacency`, rows `claim id ‖ 0x1F ‖ claim id`
/// versioned like the links, both ways round, so a shipment's claims are found from any
/// of them).
///
/// Rows are versioned set members (``VersionedMembers``): under the name `kind ‖ name
/// key`, the claim key — the position of the claim's assertion (8 bytes, big-endian, as
/// the claims table keys it) — is present from the position a claim first names the name
/// and absent from the one where a correction stops it naming it. Claims are asserted in
/// position order, so a name's members are added after its last, which fills the pages.
/// Names are indexed as written (by ``NameKey``), not
/// resolved: aliases come and go, so a view resolves the distinct names (table `names`) at
/// its own position and reads the rows of every name that passes its filter. Resolution
/// depends only on a name's key, so the claims found are a superset of those the filter
/// admits; the view's filter then runs on them as on any claim.
struct ClaimIndex {
    enum Kind: UInt8 {
        case commodity = 0x63  // "c"
        case place = 0x70  // "p"
        /// A commodity and a place named by the same claim: a view filtered by both reads
        /// the claims it shows, not all of the commodity's and all of the place's.
        case pair = 0x62  // "b"
        /// The claims of a source: re-grading it changes their shipments' best tonnes.
        case source = 0x73  // "s"
        /// The `total` claims, listed beside volumes (the only kind looked up).
        case kind = 0x6B  // "k"
    }

    let rows: VersionedMembers
    let names: Database
    /// `same-shipment` neighbours, keyed by claim id (see ``setAdjacent(_:_:_:_:at:)``).
    let adjacency: VersionedTable

    private static let separator: UInt8 = 0x1F
    private static let pairSeparator: UInt8 = 0x1E

    /// One name (or commodity-and-place pair) a claim is indexed under: the rows' key
    /// prefix, and the name as written for the table of names.
    struct Entry: Hashable {
        let name: [UInt8]
        let written: String?

        static func == (a: Entry, b: Entry) -> Bool { a.name == b.name }
        func hash(into h: inout Hasher) { h.combine(name) }
    }

    private static func name(_ kind: Kind, _ key: NameKey) -> [UInt8] { [kind.rawValue] + Array(key.rawValue.utf8) }

    private static func pair(_ commodity: [UInt8], _ place: [UInt8]) -> [UInt8] {
        [Kind.pair.rawValue] + commodity.dropFirst() + [pairSeparator] + place.dropFirst()
    }

    /// The names a claim's fields are indexed under, each once. `names` remembers the name
    /// made of each string met (the same few names come back claim after claim, and name
    /// keys are costly to fold).
    static func names(of fields: ClaimFields?, names: inout NameCache) -> [Entry] {
        guard let fields else { return [] }
        var out = [Entry(name: names.source(fields.source), written: nil)]
        out.reserveCapacity(8)
        func add(_ e: Entry) { if !out.contains(e) { out.append(e) } }
        if fields.kind == .total {
            add(Entry(name: [Kind.kind.rawValue] + Array(fields.kind.rawValue.utf8), written: nil))
        }
        var commodity: [UInt8]? = nil
        if let c = fields.commodity, let name = names.name(.commodity, c) {
            commodity = name
            add(Entry(name: name, written: c))
        }
        for l in fields.from + fields.to {
            guard let p = l.place, let place = names.name(.place, p) else { continue }
            add(Entry(name: place, written: p))
            if let commodity { add(Entry(name: pair(commodity, place), written: nil)) }
        }
        return out
    }

    /// The index names of the strings a writer meets, made once each.
    struct NameCache {
        private var made: [Kind: [String: [UInt8]]] = [:]
        private var sources: [SourceID: [UInt8]] = [:]

        /// The name `written` is indexed under as a commodity or place; `nil` when its key
        /// is empty (nothing to index).
        mutating func name(_ kind: Kind, _ written: String) -> [UInt8]? {
            if let known = made[kind]?[written] { return known.isEmpty ? nil : known }
            let key = NameKey(written)
            let name = key.isEmpty ? [] : ClaimIndex.name(kind, key)
            made[kind, default: [:]][written] = name
            return name.isEmpty ? nil : name
        }

        mutating func source(_ id: SourceID) -> [UInt8] {
            if let known = sources[id] { return known }
            let name = [Kind.source.rawValue] + Array(id.rawValue.utf8)
            sources[id] = name
            return name
        }
    }

    private static func adjacency(_ a: ClaimID, _ b: ClaimID) -> [UInt8] {
        Array(a.description.utf8) + [separator] + Array(b.description.utf8)
    }

    /// Records whether `a` and `b` are linked `same-shipment` from `position` on.
    func setAdjacent(_ tx: WriteTransaction, _ a: ClaimID, _ b: ClaimID, _ linked: Bool, at position: Position) throws {
        try adjacency.put(tx, entity: ClaimIndex.adjacency(a, b), at: position, value: linked ? [1] : [])
        try adjacency.put(tx, entity: ClaimIndex.adjacency(b, a), at: position, value: linked ? [1] : [])
    }

    /// The keys of the claims indexed under `kind` and `name` (a source id or a kind) at
    /// `position`.
    func claims(_ tx: Transaction, _ kind: Kind, _ name: String, at position: Position) throws -> [Position] {
        var out: [Position] = []
        try scan(tx, [kind.rawValue] + Array(name.utf8), at: position) { out.append($0) }
        return out
    }

    /// The keys of the claims naming a commodity or place whose key is that of `name`, at `position`.
    func claims(_ tx: Transaction, named name: String, _ kind: Kind, at position: Position) throws -> [Position] {
        try claims(tx, kind, NameKey(name).rawValue, at: position)
    }

    /// The claims linked `same-shipment` to `claim` at `position`.
    func neighbours(_ tx: Transaction, of claim: ClaimID, at position: Position) throws -> [ClaimID] {
        let prefix = Array(claim.description.utf8) + [ClaimIndex.separator]
        var out: [ClaimID] = []
        try adjacency.scan(tx, prefix: prefix, at: position) { entity, _ in
            if let id = ClaimID(String(decoding: entity[prefix.count...], as: UTF8.self)) { out.append(id) }
        }
        return out
    }

    /// Calls `body` with the key of each claim present under `name` at `position`.
    private func scan(_ tx: Transaction, _ name: [UInt8], at position: Position, _ body: (Position) -> Void) throws {
        try rows.members(tx, name: name, at: position, body)
    }

    /// What a writer keeps from one update to the next within a transaction.
    struct Memo {
        /// The name made of each string met (the same few come back claim after claim).
        var names = NameCache()
        /// Names known to be in the table of names.
        var named: Set<[UInt8]> = []
    }

    /// Moves the rows of the claim asserted at `claim` from the names of `before` to those
    /// of `after` at `position`.
    func update(
        _ tx: WriteTransaction, claim: Position, before: ClaimFields?, after: ClaimFields?, at position: Position,
        memo: inout Memo
    ) throws {
        let old = ClaimIndex.names(of: before, names: &memo.names)
        let new = ClaimIndex.names(of: after, names: &memo.names)
        for e in new where !old.contains(e) {
            try rows.set(tx, name: e.name, member: claim, present: true, at: position)
            if let written = e.written, memo.named.insert(e.name).inserted {
                _ = try tx.put(names, key: e.name, value: Array(written.utf8), flags: .noOverwrite)
            }
        }
        for e in old where !new.contains(e) {
            try rows.set(tx, name: e.name, member: claim, present: false, at: position)
        }
    }

    /// Every name of `kind` (commodity or place) that a claim has named, as first written,
    /// with its key in the table of names.
    /// How `written`'s name was first written in a claim (the table of names), or `nil`
    /// when no claim has written it.
    func firstWritten(_ tx: Transaction, _ kind: Kind, _ written: String) throws -> String? {
        let key = NameKey(written)
        guard !key.isEmpty else { return nil }
        return try tx.value(names, key: ClaimIndex.name(kind, key)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first spellings of every commodity and place name in the table of names.
    func spellings(_ tx: Transaction) throws -> Spellings {
        var s = Spellings()
        for (kind, indexed) in [(EntityKind.commodity, Kind.commodity), (.place, .place)] {
            for name in try writtenNames(tx, indexed) { s.note(kind, name.written) }
        }
        return s
    }

    func writtenNames(_ tx: Transaction, _ kind: Kind) throws -> [(key: [UInt8], written: String)] {
        var out: [(key: [UInt8], written: String)] = []
        try tx.withCursor(names) { c in
            try c.scan(from: [kind.rawValue]) { key, value in
                guard key.first == kind.rawValue else { return false }
                out.append((Array(key), String(decoding: value, as: UTF8.self)))
                return true
            }
        }
        return out
    }

    /// The keys of the claims indexed at `position` under a commodity that `commodity`
    /// accepts and a place that `place` accepts (each given the name as first written);
    /// `nil` accepts any, and at least one must be given.
    func claims(
        _ tx: Transaction, at position: Position, commodity: ((String) -> Bool)?, place: ((String) -> Bool)?
    ) throws -> Set<Position> {
        func matching(_ kind: Kind, _ accepts: (String) -> Bool) throws -> [[UInt8]] {
            try writtenNames(tx, kind).filter { accepts($0.written) }.map(\.key)
        }
        let prefixes: [[UInt8]]
        switch (commodity, place) {
        case let (c?, p?):
            let places = try matching(.place, p)
            prefixes = try matching(.commodity, c).flatMap { c in places.map { ClaimIndex.pair(c, $0) } }
        case let (c?, nil): prefixes = try matching(.commodity, c)
        case let (nil, p?): prefixes = try matching(.place, p)
        case (nil, nil): preconditionFailure("the index answers commodity or place filters")
        }
        var out: Set<Position> = []
        for name in prefixes { try scan(tx, name, at: position) { out.insert($0) } }
        return out
    }
}
