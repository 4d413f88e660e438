import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

extension Granularity: ExpressibleByArgument {}

/// `strata volumes`.
struct VolumesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volumes",
        abstract: "Tonnes per commodity, route and period (low / best / high), with reported totals beside them.",
        discussion: "A shipment spanning several periods is split across them by days, month by month in whole grams (the parts add up to the whole); totals are never added into the sums. Without filters, a valid-time window or --published-by the answer is read from stored monthly cells (fast at any --as-of); otherwise it is computed from the claims. The table lists the sums, then each reported total once with the periods it spans; JSON gives the totals in each period's reported_totals. JSON: {\"view\", \"rows\"} (schemas/volumes.schema.json).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions
    @Option(help: "Period: month, quarter or year.") var by: Granularity = .month

    func run() throws {
        try reporting {
            let volumes = try options.volumes(journal, by: by)
            let point = volumes.view
            options.print(point: point, rows: volumes.rows.map(\.payload), columns: Volumes.Row.columns) {
                let route = { (r: Volumes.Row) in "\(r.fromCountry ?? "?")→\(r.toCountry ?? "?")" }
                let rows = volumes.rows.filter { $0.shipments > 0 }.map { r in
                    [
                        r.commodity ?? "?", r.period ?? "?", route(r),
                        Format.tonnes(r.low), Format.tonnes(r.best), r.high.map(Format.tonnes) ?? "open",
                        "\(r.shipments)\(r.unquantified > 0 ? " (\(r.unquantified) no qty)" : "")",
                    ]
                }
                var text = Format.table(
                    ["COMMODITY", "PERIOD", "ROUTE", "LOW t", "BEST t", "HIGH t", "SHIPMENTS"], rows, rightAligned: [3, 4, 5],
                    fit: Format.Fit(cuttable: [0: .end, 2: .end]))
                // Reported totals under the sums, each once with the periods it spans.
                // Rows come in commodity, period, route order, so a total's rows are in period order.
                var totals: [(claim: String, row: Volumes.Row, tonnes: Tonnes?, last: String?)] = []
                var listed: [String: Int] = [:]
                for r in volumes.rows {
                    for t in r.reportedTotals {
                        if let i = listed[t.claim.description] {
                            totals[i].last = r.period
                        } else {
                            listed[t.claim.description] = totals.count
                            totals.append((t.claim.description, r, t.tonnes, r.period))
                        }
                    }
                }
                if !totals.isEmpty {
                    let lines = totals.map { t in
                        [
                            t.claim, t.row.commodity ?? "?", route(t.row),
                            t.row.period == t.last ? t.last ?? "?" : "\(t.row.period ?? "?")–\(t.last ?? "?")",
                            Format.tonnes(t.tonnes?.best),
                        ]
                    }
                    text += "\n\nreported totals, beside the sums and never added to them:\n"
                        + Format.table(["TOTAL", "COMMODITY", "ROUTE", "PERIODS", "BEST t"], lines, rightAligned: [4],
                            fit: Format.Fit(cuttable: [1: .end, 2: .end], heading: 0))
                }
                return text + "\n" + point.caption
            }
        }
    }
}

/// `strata shipments`.
struct ShipmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shipments",
        abstract: "Shipments: claims joined by same-shipment links, with reconciled tonnes, places, confidence and status.",
        discussion: "Supporting claims are the shipment's own and the live claims linked corroborates to one of them (they add sources, not tonnes). Status: disputed (a contradicts link to a live claim), corroborated (two or more supporting sources), else single-source. The table's columns: SHIPMENT COMMODITY LOW t BEST t HIGH t FROM TO VESSEL WHEN CONF STATUS CLAIMS (how many) SOURCES; a narrow terminal leaves out CLAIMS, SOURCES, VESSEL, LOW t and HIGH t, in that order, and then prints each shipment's id whole on a line of its own above the rest of its row (ids are never cut: `strata claim` takes them). Confidence maps the source's reliability and the claim's credibility to 0–1 (A .9, B .75, C .55, D .35, E .15, F .5; 1 .95, 2 .8, 3 .6, 4 .4, 5 .2, 6 .5; multiplied); independent sources combine as 1 − Π(1 − c). JSON: {\"view\", \"rows\"} (schemas/shipments.schema.json).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions

    func run() throws {
        try reporting {
            let (state, point, resolver, view) = try options.state(journal)
            let shipments = Shipments(state: state, view: view, point: point, resolver: resolver)
            ExitReclaim.keep(shipments)
            options.print(point: point, rows: shipments.rows.map(\.payload), columns: Shipments.Row.columns) {
                func places(_ names: [String], _ countries: [String]) -> String {
                    let all = names + countries
                    return all.isEmpty ? "?" : all.joined(separator: ", ")
                }
                let rows = shipments.rows.map { s in
                    [
                        s.id.description, s.commodity ?? "?", Format.tonnes(s.tonnes?.low), Format.tonnes(s.tonnes?.best),
                        s.tonnes.map { $0.high.map(Format.tonnes) ?? "no limit" } ?? "-",
                        places(s.fromPlaces, s.fromCountries), places(s.toPlaces, s.toCountries), s.vessel?.name ?? "",
                        s.when.edtf ?? "?", Format.hundredths(s.confidence), s.status, Format.thousands(s.claims.count),
                        s.sources.map(\.rawValue).joined(separator: ", "),
                    ]
                }
                // On a narrow terminal the claim count, sources, vessel, low and high give
                // way, in that order, then the id takes a line of its own (JSON and CSV
                // keep every field).
                return Format.table(
                    [
                        "SHIPMENT", "COMMODITY", "LOW t", "BEST t", "HIGH t", "FROM", "TO", "VESSEL", "WHEN", "CONF", "STATUS",
                        "CLAIMS", "SOURCES",
                    ], rows, rightAligned: [2, 3, 4, 9, 11],
                    fit: Format.Fit(
                        cuttable: [1: .end, 5: .end, 6: .end, 7: .end, 8: .end, 12: .end], optional: [11, 12, 7, 2, 4],
                        readable: [1: 10, 5: 12, 6: 12, 8: 21], heading: 0))
                    + "\n" + point.caption
            }
        }
    }

}

/// `strata timeline`.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Every live claim in valid-time order, with its source, outlet and grade.",
        discussion: "Ordered by earliest start, then latest end, then record order (an open start first, an open end after a closed one, no known time last). The grade is the source's reliability at the view and the claim's credibility (C3). The table's columns: WHEN GRADE CLAIM SOURCE OUTLET RECORDED (UTC, to the minute) SUMMARY; a narrow terminal leaves out OUTLET, RECORDED and SOURCE, in that order, and then prints each claim id whole on a line of its own above the rest of its row (ids are never cut: `strata claim` and `strata correct` take them). With --commodity and/or --place only the claims the claim index lists under matching names are read, so a narrow timeline is fast however large the journal. JSON: {\"view\", \"rows\"} (schemas/timeline.schema.json).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions

    func run() throws {
        try reporting {
            // The timeline reads only the claims its commodity and place filters can admit.
            let (state, point, resolver, view) = try options.state(journal, claimsFiltered: true)
            let timeline = Timeline(state: state, view: view, point: point, resolver: resolver)
            ExitReclaim.keep(timeline)
            options.print(point: point, rows: timeline.rows.map(\.payload), columns: Timeline.Row.columns) {
                let rows = timeline.rows.map { r in
                    [
                        r.when.edtf ?? "?", r.grade, r.claim.description, r.source.rawValue, r.outlet ?? "",
                        String(r.recordedAt.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " "), r.summary,
                    ]
                }
                // On a narrow terminal the outlet, record time and source give way, in that
                // order, then the claim id takes a line of its own (JSON and CSV keep every
                // field).
                return Format.table(
                    ["WHEN", "GRADE", "CLAIM", "SOURCE", "OUTLET", "RECORDED", "SUMMARY"], rows,
                    fit: Format.Fit(
                        cuttable: [0: .end, 3: .end, 4: .end, 6: .end], optional: [4, 5, 3],
                        readable: [0: 21, 3: 10, 6: 24], heading: 2))
                    + "\n" + point.caption
            }
        }
    }
}

extension ViewPoint {
    /// `view: position 57, as of …`, under a table.
    var caption: String {
        var parts = ["position \(position)"]
        if let asOf { parts.append("as of \(asOf.iso8601)") }
        if let publishedBy { parts.append("published by \(publishedBy.iso8601)") }
        if from != nil || to != nil {
            parts.append("\(certainly ? "certainly within" : "overlapping") \(from?.description ?? "..")/\(to?.description ?? "..")")
        }
        return "view: " + parts.joined(separator: ", ")
    }
}
