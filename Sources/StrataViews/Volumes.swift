import StrataDomain
import StrataLog

/// Tonnes per commodity × route (origin country → destination country) × period, as
/// low / best / high sums over shipments, with the number of shipments and of shipments
/// with no quantity. A shipment whose valid time spans several periods is split across
/// them in proportion to the days in each (from its earliest possible start to its latest
/// possible end; an open end reaches the end of its start, so `2020/..` is split over 2020
/// as `2020` is). With `--commodity`, children roll up
/// into the named commodity. Reported `total` claims are listed beside the sums of the
/// periods they overlap, never added into them.
public struct Volumes: Sendable {
    /// The sums of one commodity × route × period, with the reported totals beside them
    /// (`schemas/volumes.schema.json`).
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
        /// The `total` claims whose valid time overlaps the row's period, each with its own
        /// commodity (under `--commodity coal`, an anthracite total is in the coal rows).
        public var reportedTotals: [(claim: ClaimID, commodity: String?, tonnes: Tonnes?)] = []

        public static func == (a: Row, b: Row) -> Bool { a.payload == b.payload }

        /// The payload's fields as CSV columns (see ``Shipments/Row/columns``); the reported
        /// totals are one column of JSON objects.
        public static let columns = [
            "commodity", "period", "from_country", "to_country", "tonnes.low", "tonnes.best", "tonnes.high",
            "shipments",
            "unquantified", "reported_totals",
        ]

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

    public let view: ViewPoint
    public let rows: [Row]

    /// Whether a period overlaps the view's valid-time window: a shipment is split over
    /// its whole span, and only the shares in periods the window touches are shown.
    static func inWindow(_ first: Day, _ last: Day, _ view: View) -> Bool {
        if let from = view.from, last < from { return false }
        if let to = view.to, first > to { return false }
        return true
    }

    /// The volumes of the shipments in `state` (a fold or the stored claims).
    public init(state: JournalState, view: View, point: ViewPoint, resolver: Resolver, by granularity: Granularity) {
        let rolled = view.commodity.map { resolver.commodity($0) ?? $0 }
        // The sums are of shipments: none under `--kind` of another kind (`total` keeps
        // only the reported totals).
        let shipments = Shipments(state: state, view: view, point: point, resolver: resolver)
        let monthly = Volumes.monthlyCells(shipments.rows, commodity: rolled)
        let totals = state.claims.values.filter { $0.fields.kind == .total && !$0.retracted }
        self.init(monthly: monthly, totals: totals, view: view, point: point, resolver: resolver, by: granularity)
    }

    /// The volumes from cells already summed per month (the stored read model's, or those
    /// of the shipments of a state) and the `total` claims known at the view.
    init(
        monthly: [VolumeKey: VolumeCell], totals: some Sequence<JournalState.Claim>, view: View, point: ViewPoint,
        resolver: Resolver, by granularity: Granularity
    ) {
        self.view = point
        var (keys, table) = Volumes.sums(Volumes.periodCells(monthly, view: view, by: granularity), by: granularity)
        Volumes.addTotals(totals, to: &keys, &table, view: view, resolver: resolver, by: granularity)
        // In the stored keys' order: as UTF-8 bytes, fields joined by a byte below any character.
        let encoded = keys.map(\.encoded)
        rows = encoded.indices.sorted { VolumeKey.precedes(encoded[$0], encoded[$1]) }.map { table[$0] }
    }

    /// The cells per period (the period's label in `VolumeKey.period`): the monthly cells
    /// themselves by month without a window, else summed over the periods the window touches.
    private static func periodCells(
        _ monthly: [VolumeKey: VolumeCell], view: View, by granularity: Granularity
    ) -> [VolumeKey: VolumeCell] {
        if granularity == .month && view.from == nil && view.to == nil { return monthly }
        var cells: [VolumeKey: VolumeCell] = [:]
        cells.reserveCapacity(monthly.count)
        // The same few dozen months come back for every commodity and route.
        var periods: [String: String?] = [:]
        for (m, cell) in monthly {
            var period = ""
            if !m.period.isEmpty {
                let known: String?
                if let cached = periods[m.period] {
                    known = cached
                } else {
                    let p = granularity.period(ofMonth: m.period)
                    known = p.flatMap { Volumes.inWindow($0.first, $0.last, view) ? $0.label : nil }
                    periods[m.period] = .some(known)
                }
                guard let label = known else { continue }
                period = label
            }
            cells[VolumeKey(commodity: m.commodity, period: period, from: m.from, to: m.to), default: VolumeCell()] +=
                cell
        }
        return cells
    }

    /// A row with no sums yet, for a period's key.
    private static func emptyRow(_ k: VolumeKey) -> Row {
        Row(
            commodity: k.commodity.isEmpty ? nil : k.commodity, period: k.period.isEmpty ? nil : k.period,
            fromCountry: k.from.isEmpty ? nil : k.from, toCountry: k.to.isEmpty ? nil : k.to)
    }

    /// The rows of the cells that count shipments, and their keys, in the same order.
    private static func sums(_ cells: [VolumeKey: VolumeCell], by granularity: Granularity) -> ([VolumeKey], [Row]) {
        var keys: [VolumeKey] = []
        var table: [Row] = []
        keys.reserveCapacity(cells.count)
        table.reserveCapacity(cells.count)
        for (k, cell) in cells where cell.shipments(granularity) > 0 {
            var r = emptyRow(k)
            r.low = VolumeCell.tonnes(cell.low)
            r.best = VolumeCell.tonnes(cell.best)
            r.high = cell.unbounded > 0 ? nil : VolumeCell.tonnes(cell.high)
            r.shipments = Int(cell.shipments(granularity))
            r.unquantified = Int(cell.unquantified(granularity))
            keys.append(k)
            table.append(r)
        }
        return (keys, table)
    }

    /// Lists each `total` claim the view admits beside the sums of every period it overlaps,
    /// adding a row for a period with a total and no shipment.
    private static func addTotals(
        _ totals: some Sequence<JournalState.Claim>, to keys: inout [VolumeKey], _ table: inout [Row], view: View,
        resolver: Resolver, by granularity: Granularity
    ) {
        let rolled = view.commodity.map { resolver.commodity($0) ?? $0 }
        var totalView = view
        totalView.kind = view.kind != nil && view.kind != .total ? .shipment : .total
        let filter = ViewFilter(view: totalView, resolver: resolver)
        let admitted = totals.filter(filter.admits).sorted { $0.position < $1.position }
        guard !admitted.isEmpty else { return }
        var rowOf = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        for c in admitted {
            let f = c.fields
            let commodity = rolled ?? resolver.commodity(f.commodity)
            let from = f.from.lazy.compactMap { resolver.resolve($0).country }.first
            let to = f.to.lazy.compactMap { resolver.resolve($0).country }.first
            var labels: [String] = [""]
            if let start = f.when.earliestStart {
                labels = granularity.split(start, f.when.lastKnownDay ?? start)
                    .filter { Volumes.inWindow($0.first, $0.last, view) }.map { $0.label }
            }
            for label in labels {
                let k = VolumeKey(commodity: commodity ?? "", period: label, from: from ?? "", to: to ?? "")
                let i: Int
                if let known = rowOf[k] {
                    i = known
                } else {
                    i = keys.count
                    keys.append(k)
                    table.append(emptyRow(k))
                    rowOf[k] = i
                }
                table[i].reportedTotals.append((c.id, resolver.commodity(f.commodity), f.quantity?.tonnes))
            }
        }
    }

    /// The monthly cells of `shipments`, each under its own commodity or `commodity`.
    static func monthlyCells(_ shipments: [Shipments.Row], commodity: String?) -> [VolumeKey: VolumeCell] {
        var monthly: [VolumeKey: VolumeCell] = [:]
        for s in shipments {
            for (key, cell) in cells(of: s, commodity: commodity ?? s.commodity) {
                monthly[key, default: VolumeCell()] += cell
            }
        }
        return monthly
    }

    /// The monthly cells of every shipment in `state`: what the stored volumes hold.
    static func monthlyCells(state: JournalState, resolver: Resolver) -> [VolumeKey: VolumeCell] {
        let shipments = Shipments(
            state: state, view: View(), point: JournalState.point(View(), state.position), resolver: resolver)
        return monthlyCells(shipments.rows, commodity: nil).filter { !$0.value.isZero }
    }

    /// One shipment's cells: its tonnes split over the months its valid time spans in
    /// proportion to the days in each (from its earliest possible start to its latest
    /// possible end; an open end reaches the end of its start), the parts adding up to the whole to
    /// the gram; a shipment with no known time is one cell with no month.
    static func cells(of s: Shipments.Row, commodity: String?) -> [(VolumeKey, VolumeCell)] {
        cells(
            commodity: commodity, tonnes: s.tonnes, from: s.fromCountries.first, to: s.toCountries.first,
            earliest: s.earliest, through: s.lastKnownDay)
    }

    /// The same for a shipment's extent (what the stored volumes are kept from).
    static func cells(of s: Shipments.Extent) -> [(VolumeKey, VolumeCell)] {
        cells(
            commodity: s.commodity, tonnes: s.tonnes, from: s.from.countries.first, to: s.to.countries.first,
            earliest: s.earliest, through: s.lastKnownDay)
    }

    private static func cells(
        commodity: String?, tonnes: Tonnes?, from: String?, to: String?, earliest: Day?, through: Day?
    ) -> [(VolumeKey, VolumeCell)] {
        let months: [(label: String, first: Day?, days: Int64)]
        if let start = earliest {
            months = Granularity.month.split(start, through ?? start).map { ($0.label, $0.first, $0.days) }
        } else {
            months = [("", nil, 1)]
        }
        let days = months.map(\.days)
        let low = tonnes.map { VolumeCell.apportion(VolumeCell.grams($0.low), days) }
        let best = tonnes.map { VolumeCell.apportion(VolumeCell.grams($0.best), days) }
        let high = tonnes?.high.map { VolumeCell.apportion(VolumeCell.grams($0), days) }
        var out: [(VolumeKey, VolumeCell)] = []
        for (i, m) in months.enumerated() {
            var cell = VolumeCell()
            if tonnes != nil { cell.add(low: low?[i] ?? 0, best: best?[i] ?? 0, high: high?[i]) }
            // Counted once per period of each granularity, in its first month there: the
            // months are consecutive, so that is the shipment's first month or one that
            // opens a quarter (or a year).
            let month = m.first?.components.month ?? 1
            cell.count(.month, unquantified: tonnes == nil)
            if i == 0 || (month - 1) % 3 == 0 { cell.count(.quarter, unquantified: tonnes == nil) }
            if i == 0 || month == 1 { cell.count(.year, unquantified: tonnes == nil) }
            let key = VolumeKey(commodity: commodity ?? "", period: m.label, from: from ?? "", to: to ?? "")
            out.append((key, cell))
        }
        return out
    }
}
