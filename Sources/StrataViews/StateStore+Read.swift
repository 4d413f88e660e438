import Foundation
import LMDB
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Reading the stored state: a view's state, stored volumes, the names claims wrote.
extension StateStore {
    /// The state a view (without `--published-by`) stands at, from the stored rows after
    /// catching them up to the log's head.
    ///
    /// With `claimsFiltered`, for a view whose ``View/readsIndexedClaims``, the state holds
    /// only the claims that can pass its commodity and place filters (found through
    /// ``ClaimIndex``), with no reports or links: enough for the timeline, at a cost that
    /// follows the rows it shows rather than every claim in the journal. `progress` is
    /// told how the catch-up goes (see ``catchUp(progress:)``).
    public func state(
        for view: View, claimsFiltered: Bool = false, progress: (_ folded: Int, _ of: Int) -> Void = { _, _ in }
    ) throws -> (JournalState, ViewPoint) {
        precondition(view.publishedBy == nil, "published-by views are folds")
        return try caughtUp(view, progress: progress) { position in
            try state(at: position, ifCovered: true, filter: claimsFiltered ? view : nil)
                .map { ($0, JournalState.point(view, position)) }
        }
    }

    /// What `read` gives at `view`'s position after catching the rows up. Events may be
    /// committed (an import into rows that are behind does not project) between catching
    /// up and reading: `read` returns `nil` when the rows do not reach the position, and the
    /// store catches up again, a few times before giving up with ``ReadModelBusy``.
    private func caughtUp<T>(
        _ view: View, progress: (_ folded: Int, _ of: Int) -> Void, _ read: (Position) throws -> T?
    ) throws -> T {
        for _ in 0..<5 {
            try catchUp(progress: progress)
            if let answer = try read(try JournalState.position(of: view, in: log)) { return answer }
        }
        throw ReadModelBusy()
    }

    /// The journal's state at `position` from the stored rows (the store must be caught up
    /// to at least `position`); with `filter`, only its claims, as in ``state(for:claimsFiltered:)``.
    public func state(at position: Position, filter: View? = nil) throws -> JournalState {
        guard let state = try state(at: position, ifCovered: false, filter: filter) else {
            preconditionFailure("unreachable: not checking coverage")
        }
        return state
    }

    /// The state at `position`, or `nil` when `ifCovered` and the active rows' checkpoint
    /// (read in the same transaction) is before `position`.
    func state(at position: Position, ifCovered: Bool, filter: View?) throws -> JournalState? {
        try log.environment.read { tx -> JournalState? in
            let tables = try active(tx)
            if ifCovered {
                guard let at = try checkpoint(tx, tables), at.version == StateStore.version, at.position >= position
                else {
                    return nil
                }
            }
            var state = JournalState()
            state.position = position
            try tables.sources.scan(tx, at: position) { _, v in
                let (registration, grade) = try StateCodec.source(v)
                state.sources[registration.source] = registration
                if let grade { state.grades[registration.source] = grade }
            }
            state.aliases = try tables.aliases(tx, at: position)
            // Names first written after `position` are in the table too, but no claim of the
            // state names them: each name's first spelling comes before any claim naming it.
            state.spellings = try tables.claimIndex.spellings(tx)
            if let filter, filter.readsIndexedClaims {
                try loadIndexedClaims(tx, tables, &state, filter)
                return state
            }
            // Room for every claim asserted by then (at most the table's size or the
            // position, known without reading it): growing the dictionary claim by claim
            // moved each claim many times. Bounded, as a hint: damage can make the
            // table's count any number.
            let asserted = try tx.stat(tables.claims.asserted.database).entries
            state.claims.reserveCapacity(min(asserted, Int(clamping: position.rawValue), 1 << 22))
            try tables.claims.scan(tx, at: position) { _, v in
                let c = try StateCodec.claim(v)
                state.claims[c.id] = c
            }
            try tables.reports.scan(tx, at: position) { _, v in
                let r = try StateCodec.report(v)
                state.reports[r.report] = r
            }
            try tables.links.scan(tx, at: position) { k, _ in
                if let link = StateCodec.link(k) { state.links.insert(link) }
            }
            return state
        }
    }

    /// The volumes read model for a view without filters, valid-time window or
    /// `--published-by`, from the stored monthly cells at its position (a few rows per
    /// commodity × route × month, whatever the number of claims) and the `total` claims
    /// found through the index; `nil` for other views, which are computed from the state.
    /// `progress` as for ``state(for:claimsFiltered:progress:)``.
    public func volumes(
        for view: View, by granularity: Granularity, progress: (_ folded: Int, _ of: Int) -> Void = { _, _ in }
    ) throws -> Volumes? {
        guard StateStore.storesVolumes(for: view) else { return nil }
        return try caughtUp(view, progress: progress) { try volumes(at: $0, view: view, by: granularity) }
    }

    /// Whether the stored cells answer `view`: no filter, valid-time window or `--published-by`.
    public static func storesVolumes(for view: View) -> Bool {
        view.publishedBy == nil && view.from == nil && view.to == nil && view.commodity == nil && view.place == nil
            && view.country == nil && view.vessel == nil && view.source == nil && view.kind == nil
    }

    /// The stored volumes at `position`, or `nil` when the rows do not reach it yet.
    private func volumes(at position: Position, view: View, by granularity: Granularity) throws -> Volumes? {
        try log.environment.read { tx -> Volumes? in
            let tables = try active(tx)
            guard let at = try checkpoint(tx, tables), at.version == StateStore.version, at.position >= position else {
                return nil
            }
            let monthly = try tables.volumes.cells(tx, at: position)
            var names = JournalState()
            names.position = position
            names.aliases = try tables.aliases(tx, at: position)
            names.spellings = try tables.claimIndex.spellings(tx)
            var totals: [JournalState.Claim] = []
            for key in try tables.claimIndex.claims(tx, .kind, ClaimKind.total.rawValue, at: position) {
                if let v = try tables.claims.latest(tx, entity: key.key, at: position), !v.isEmpty {
                    let c = try StateCodec.claim(v)
                    if !c.retracted && c.fields.kind == .total { totals.append(c) }
                }
            }
            return Volumes(
                monthly: monthly, totals: totals, view: view, point: JournalState.point(view, position),
                resolver: Resolver(state: names), by: granularity)
        }
    }

    /// Every commodity and every place name the journal's claims have named (as first
    /// written, whatever their claims' state now), after catching the rows up: what a
    /// filter can match beside the taxonomy, the gazetteer and the aliases.
    public func namesInClaims() throws -> (commodities: [String], places: [String]) {
        try catchUp()
        return try log.environment.read { tx in
            let index = try active(tx).claimIndex
            return (
                try index.writtenNames(tx, .commodity).map(\.written), try index.writtenNames(tx, .place).map(\.written)
            )
        }
    }

    /// The stored volume cells at `position` (for checking them against a fold).
    func volumeCells(at position: Position) throws -> [VolumeKey: VolumeCell] {
        try log.environment.read { tx in try active(tx).volumes.cells(tx, at: position) }
    }

    /// The live claims now that write the place `name` with a country other than `country`
    /// (`{place, country}`), each with the country it writes, in record order: what making
    /// `name` an alias of a place the gazetteer has in `country` leaves at odds, since a
    /// written country stands (``Resolver/resolve(_:)``). Read through the claim index.
    public func claims(writingPlace name: String, inCountryOtherThan country: String) throws -> [(
        claim: ClaimID, country: String
    )] {
        var view = View()
        view.place = name
        let (state, _) = try self.state(for: view, claimsFiltered: true)
        let key = NameKey(name)
        let country = country.uppercased()
        // The state holds only the claims the index files under the name: few.
        return state.liveClaims { _ in true }.compactMap { c in
            let odd = (c.fields.from + c.fields.to).lazy.compactMap { l -> String? in
                guard let place = l.place, let written = l.country?.uppercased(), NameKey(place) == key,
                    written != country
                else { return nil }
                return written
            }.first
            return odd.map { (c.id, $0) }
        }
    }

    /// Loads the claims the index finds for `filter`'s commodity and place (each keeps its outlet,
    /// so their reports are not read).
    private func loadIndexedClaims(
        _ tx: Transaction, _ tables: StateTables, _ state: inout JournalState, _ filter: View
    ) throws {
        let position = state.position
        let resolver = Resolver(state: state)  // sources and aliases: all resolution needs
        let keys = try tables.claimIndex.claims(
            tx, at: position,
            commodity: filter.commodity.map { wanted in { resolver.commodity($0, isA: wanted) } },
            place: filter.place.map { wanted in
                { resolver.mentions(place: wanted, in: [Location(place: $0, country: nil)]) }
            })
        state.claims.reserveCapacity(keys.count)
        for key in keys {
            if let v = try tables.claims.latest(tx, entity: key.key, at: position), !v.isEmpty {
                let c = try StateCodec.claim(v)
                state.claims[c.id] = c
            }
        }
    }
}
