import LMDB
import StrataDomain
import StrataLog

/// Applies events to the stored state inside one write transaction: loads the entities an
/// event touches, folds the event with ``JournalState/apply(_:publishedBy:)`` (the same
/// code a fresh fold runs), and writes each changed entity's new version at the event's
/// position.
///
/// It also keeps the volumes read model: for an event that can change shipments (a
/// claim's assertion, correction or retraction, a `same-shipment` link or unlink, a
/// source's grade, a commodity or place alias) it finds the claims reachable through
/// `same-shipment` links from the claims it touches, computes those shipments' monthly
/// cells (``Volumes/cells(of:)``) before and after, and adds the difference to
/// the stored cells, exactly, in grams.
struct StateWriter {
    let store: StateTables
    let tx: WriteTransaction
    private var scratch = JournalState()
    private var loadedClaims: Set<ClaimID> = []
    /// Where the claims met in this transaction were asserted (see ``claimPosition(_:)``).
    private var positions: [ClaimID: Position] = [:]
    private var loadedSources: Set<SourceID> = []
    private var loadedLinks: Set<JournalState.Link> = []
    /// Name keys and names stored, for the claim index.
    private var indexMemo = ClaimIndex.Memo()
    /// The `same-shipment` neighbours of claims read in this transaction (links change them).
    private var neighbours: [ClaimID: [ClaimID]] = [:]
    /// Volume changes logged since the last snapshot, once read; stored by ``finish()``.
    private var volumeChanges: Int? = nil
    /// Every alias in force is in `scratch` (loaded on first need, for resolving names).
    private var aliasesLoaded = false
    /// Resolves names with the aliases in force and the first spellings read; dropped when
    /// either changes.
    private var resolver: Resolver? = nil
    /// The first spellings of the commodities met (volume cells are keyed by them), read
    /// from the table of names on first need; and the commodity strings looked up.
    private var spellings = Spellings()
    private var spelled: Set<String> = []
    /// Volume cells read or written in this transaction, as they now stand.
    private var cells: [VolumeKey: VolumeCell] = [:]

    /// `events`: about how many events the writer will apply (room is made for as many
    /// claims, so a batch's claims do not move as the dictionary grows).
    init(store: StateTables, tx: WriteTransaction, events: Int = 0) {
        self.store = store
        self.tx = tx
        scratch.claims.reserveCapacity(events)
        // The resolver takes the writer's spellings (``spellings``), not the scratch state's.
        scratch.notesSpellings = false
    }

    private static let latest = Position(UInt64.max)

    /// Where `id` was asserted (its key in the claims table and the index), or `nil` when
    /// it never was.
    private mutating func claimPosition(_ id: ClaimID) throws -> Position? {
        if let p = positions[id] { return p }
        let stored = try tx.value(store.claimPositions, key: Array(id.description.utf8))
        guard let stored else { return nil }
        let p = try stored.withUnsafeBytes { raw in
            guard let p = Position(key: raw) else {
                throw LogError.corrupted(position: nil, reason: "malformed claim position of \(id)")
            }
            return p
        }
        positions[id] = p
        return p
    }

    private mutating func loadClaim(_ id: ClaimID) throws {
        guard loadedClaims.insert(id).inserted, let p = try claimPosition(id) else { return }
        if let v = try store.claims.latest(tx, entity: p.key, at: StateWriter.latest), !v.isEmpty {
            scratch.claims[id] = try StateCodec.claim(v)
        }
    }

    /// Loads the claims the index keys (positions of assertions) name; returns their ids.
    private mutating func loadClaims(at keys: [Position]) throws -> [ClaimID] {
        var out: [ClaimID] = []
        for p in keys {
            guard let v = try store.claims.latest(tx, entity: p.key, at: StateWriter.latest), !v.isEmpty else {
                continue
            }
            let c = try StateCodec.claim(v)
            // A claim changed earlier in this transaction is already loaded, as it now is.
            if loadedClaims.insert(c.id).inserted { scratch.claims[c.id] = c }
            positions[c.id] = p
            out.append(c.id)
        }
        return out
    }

    /// The report a claim is asserted in, for the outlet the claim keeps.
    private mutating func loadReport(_ id: ReportID) throws {
        guard scratch.reports[id] == nil else { return }
        if let v = try store.reports.latest(tx, entity: Array(id.rawValue.utf8), at: StateWriter.latest), !v.isEmpty {
            scratch.reports[id] = try StateCodec.report(v)
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
        for link in [
            JournalState.Link(claim: a, other: b, relation: relation),
            JournalState.Link(claim: b, other: a, relation: relation),
        ]
        where loadedLinks.insert(link).inserted {
            if let v = try store.links.latest(tx, entity: StateCodec.key(link), at: StateWriter.latest), !v.isEmpty {
                scratch.links.insert(link)
            }
        }
    }

    mutating func apply(_ e: Envelope) throws { try apply(StateEvent(e)) }

    mutating func apply(_ e: StateEvent) throws {
        let touched = try volumeClaims(touchedBy: e)
        guard !touched.isEmpty else { return try applyToEntities(e) }
        // The claims whose shipments the event can change, found before it: a link or
        // unlink changes only the edge between two claims that are both in it already, so
        // the same set holds every claim linked to them after it too.
        let reach = try linkedClaims(touched)
        let before = try volumeCells(reach)
        try applyToEntities(e)
        let after = try volumeCells(reach)
        try addCells(after, minus: before, at: e.position)
    }

    private mutating func applyToEntities(_ e: StateEvent) throws {
        switch e.change {
        case .reportFiled(let r):
            try store.reports.put(tx, entity: Array(r.report.rawValue.utf8), at: e.position, value: r.payload.encode())
            try scratch.apply(e, publishedBy: nil)
        case .sourceRegistered, .sourceRated:
            guard let id = e.source else { return }
            try loadSource(id)
            try scratch.apply(e, publishedBy: nil)
            if let registration = scratch.sources[id] {
                try store.sources.put(
                    tx, entity: Array(id.rawValue.utf8), at: e.position,
                    value: StateCodec.source(registration, scratch.grades[id]))
            }
        case .claimAsserted, .claimCorrected, .claimRetracted:
            guard let id = e.claim else { return }
            try loadClaim(id)
            if case .claimAsserted = e.change { try loadReport(id.report) }
            let previous = scratch.claims[id]
            try scratch.apply(e, publishedBy: nil)
            guard let claim = scratch.claims[id] else { return }
            var before = previous?.fields
            if previous?.position != claim.position {
                // A new assertion: its position becomes the claim's key. An id asserted
                // again (an imported log can hold that) leaves its old key's rows.
                if let previous {
                    try store.claims.put(tx, entity: previous.position.key, at: e.position, value: [])
                    try store.claimIndex.update(
                        tx, claim: previous.position, before: previous.fields, after: nil, at: e.position,
                        memo: &indexMemo)
                    before = nil
                }
                try tx.put(store.claimPositions, key: Array(id.description.utf8), value: claim.position.key)
                positions[id] = claim.position
            }
            try store.claims.put(tx, entity: claim.position.key, at: e.position, value: StateCodec.claim(claim))
            if claim.fields != before {
                try store.claimIndex.update(
                    tx, claim: claim.position, before: before, after: claim.fields, at: e.position, memo: &indexMemo)
            }
        case .linked, .unlinked:
            guard let (a, b, relation) = e.link else { return }
            try loadLinks(a, b, relation)
            // A link or unlink changes at most these two links: compare them, not every
            // link loaded (diffing the whole set made a report of 20,000 links quadratic).
            let candidates = [
                JournalState.Link(claim: a, other: b, relation: relation),
                JournalState.Link(claim: b, other: a, relation: relation),
            ]
            let before = candidates.map { scratch.links.contains($0) }
            try scratch.apply(e, publishedBy: nil)
            let after = candidates.map { scratch.links.contains($0) }
            if relation == .sameShipment, before.contains(true) != after.contains(true) {
                try store.claimIndex.setAdjacent(tx, a, b, after.contains(true), at: e.position)
                neighbours[a] = nil
                neighbours[b] = nil
            }
            for (link, (was, now)) in zip(candidates, zip(before, after)) where was != now {
                try store.links.put(tx, entity: StateCodec.key(link), at: e.position, value: now ? [1] : [])
            }
        case .aliased, .unaliased:
            try scratch.apply(e, publishedBy: nil)
            guard let (kind, name) = e.alias else { return }
            let key = NameKey(name)
            let canonical = scratch.aliases[kind]?[key]
            try store.aliases.put(
                tx, entity: StateCodec.key(kind, key), at: e.position, value: canonical.map { Array($0.utf8) } ?? [])
            resolver = nil
        case nil:
            return
        }
    }
}

// MARK: volumes

extension StateWriter {
    /// The claims whose shipments `e` can change (before it is applied).
    private mutating func volumeClaims(touchedBy e: StateEvent) throws -> Set<ClaimID> {
        let index = store.claimIndex
        switch e.change {
        case .claimAsserted, .claimCorrected, .claimRetracted:
            return e.claim.map { [$0] } ?? []
        case .linked, .unlinked:
            guard let (a, b, relation) = e.link else { return [] }
            return relation == .sameShipment ? [a, b] : []
        case .sourceRegistered, .sourceRated:
            guard let source = e.source else { return [] }
            return Set(try loadClaims(at: try index.claims(tx, .source, source.rawValue, at: StateWriter.latest)))
        case .aliased, .unaliased:
            // The claims naming the aliased name as a place or commodity.
            let kind: ClaimIndex.Kind
            switch e.alias?.kind {
            case .place: kind = .place
            case .commodity: kind = .commodity
            default: return []
            }
            guard let name = e.alias?.name else { return [] }
            return Set(try loadClaims(at: try index.claims(tx, named: name, kind, at: StateWriter.latest)))
        case .reportFiled, nil:
            return []
        }
    }

    /// The claims linked `same-shipment` to `claim` now.
    private mutating func neighbours(of claim: ClaimID) throws -> [ClaimID] {
        if let known = neighbours[claim] { return known }
        let found = try store.claimIndex.neighbours(tx, of: claim, at: StateWriter.latest)
        neighbours[claim] = found
        return found
    }

    /// `claims` and every claim linked to them `same-shipment`, directly or through others.
    private mutating func linkedClaims(_ claims: Set<ClaimID>) throws -> Set<ClaimID> {
        var seen = claims
        var queue = Array(claims)
        while let x = queue.popLast() {
            for y in try neighbours(of: x) where seen.insert(y).inserted { queue.append(y) }
        }
        return seen
    }

    private mutating func currentResolver() throws -> Resolver {
        if !aliasesLoaded {
            scratch.aliases = try store.aliases(tx, at: StateWriter.latest)
            aliasesLoaded = true
            resolver = nil
        }
        if let resolver { return resolver }
        // Resolution reads only the aliases: keep the claims out of the resolver's copy.
        var names = JournalState()
        names.aliases = scratch.aliases
        names.spellings = spellings
        let made = Resolver(state: names)
        resolver = made
        return made
    }

    /// The monthly cells of the shipments made of the live shipment claims among `reach`
    /// (which holds every claim linked to any of them), as ``Shipments`` groups them.
    private mutating func volumeCells(_ reach: Set<ClaimID>) throws -> [VolumeKey: VolumeCell] {
        var live: [JournalState.Claim] = []
        for id in reach {
            try loadClaim(id)
            if let c = scratch.claims[id], !c.retracted, c.fields.kind == .shipment { live.append(c) }
        }
        guard !live.isEmpty else { return [:] }
        for c in live {
            // The claim index has written each claim's names by now (a new one, before the
            // cells after its event are worked out).
            guard let written = c.fields.commodity, !spelled.contains(written),
                let first = try store.claimIndex.firstWritten(tx, .commodity, written)
            else { continue }
            spelled.insert(written)
            if spellings.note(.commodity, first) { resolver = nil }
        }
        let resolver = try currentResolver()
        live.sort { $0.position < $1.position }
        var pairs: [(ClaimID, ClaimID)] = []
        for c in live {
            try loadSource(c.fields.source)
            for other in try neighbours(of: c.id) {
                pairs.append((c.id, other))
            }
        }
        var out: [VolumeKey: VolumeCell] = [:]
        // Cells need only each shipment's extent: tonnes, commodity, route and time.
        for cluster in Shipments.group(live, linked: pairs) {
            for (k, cell) in Volumes.cells(of: Shipments.extent(cluster, scratch, resolver)) {
                out[k, default: VolumeCell()] += cell
            }
        }
        return out
    }

    /// Adds `after − before` to the stored cells, writing a version of each cell that changes.
    private mutating func addCells(
        _ after: [VolumeKey: VolumeCell], minus before: [VolumeKey: VolumeCell], at position: Position
    ) throws {
        var changes: [(VolumeKey, VolumeCell, VolumeCell)] = []
        for key in after.keys + before.keys.filter({ after[$0] == nil }) {
            let delta = after[key, default: VolumeCell()] - before[key, default: VolumeCell()]
            guard !delta.isZero else { continue }
            let current = try cells[key] ?? store.volumes.cell(tx, key)
            let updated = current + delta
            cells[key] = updated
            changes.append((key, updated, delta))
        }
        var logged = try volumeChanges ?? store.volumes.changesSinceSnapshot(tx)
        try store.volumes.record(tx, at: position, changes, since: &logged)
        volumeChanges = logged
    }

    /// Stores what the writer keeps in memory across events; call it before the
    /// transaction commits.
    mutating func finish() throws {
        if let volumeChanges { try store.volumes.setChangesSinceSnapshot(tx, volumeChanges) }
    }
}
