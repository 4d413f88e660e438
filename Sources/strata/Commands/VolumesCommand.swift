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
        discussion:
            "A shipment spanning several periods is split across them by days, month by month in whole grams (the parts add up to the whole); an open end (2020/..) reaches the end of its start (2020); totals are never added into the sums. Without filters, a valid-time window or --published-by the answer is read from stored monthly cells (fast at any --as-of); otherwise it is computed from the claims. The table's columns: COMMODITY PERIOD ROUTE (KP→CN) LOW t BEST t HIGH t SHIPMENTS (6 (5 no qty): six shipments, five of them without a quantity); ? is an unknown period or country, - no quantity, open an unbounded high. Below the sums it lists each reported total once with the periods it spans (a narrow terminal leaves out their LOW t and HIGH t); JSON gives the totals in each period's reported_totals. JSON: {\"view\", \"rows\"} (schemas/volumes.schema.json). --kind shipment keeps only the sums, --kind total only the reported totals. A shipment with an open end (2020-04/..) possibly overlaps every later window, so shipments --from 2020-06 lists it, but its tonnes fall in the periods up to the end of its start, so volumes --from 2020-06 has none of them. A window shows the whole periods it touches, of the shipments it admits only: with --by quarter, a June window's 2020-Q2 row holds April and May tonnes of shipments that reach June, not a shipment of April alone.\n\n"
            + ViewOptions.discussion
    )

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions
    @Option(help: "Period: month, quarter or year.") var by: Granularity = .month

    func run() throws {
        try reporting {
            let volumes = try options.volumes(journal, by: by)
            let point = volumes.view
            options.print(point: point, rows: volumes.rows, payload: \.payload, columns: Volumes.Row.columns) {
                let route = { (r: Volumes.Row) in "\(r.fromCountry ?? "?")→\(r.toCountry ?? "?")" }
                let rows = volumes.rows.filter { $0.shipments > 0 }.map { r in
                    var cells = [r.commodity ?? "?", r.period ?? "?", route(r)]
                    cells.reserveCapacity(7)
                    // A row of shipments that all lack a quantity has no tonnes, not 0 t.
                    cells +=
                        r.unquantified == r.shipments
                        ? Format.tonnes(nil) : Format.tonnes(low: r.low, best: r.best, high: r.high)
                    cells.append(
                        r.unquantified > 0 ? "\(r.shipments) (\(r.unquantified) no qty)" : String(r.shipments))
                    return cells
                }
                var text = Format.table(
                    ["COMMODITY", "PERIOD", "ROUTE", "LOW t", "BEST t", "HIGH t", "SHIPMENTS"], rows,
                    rightAligned: [3, 4, 5],
                    fit: Format.Fit(cuttable: [0: .end, 2: .end]))
                // Reported totals under the sums, each once with the periods it spans.
                // Rows come in commodity, period, route order, so a total's rows are in period order.
                var totals: [(claim: String, commodity: String?, row: Volumes.Row, tonnes: Tonnes?, last: String?)] = []
                var listed: [String: Int] = [:]
                for r in volumes.rows {
                    for t in r.reportedTotals {
                        if let i = listed[t.claim.description] {
                            totals[i].last = r.period
                        } else {
                            listed[t.claim.description] = totals.count
                            totals.append((t.claim.description, t.commodity, r, t.tonnes, r.period))
                        }
                    }
                }
                if !totals.isEmpty {
                    let lines = totals.map { t in
                        [
                            t.claim, t.commodity ?? "?", route(t.row),
                            t.row.period == t.last ? t.last ?? "?" : "\(t.row.period ?? "?")–\(t.last ?? "?")",
                        ] + Format.tonnes(t.tonnes)
                    }
                    text +=
                        "\n\nreported totals, beside the sums and never added to them:\n"
                        + Format.table(
                            ["TOTAL", "COMMODITY", "ROUTE", "PERIODS", "LOW t", "BEST t", "HIGH t"], lines,
                            rightAligned: [4, 5, 6],
                            fit: Format.Fit(cuttable: [1: .end, 2: .end], optional: [6, 4], heading: 0))
                }
                return text + "\n" + point.caption
            }
        }
    }
}
