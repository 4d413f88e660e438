import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

/// `strata shipments`.
struct ShipmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shipments",
        abstract:
            "Shipments: claims joined by same-shipment links, with reconciled tonnes, places, confidence and status.",
        discussion:
            "Best tonnes, the commodity, the vessel and WHEN come from the most confident claim that gives each; low and high from the smallest low and largest high; the valid time used by --from/--to spans all claims with a known time. Supporting claims are the shipment's own and the live claims linked corroborates to one of them (they add sources, not tonnes). Status: disputed (a contradicts link to a live claim), corroborated (two or more independent supporting sources: an outlet's own claim in a report that cites sources for the same shipment counts for the most confident of them, not as a source of its own), else single-source. The table's columns: SHIPMENT COMMODITY LOW t BEST t HIGH t FROM TO VESSEL WHEN CONF STATUS CLAIMS (how many) SOURCES; a narrow terminal leaves out CLAIMS, SOURCES, VESSEL, LOW t and HIGH t, in that order, and then prints each shipment's id whole on a line of its own above the rest of its row (ids are never cut: `strata claim` takes them). Confidence maps the source's reliability and the claim's credibility to 0–1 (A .9, B .75, C .55, D .35, E .15, F .5; 1 .95, 2 .8, 3 .6, 4 .4, 5 .2, 6 .5; multiplied; an outlet's own claims count as F until the outlet is graded); a shipment's is 1 − Π(1 − c) over its independent sources, c being each one's most confident supporting claim (with one, that claim's). JSON: {\"view\", \"rows\"} (schemas/shipments.schema.json).\n\n"
            + ViewOptions.discussion
    )

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions

    func run() throws {
        try reporting {
            let (state, point, resolver, view) = try options.state(journal)
            let shipments = Shipments(state: state, view: view, point: point, resolver: resolver)
            ExitReclaim.keep(shipments)
            options.print(point: point, rows: shipments.rows, payload: \.payload, columns: Shipments.Row.columns) {
                func places(_ names: [String], _ countries: [String]) -> String {
                    let all = names + countries
                    return all.isEmpty ? "?" : all.joined(separator: ", ")
                }
                let rows = shipments.rows.map { s in
                    [
                        s.id.description, s.commodity ?? "?",
                    ] + Format.tonnes(s.tonnes) + [
                        places(s.fromPlaces, s.fromCountries), places(s.toPlaces, s.toCountries), s.vessel?.name ?? "",
                        s.when.edtf ?? "?", Format.hundredths(s.confidence), s.status.rawValue,
                        Format.thousands(s.claims.count),
                        s.sources.map(\.rawValue).joined(separator: ", "),
                    ]
                }
                // On a narrow terminal the claim count, sources, vessel, low and high give
                // way, in that order, then the id takes a line of its own (JSON and CSV
                // keep every field).
                return Format.table(
                    [
                        "SHIPMENT", "COMMODITY", "LOW t", "BEST t", "HIGH t", "FROM", "TO", "VESSEL", "WHEN", "CONF",
                        "STATUS",
                        "CLAIMS", "SOURCES",
                    ], rows, rightAligned: [2, 3, 4, 9, 11],
                    fit: Format.Fit(
                        cuttable: [1: .end, 5: .end, 6: .end, 7: .end, 8: .end], optional: [11, 12, 7, 2, 4],
                        readable: [1: 10, 5: 12, 6: 12, 8: 21], heading: 0))
                    + "\n" + point.caption
            }
        }
    }

}
