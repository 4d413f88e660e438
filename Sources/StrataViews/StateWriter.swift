import LMDB
import StrataDomain
import StrataLog

/// Applies events to the stored state inside one write transaction: loads the entities an
/// event touches, folds the event with ``JournalState/apply(_:publishedBy:)`` (the same
/// code a fresh fold runs), and writes each changed entity's new version at the event's
/// position.
struct StateWriter {
    let store: StateTables
    let tx: WriteTransaction
    private var scratch = JournalState()
    private var loadedClaims: Set<ClaimID> = []
    private var loadedSources: Set<SourceID> = []
    private var loadedLinks: Set<JournalState.Link> = []
    /// Name keys of the commodity and place names met, for the claim index.
    private var nameKeys: [String: NameKey] = [:]

    init(store: StateTables, tx: WriteTransaction) {
        self.store = store
        self.tx = tx
    }

    private static let latest = Position(UInt64.max)

    private mutating func loadClaim(_ id: ClaimID) throws {
        guard loadedClaims.insert(id).inserted else { return }
        if let v = try store.claims.latest(tx, entity: StateCodec.key(id), at: StateWriter.latest), !v.isEmpty {
            scratch.claims[id] = try StateCodec.claim(v)
        }
    }

    private mutating func loadSource(_ id: SourceID) throws {
        guard loadedSources.insert(id).inserted else { return }
        if let v = try store.sources.latest(tx, entity: Array(id.rawValue.utf8), at: StateWriter.latest), !v.isEmpty {
            let (registration, grade) = try StateCodec.source(v)
            scratch.sources[id] = registration
            scratch.grades[id] = grade
        }
    }

    private mutating func loadLinks(_ a: ClaimID, _ b: ClaimID, _ relation: Relation) throws {
        for link in [JournalState.Link(claim: a, other: b, relation: relation), JournalState.Link(claim: b, other: a, relation: relation)]
        where loadedLinks.insert(link).inserted {
            if let v = try store.links.latest(tx, entity: StateCodec.key(link), at: StateWriter.latest), !v.isEmpty {
                scratch.links.insert(link)
            }
        }
    }

    mutating func apply(_ e: Envelope) throws {
        switch e.type.family {
        case ReportFiled.eventType.family:
            let r = try ReportFiled(payload: e.payload, type: e.type)
            try store.reports.put(tx, entity: Array(r.report.rawValue.utf8), at: e.position, value: r.payload.encode())
            try scratch.apply(e, publishedBy: nil)
        case SourceRegistered.eventType.family, SourceRated.eventType.family:
            let id = SourceID(e.payload["source"]?.stringValue ?? "")
            guard let id else { return }
            try loadSource(id)
            try scratch.apply(e, publishedBy: nil)
            if let registration = scratch.sources[id] {
                try store.sources.put(
                    tx, entity: Array(id.rawValue.utf8), at: e.position,
                    value: StateCodec.source(registration, scratch.grades[id]))
            }
        case ClaimAsserted.eventType.family, ClaimCorrected.eventType.family, ClaimRetracted.eventType.family:
            guard let id = e.payload["claim"]?.stringValue.flatMap(ClaimID.init) else { return }
            try loadClaim(id)
            let before = scratch.claims[id]?.fields
            try scratch.apply(e, publishedBy: nil)
            if let claim = scratch.claims[id] {
                try store.claims.put(tx, entity: StateCodec.key(id), at: e.position, value: StateCodec.claim(claim))
                if claim.fields != before {
                    try store.claimIndex.update(
                        tx, claim: id, before: before, after: claim.fields, at: e.position, keys: &nameKeys)
                }
            }
        case ClaimsLinked.eventType.family, ClaimsUnlinked.eventType.family:
            let (a, b, relation, _, _) = try ClaimsLinked.fields(e)
            try loadLinks(a, b, relation)
            let before = scratch.links
            try scratch.apply(e, publishedBy: nil)
            for added in scratch.links.subtracting(before) {
                try store.links.put(tx, entity: StateCodec.key(added), at: e.position, value: [1])
            }
            for removed in before.subtracting(scratch.links) {
                try store.links.put(tx, entity: StateCodec.key(removed), at: e.position, value: [])
            }
        case EntityAliased.eventType.family, EntityUnaliased.eventType.family:
            try scratch.apply(e, publishedBy: nil)
            guard let kindText = e.payload["kind"]?.stringValue, let kind = EntityKind(rawValue: kindText),
                let name = e.payload["name"]?.stringValue
            else { return }
            let key = NameKey(name)
            let canonical = scratch.aliases[kind]?[key]
            try store.aliases.put(
                tx, entity: StateCodec.key(kind, key), at: e.position, value: canonical.map { Array($0.utf8) } ?? [])
        default:
            return
        }
    }
}

extension ClaimsLinked {
    /// The two claims and relation of a linked or unlinked event.
    static func fields(_ e: Envelope) throws -> (ClaimID, ClaimID, Relation, String?, ReportID?) {
        if e.type.family == ClaimsUnlinked.eventType.family {
            let u = try ClaimsUnlinked(payload: e.payload, type: e.type)
            return (u.claim, u.other, u.relation, u.reason, u.report)
        }
        let l = try ClaimsLinked(payload: e.payload, type: e.type)
        return (l.claim, l.other, l.relation, l.reason, l.report)
    }
}
