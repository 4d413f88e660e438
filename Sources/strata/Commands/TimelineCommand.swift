import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

/// `strata timeline`.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Every live claim in valid-time order, with its source, outlet and grade.",
        discussion:
            "Ordered by earliest start, then latest end, then record order (an open start first, an open end after a closed one, no known time last). The grade is the source's reliability at the view and the claim's credibility (C3). The table's columns: WHEN GRADE CLAIM SOURCE OUTLET RECORDED (UTC, to the minute) SUMMARY; a narrow terminal first cuts SUMMARY, OUTLET and WHEN with … (SUMMARY to no fewer than 30 columns, WHEN to 21), then leaves out OUTLET, RECORDED and SOURCE, in that order, and then prints each claim id whole on a line of its own above the rest of its row (ids are never cut: `strata claim` and `strata correct` take them). With --commodity and/or --place only the claims the claim index lists under matching names are read, so a narrow timeline is fast however large the journal. JSON: {\"view\", \"rows\"} (schemas/timeline.schema.json).\n\n"
            + ViewOptions.discussion
    )

    @OptionGroup var journal: JournalOptions
    @OptionGroup var options: ViewOptions

    /// `2020-05-22 10:00`: a record time to the minute, for the table (by bytes: Foundation's
    /// `replacingOccurrences` took 2 ms for 400 rows).
    private func recorded(_ t: RecordTime) -> String {
        String(
            decoding: t.iso8601.utf8.prefix(16).map { $0 == UInt8(ascii: "T") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    func run() throws {
        try reporting {
            // The timeline reads only the claims its commodity and place filters can admit.
            let (state, point, resolver, view) = try options.state(journal, claimsFiltered: true)
            let timeline = Timeline(state: state, view: view, point: point, resolver: resolver)
            ExitReclaim.keep(timeline)
            options.print(point: point, rows: timeline.rows, payload: \.payload, columns: Timeline.Row.columns) {
                let rows = timeline.rows.map { r in
                    [
                        r.when.edtf ?? "?", r.grade, r.claim.description, r.source.rawValue, r.outlet ?? "",
                        recorded(r.recordedAt), r.summary,
                    ]
                }
                // On a narrow terminal the outlet, record time and source give way, in that
                // order, then the claim id takes a line of its own (JSON and CSV keep every
                // field).
                return Format.table(
                    ["WHEN", "GRADE", "CLAIM", "SOURCE", "OUTLET", "RECORDED", "SUMMARY"], rows,
                    fit: Format.Fit(
                        cuttable: [0: .end, 4: .end, 6: .end], optional: [4, 5, 3],
                        readable: [0: 21, 6: 30], heading: 2))
                    + "\n" + point.caption
            }
        }
    }
}
