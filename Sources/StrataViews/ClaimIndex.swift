import LMDB
import StrataDomain
import StrataLog

/// Which claims name which commodity and place, so a filtered view reads only the claims
/// that can pass its filters instead of every claim known at its position.
///
/// Rows are versioned (``VersionedTable``) under `kind ‖ name key ‖ 0x1F ‖ claim id`, present
/// (`[1]`) from the position a claim first names the name and absent (`[]`) from the one
/// where a correction stops it naming it. Names are indexed as written (by ``NameKey``), not
/// resolved: aliases come and go, so a view resolves the distinct names (table `names`) at
/// its own position and reads the rows of every name that passes its filter. Resolution
/// depends only on a name's key, so the claims found are a superset of those the filter
/// admits; the view's filter then runs on them as on any claim.
struct ClaimIndex {
    enum Kind: UInt8 {
        case commodity = 0x63  // "c"
        case place = 0x70  // "p"
    }

    let rows: VersionedTable
    let names: Database

    private static let separator: UInt8 = 0x1F

    private static func nameKey(_ kind: Kind, _ name: NameKey) -> [UInt8] { [kind.rawValue] + Array(name.rawValue.utf8) }

    /// The names a claim's fields are indexed under. `keys` remembers the key of each name
    /// (the same few names come back claim after claim, and keys are costly to fold).
    static func names(of fields: ClaimFields?, keys: inout [String: NameKey]) -> Set<Entry> {
        guard let fields else { return [] }
        var out: Set<Entry> = []
        func add(_ kind: Kind, _ written: String) {
            let key: NameKey
            if let known = keys[written] {
                key = known
            } else {
                key = NameKey(written)
                keys[written] = key
            }
            if !key.isEmpty { out.insert(Entry(kind: kind, key: key, written: written)) }
        }
        if let c = fields.commodity { add(.commodity, c) }
        for l in fields.from + fields.to {
            if let p = l.place { add(.place, p) }
        }
        return out
    }

    /// One name a claim is indexed under: equal when their keys are.
    struct Entry: Hashable {
        let kind: Kind
        let key: NameKey
        let written: String

        static func == (a: Entry, b: Entry) -> Bool { a.kind == b.kind && a.key == b.key }
        func hash(into h: inout Hasher) {
            h.combine(kind)
            h.combine(key)
        }
    }

    /// The row keys the index must hold at a position where the journal has `claims`.
    static func expectedRows(_ claims: some Sequence<JournalState.Claim>) -> Set<[UInt8]> {
        var out: Set<[UInt8]> = []
        var keys: [String: NameKey] = [:]
        for c in claims {
            let id = Array(c.id.description.utf8)
            for e in names(of: c.fields, keys: &keys) { out.insert(nameKey(e.kind, e.key) + [separator] + id) }
        }
        return out
    }

    /// The row keys present at `position`.
    func presentRows(_ tx: Transaction, at position: Position) throws -> Set<[UInt8]> {
        var out: Set<[UInt8]> = []
        try rows.scan(tx, at: position) { entity, _ in out.insert(entity) }
        return out
    }

    /// Moves the claim's rows from the names of `before` to those of `after` at `position`.
    func update(
        _ tx: WriteTransaction, claim: ClaimID, before: ClaimFields?, after: ClaimFields?, at position: Position,
        keys: inout [String: NameKey]
    ) throws {
        let old = ClaimIndex.names(of: before, keys: &keys)
        let new = ClaimIndex.names(of: after, keys: &keys)
        let id = Array(claim.description.utf8)
        for e in new.subtracting(old) {
            let name = ClaimIndex.nameKey(e.kind, e.key)
            try rows.put(tx, entity: name + [ClaimIndex.separator] + id, at: position, value: [1])
            _ = try tx.put(names, key: name, value: Array(e.written.utf8), flags: .noOverwrite)
        }
        for e in old.subtracting(new) {
            try rows.put(tx, entity: ClaimIndex.nameKey(e.kind, e.key) + [ClaimIndex.separator] + id, at: position, value: [])
        }
    }

    /// The claims indexed at `position` under every name of `kind` that `matches` (given the
    /// name as first written).
    func claims(
        _ tx: Transaction, _ kind: Kind, at position: Position, where matches: (String) -> Bool
    ) throws -> Set<ClaimID> {
        var wanted: [[UInt8]] = []
        try tx.withCursor(names) { c in
            try c.scan(from: [kind.rawValue]) { key, value in
                guard key.first == kind.rawValue else { return false }
                if matches(String(decoding: value, as: UTF8.self)) { wanted.append(Array(key)) }
                return true
            }
        }
        var out: Set<ClaimID> = []
        for name in wanted {
            let prefix = name + [ClaimIndex.separator]
            try rows.scan(tx, prefix: prefix, at: position) { entity, _ in
                if let id = ClaimID(String(decoding: entity[prefix.count...], as: UTF8.self)) { out.insert(id) }
            }
        }
        return out
    }
}
