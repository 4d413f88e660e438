import StrataDomain
import StrataLog

/// Shipments: each live shipment claim starts one; claims linked `same-shipment`
/// (directly or through others) are one shipment. Best tonnes come from the most
/// confident claim with a quantity (ties: the one whose current version — assertion or
/// latest correction — was recorded most recently), low from the
/// smallest low and high from the largest high (`nil` when any claim leaves it open);
/// commodity, vessel and the valid time as written likewise from the most confident claim
/// that gives one. Its valid time spans its claims with a known time.
/// Its supporting claims are its own and the live claims linked `corroborates` to one of
/// them (an observation of the ship loading, a figure from another source); these add
/// their sources, not their quantities, places or times.
/// Status: `disputed` when a `contradicts` link touches it, else `corroborated` when two
/// or more independent sources support it (``voices(_:_:)``), else
/// `single-source`.
public struct Shipments: Sendable {
    /// One shipment as `strata shipments` prints it (`schemas/shipments.schema.json`).
    public struct Row: Sendable, Equatable {
        public let id: ClaimID
        public let commodity: String?
        public let tonnes: Tonnes?
        public let fromPlaces: [String]
        public let fromCountries: [String]
        public let toPlaces: [String]
        public let toCountries: [String]
        public let vessel: Vessel?
        public let when: ValidTime
        public let earliest: Day?
        public let latest: Day?
        /// The last day its claims are known to reach (``ValidTime/lastKnownDay``): `latest`,
        /// or with an open end the latest of the claims' latest starts and closed ends.
        public let lastKnownDay: Day?
        public let confidence: Double
        public let status: Status
        public let claims: [ClaimID]
        public let sources: [SourceID]

        /// The payload's fields as CSV columns (nested objects as dotted paths), whatever
        /// any row holds: a shipment with no vessel or tonnes leaves those columns empty.
        public static let columns = [
            "id", "commodity", "tonnes.low", "tonnes.best", "tonnes.high", "from.places", "from.countries", "to.places",
            "to.countries", "vessel.name", "vessel.imo", "vessel.flag", "when.edtf", "when.earliest", "when.latest",
            "confidence", "status", "claims", "sources",
        ]

        public var payload: Payload {
            let from: Payload = .object(["places": .texts(fromPlaces), "countries": .texts(fromCountries)])
            let to: Payload = .object(["places": .texts(toPlaces), "countries": .texts(toCountries)])
            var vesselPayload = Payload.null
            if let v = vessel {
                vesselPayload = .object(["name": .text(v.name), "imo": .text(v.imo), "flag": .text(v.flag)])
            }
            let whenPayload: Payload = .object([
                "edtf": .text(when.edtf), "earliest": .text(earliest?.description),
                "latest": .text(latest?.description),
            ])
            let fields: [Payload.Field] = [
                Payload.Field("id", .string(id.description)), Payload.Field("commodity", .text(commodity)),
                Payload.Field("tonnes", tonnes?.payload ?? .null), Payload.Field("from", from), Payload.Field("to", to),
                Payload.Field("vessel", vesselPayload), Payload.Field("when", whenPayload),
                Payload.Field("confidence", .double(confidence)), Payload.Field("status", .string(status.rawValue)),
                Payload.Field("claims", .texts(claims.map(\.description))),
                Payload.Field("sources", .texts(sources.map(\.rawValue))),
            ]
            return .object(fields)
        }
    }

    public let view: ViewPoint
    public let rows: [Row]

    public init(state: JournalState, view: View, point: ViewPoint, resolver: Resolver) {
        self.view = point
        let filter = ViewFilter(view: view, resolver: resolver)
        guard view.kind == nil || view.kind == .shipment else {
            rows = []
            return
        }
        let relations = Relations(state.links)
        let padded = view.padding > 0 && (view.from != nil || view.to != nil)
        rows = Shipments.clusters(state).lazy.compactMap { cluster in
            let row = Shipments.row(cluster, state, resolver, relations)
            return filter.admits(row, padded: padded ? Shipments.paddedBounds(cluster, view.padding) : nil) ? row : nil
        }
    }

    /// The valid time of a shipment's claims together, with qualified ends widened by
    /// `padding` days (as the row's `earliest` and `latest` are without).
    static func paddedBounds(_ cluster: [JournalState.Claim], _ padding: Int) -> ValidTime.Bounds {
        ValidTime.Bounds(spanning: cluster.map(\.fields.when), padding: padding)
    }

    /// The `corroborates` and `contradicts` links of a state, by claim, both ways.
    struct Relations {
        private(set) var corroborating: [ClaimID: [ClaimID]] = [:]
        private(set) var contradicting: [ClaimID: [ClaimID]] = [:]

        init(_ links: some Sequence<JournalState.Link>) {
            for l in links {
                switch l.relation {
                case .corroborates:
                    corroborating[l.claim, default: []].append(l.other)
                    corroborating[l.other, default: []].append(l.claim)
                case .contradicts:
                    contradicting[l.claim, default: []].append(l.other)
                    contradicting[l.other, default: []].append(l.claim)
                case .sameShipment, .partOf:
                    continue
                }
            }
        }
    }

    /// Live shipment claims grouped by `same-shipment` links, in record order.
    static func clusters(_ state: JournalState) -> [[JournalState.Claim]] {
        let live = state.liveClaims { $0.fields.kind == .shipment }
        return group(
            live, linked: state.links.lazy.filter { $0.relation == .sameShipment }.map { ($0.claim, $0.other) })
    }

    /// `live` (in record order) grouped by the `linked` pairs, directly or through others;
    /// groups in the order of their first claim, claims in record order. Pairs with a claim
    /// not in `live` join nothing.
    static func group(_ live: [JournalState.Claim], linked: some Sequence<(ClaimID, ClaimID)>) -> [[JournalState.Claim]]
    {
        if live.count < 2 { return live.map { [$0] } }  // the volumes writer's usual case
        // Union-find over positions in `live`, each group rooted at its first claim, so a
        // million singletons cost an index each rather than a dictionary entry of claims.
        var index: [ClaimID: Int] = [:]
        index.reserveCapacity(live.count)
        for (i, c) in live.enumerated() { index[c.id] = i }
        var parent = Array(live.indices)
        func root(_ x: Int) -> Int {
            var r = x
            while parent[r] != r {
                parent[r] = parent[parent[r]]
                r = parent[r]
            }
            return r
        }
        for (x, y) in linked {
            guard let i = index[x], let j = index[y] else { continue }
            let (a, b) = (root(i), root(j))
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var group = [Int](repeating: -1, count: live.count)  // by root: its group's number
        var groups: [[JournalState.Claim]] = []
        for i in live.indices {
            let r = root(i)
            if group[r] < 0 {
                group[r] = groups.count
                groups.append([])
            }
            groups[group[r]].append(live[i])
        }
        return groups
    }

    static func confidence(_ c: JournalState.Claim, _ state: JournalState) -> Double {
        Confidence.of(state.grades[c.fields.source], c.fields.credibility)
    }

    /// Whether a shipment is contested, backed by more than one source, or neither.
    public enum Status: String, Sendable {
        /// A `contradicts` link touches one of its claims (and the claim at its other end is live).
        case disputed
        /// Two or more independent sources support it.
        case corroborated
        case singleSource = "single-source"
    }

    /// What the volumes read model keeps of a shipment — commodity, tonnes, route and the
    /// span of its valid time — and its claims ranked, computed as ``row(_:_:_:_:)`` computes
    /// them (it is built on this), without the rest of a row.
    struct Extent {
        /// Most confident first; ties: most recently recorded first.
        let ranked: [JournalState.Claim]
        let commodity: String?
        let tonnes: Tonnes?
        let from: (places: [String], countries: [String])
        let to: (places: [String], countries: [String])
        let earliest: Day?
        let latest: Day?
        /// See ``Row/lastKnownDay``.
        let lastKnownDay: Day?
    }

    /// The claims ranked most confident first; of equals, the most recently recorded first
    /// (product.md), that is, asserted last: a correction changes a claim, not when it was
    /// recorded, so correcting one field of an older claim (its vessel, a note) does not
    /// hand it a shipment's other fields.
    static func extent(_ cluster: [JournalState.Claim], _ state: JournalState, _ resolver: Resolver) -> Extent {
        let ranked =
            cluster.count == 1
            ? cluster
            : cluster.sorted { x, y in
                let a = Shipments.confidence(x, state)
                let b = Shipments.confidence(y, state)
                return a != b ? a > b : x.position > y.position
            }
        let span = ValidTime.Bounds(spanning: cluster.map(\.fields.when))
        return Extent(
            ranked: ranked,
            // Each field from the most confident claim that gives it.
            commodity: resolver.commodity(ranked.lazy.compactMap(\.fields.commodity).first),
            tonnes: reconciledTonnes(ranked), from: places(cluster, { $0.from }, resolver),
            to: places(cluster, { $0.to }, resolver),
            earliest: span.earliestStart, latest: span.latestEnd,
            lastKnownDay: cluster.lazy.compactMap(\.fields.when.lastKnownDay).max())
    }

    static func row(
        _ cluster: [JournalState.Claim], _ state: JournalState, _ resolver: Resolver, _ relations: Relations
    ) -> Row {
        let x = extent(cluster, state, resolver)
        let best = x.ranked[0]
        let supporting = cluster + corroborating(cluster, relations, state)
        let sources = supporting.map(\.fields.source).reduce(into: [SourceID]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let voices = voices(supporting, state)
        let independent = voices.reduce(into: [SourceID]()) { if !$0.contains($1) { $0.append($1) } }
        return Row(
            id: cluster.min { $0.position < $1.position }?.id ?? best.id, commodity: x.commodity, tonnes: x.tonnes,
            fromPlaces: x.from.places, fromCountries: x.from.countries, toPlaces: x.to.places,
            toCountries: x.to.countries,
            vessel: x.ranked.lazy.compactMap(\.fields.vessel).first?.renamed(resolver.vessel),
            when: x.ranked.first { !$0.fields.when.isUnknown }?.fields.when ?? best.fields.when, earliest: x.earliest,
            latest: x.latest, lastKnownDay: x.lastKnownDay,
            confidence: Confidence.rounded(score(supporting: supporting, voices: voices, state)),
            status: disputed(cluster, relations, state)
                ? .disputed : independent.count > 1 ? .corroborated : .singleSource,
            claims: supporting.map(\.id), sources: sources)
    }

    /// Best tonnes from the first claim of `ranked` with a quantity, low the smallest low,
    /// high the largest high (`nil` when any claim leaves it open); `nil` without quantities.
    private static func reconciledTonnes(_ ranked: [JournalState.Claim]) -> Tonnes? {
        let quantified = ranked.compactMap { $0.fields.quantity?.tonnes }
        guard let top = quantified.first else { return nil }
        return Tonnes(
            low: quantified.map(\.low).min() ?? top.low, best: top.best,
            high: quantified.contains { $0.high == nil } ? nil : quantified.compactMap(\.high).max())
    }

    /// The distinct places and countries the claims name on one side, resolved, in order.
    private static func places(
        _ cluster: [JournalState.Claim], _ side: (ClaimFields) -> [Location], _ resolver: Resolver
    ) -> ([String], [String]) {
        var ps: [String] = []
        var cs: [String] = []
        for c in cluster {
            // A function, not a key path: projecting a key path costs a runtime lookup each time.
            for l in side(c.fields) {
                let r = resolver.resolve(l)
                if let p = r.place, !ps.contains(p) { ps.append(p) }
                if let k = r.country, !cs.contains(k) { cs.append(k) }
            }
        }
        return (ps, cs)
    }

    private static func live(_ id: ClaimID, _ state: JournalState) -> JournalState.Claim? {
        state.claims[id].flatMap { $0.retracted ? nil : $0 }
    }

    /// The live claims linked `corroborates` to the cluster's, outside it, in record order.
    private static func corroborating(
        _ cluster: [JournalState.Claim], _ relations: Relations, _ state: JournalState
    ) -> [JournalState.Claim] {
        var seen = Set(cluster.map(\.id))
        var out: [JournalState.Claim] = []
        for c in cluster {
            for other in relations.corroborating[c.id] ?? [] where seen.insert(other).inserted {
                if let claim = live(other, state) { out.append(claim) }
            }
        }
        return out.sorted { $0.position < $1.position }
    }

    /// Whether a `contradicts` link from the cluster reaches a live claim.
    private static func disputed(_ cluster: [JournalState.Claim], _ relations: Relations, _ state: JournalState) -> Bool
    {
        cluster.contains { c in (relations.contradicting[c.id] ?? []).contains { live($0, state) != nil } }
    }

    /// The source each of the `supporting` claims speaks for, in their order; the distinct
    /// ones are the shipment's independent sources. A claim speaks for its own source,
    /// except an outlet's own claim in a report that also supports the shipment through
    /// sources it cites: the outlet tells what they told it, so its claim speaks for the
    /// most confident of them there (the first of equals) and adds no source of its own.
    /// Sources it cites stay independent of each other, and so does its own voice in
    /// other reports. Two reports citing one source are one source.
    static func voices(_ supporting: [JournalState.Claim], _ state: JournalState) -> [SourceID] {
        var relayed: [ReportID: SourceID] = [:]
        for (report, claims) in Dictionary(grouping: supporting, by: \.id.report) {
            // The outlet's id as its report recorded it (the rule that makes ids from names
            // has changed over time; older journals keep the ids it made then).
            guard let outlet = claims.first?.outletSource, claims.contains(where: { $0.fields.source == outlet })
            else { continue }
            var best: (source: SourceID, confidence: Double)? = nil
            for c in claims where c.fields.source != outlet {
                let x = confidence(c, state)
                if best.map({ x > $0.confidence }) ?? true { best = (c.fields.source, x) }
            }
            if let best { relayed[report] = best.source }
        }
        return supporting.map { c in
            c.fields.source == c.outletSource ? relayed[c.id.report] ?? c.fields.source : c.fields.source
        }
    }

    /// 1 − Π(1 − cᵢ) over the independent sources (the distinct `voices` of the
    /// `supporting` claims), cᵢ the confidence of the most confident claim speaking for
    /// source i; with one source, that claim's. One rule for one source and for several: a
    /// claim of the same source that corroborates the shipment counts whether or not
    /// another source does (it once counted only beside another source, so retracting that
    /// source's claim took the shipment below its own source's best).
    private static func score(
        supporting: [JournalState.Claim], voices: [SourceID], _ state: JournalState
    ) -> Double {
        var order: [SourceID] = []
        var best: [SourceID: Double] = [:]
        for (c, voice) in zip(supporting, voices) {
            let x = confidence(c, state)
            if let known = best[voice] {
                best[voice] = max(known, x)
            } else {
                best[voice] = x
                order.append(voice)
            }
        }
        let each = order.map { best[$0] ?? 0 }
        return each.count == 1 ? each[0] : 1 - each.reduce(1) { $0 * (1 - $1) }
    }
}

extension Tonnes {
    /// `{"low", "best", "high"}`; `high` is null when unbounded.
    public var payload: Payload {
        .object(["low": .double(low), "best": .double(best), "high": high.map { .double($0) } ?? .null])
    }
}
