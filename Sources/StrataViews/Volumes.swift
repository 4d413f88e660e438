import StrataDomain
import StrataLog

/// Tonnes per commodity × route (origin country → destination country) × period, as
/// low / best / high sums over shipments, with the number of shipments and of shipments
/// with no quantity. A shipment whose valid time spans several periods is split across
/// them in proportion to the days in each (from its earliest possible start to its latest
/// possible end; an open end counts as its start). With `--commodity`, children roll up
/// into the named commodity. Reported `total` claims are listed beside the sums of the
/// periods they overlap, never added into them.
public struct Volumes: Sendable {
    public struct Row: Sendable, Equatable {
        public let commodity: String?
        public let period: String?
        public let fromCountry: String?
        public let toCountry: String?
        public var low = 0.0
        public var best = 0.0
        /// `nil` when a shipment's high is unbounded.
        public var high: Double? = 0
        public var shipments = 0
        public var unquantified = 0
        public var reportedTotals: [(claim: ClaimID, tonnes: Tonnes?)] = []

        public static func == (a: Row, b: Row) -> Bool { a.payload == b.payload }

        public var payload: Payload {
            let totals = Payload.array(
                reportedTotals.map { t in
                    .object(["claim": .string(t.claim.description), "tonnes": t.tonnes?.payload ?? .null])
                })
            return .object([
                "commodity": .text(commodity), "period": .text(period), "from_country": .text(fromCountry),
                "to_country": .text(toCountry), "tonnes": Tonnes(low: low, best: best, high: high).payload,
                "shipments": .int(Int64(shipments)), "unquantified": .int(Int64(unquantified)),
                "reported_totals": totals,
            ])
        }
    }

    private struct Key: Hashable, Comparable {
        let commodity: String
        let period: String
        let from: String
        let to: String
        static func < (a: Key, b: Key) -> Bool {
            (a.commodity, a.period, a.from, a.to) < (b.commodity, b.period, b.from, b.to)
        }
    }

    public let view: ViewPoint
    public let rows: [Row]

    /// Whether a period overlaps the view's valid-time window: a shipment is split over
    /// its whole span, and only the shares in periods the window touches are shown.
    static func inWindow(_ first: Day, _ last: Day, _ view: View) -> Bool {
        if let from = view.from, last < from { return false }
        if let to = view.to, first > to { return false }
        return true
    }

    public init(state: JournalState, view: View, point: ViewPoint, resolver: Resolver, by granularity: Granularity) {
        self.view = point
        var table: [Key: Row] = [:]
        func key(_ commodity: String?, _ period: String?, _ from: String?, _ to: String?) -> Key {
            Key(commodity: commodity ?? "", period: period ?? "", from: from ?? "", to: to ?? "")
        }
        func rowFor(_ k: Key) -> Row {
            table[k] ?? Row(
                commodity: k.commodity.isEmpty ? nil : k.commodity, period: k.period.isEmpty ? nil : k.period,
                fromCountry: k.from.isEmpty ? nil : k.from, toCountry: k.to.isEmpty ? nil : k.to)
        }
        let rolled = view.commodity.map { resolver.commodity($0) ?? $0 }
        var shipmentView = view
        shipmentView.kind = nil
        let shipments = Shipments(state: state, view: shipmentView, point: point, resolver: resolver)
        for s in shipments.rows {
            let commodity = rolled ?? s.commodity
            let periods: [(label: String?, share: Double)]
            if let start = s.earliest {
                periods = granularity.split(start, s.latest ?? start)
                    .filter { Volumes.inWindow($0.first, $0.last, view) }.map { ($0.label, $0.share) }
            } else {
                periods = [(nil, 1)]
            }
            for p in periods {
                let k = key(commodity, p.label, s.fromCountries.first, s.toCountries.first)
                var row = rowFor(k)
                row.shipments += 1
                if let t = s.tonnes {
                    row.low += t.low * p.share
                    row.best += t.best * p.share
                    row.high = row.high.flatMap { h in t.high.map { h + $0 * p.share } }
                } else {
                    row.unquantified += 1
                }
                table[k] = row
            }
        }
        // Totals: beside the sums of every period they overlap.
        var totalView = view
        if view.kind != nil && view.kind != .total { totalView.kind = .shipment } else { totalView.kind = .total }
        let filter = ViewFilter(view: totalView, resolver: resolver)
        // Totals only: no need to sort every claim.
        let totals = state.claims.values.filter { $0.fields.kind == .total && !$0.retracted }.sorted { $0.position < $1.position }
        for c in totals where filter.admits(c) {
            let f = c.fields
            let commodity = rolled ?? resolver.commodity(f.commodity)
            let from = f.from.lazy.compactMap { resolver.resolve($0).country }.first
            let to = f.to.lazy.compactMap { resolver.resolve($0).country }.first
            var labels: [String?] = [nil]
            if let start = f.when.earliestStart {
                labels = granularity.split(start, f.when.latestEnd ?? start)
                    .filter { Volumes.inWindow($0.first, $0.last, view) }.map { $0.label }
            }
            for label in labels {
                let k = key(commodity, label, from, to)
                var row = rowFor(k)
                row.reportedTotals.append((c.id, f.quantity?.tonnes))
                table[k] = row
            }
        }
        rows = table.keys.sorted().compactMap { table[$0] }
    }
}
