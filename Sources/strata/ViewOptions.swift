import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

/// The options every read model takes: the three time axes, filters and the format.
struct ViewOptions: ParsableArguments {
    /// What the three view commands' help says of these options, after its own discussion.
    static let discussion = """
        Filters resolve names through the aliases in force at the view; one naming nothing the taxonomy, gazetteer, aliases, claims or sources know is warned of on standard error (the answer is then empty, exit 0). A shipment is filtered as its row shows it: its commodity and vessel (from its most confident claim that names one), all its places, supporting sources and valid time.

        A table fits the terminal ($COLUMNS, else its width, else 80 columns), cutting long names with … (never numbers or ids: an id that does not fit takes a line of its own); json, csv and ndjson keep every field whole. The view answered for (position, as-of, published-by, window) is printed under a table, in JSON's view object, and on standard error for CSV and NDJSON. A CSV cell that begins with = + - or @ gets a leading ' (a spreadsheet would run it as a formula).
        """

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv, ndjson }

    @Option(
        help: ArgumentHelp(
            "Only what the journal had recorded at T (ISO 8601; a date means the end of that day, UTC).", valueName: "T"
        ))
    var asOf: String?
    @Option(
        name: .customLong("at-position"),
        parsing: .unconditional,  // so -1 is a value to refuse (65), not a missing one
        help: ArgumentHelp(
            "Only events up to this log position (past the last one: the last, with a warning).", valueName: "N"))
    var atPositionValue: WholeNumber?
    /// `--at-position`, checked by `validate()`.
    var atPosition: Int? { atPositionValue?.number }
    @Option(
        help: ArgumentHelp(
            "Only claims and corrections from reports published at or before T (ISO 8601; a date means the end of that day, UTC). Corrections and links made without --report always count, as do grades given by strata rate; a grade a report gave (a listed source's reliability) counts from that report's publication.",
            valueName: "T"))
    var publishedBy: String?
    @Option(help: ArgumentHelp("Valid-time window start (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "D"))
    var from: String?
    @Option(help: ArgumentHelp("Valid-time window end (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "D"))
    var to: String?
    @Flag(
        help:
            "Keep what certainly lies within --from/--to (default: what possibly overlaps it); without a window, a warning."
    )
    var certainly = false
    @Option(
        name: .customLong("pad"),
        parsing: .unconditional,
        help: ArgumentHelp(
            "Judge the ends of valid times qualified ~ (approximate), ? (uncertain) or % (both) DAYS days wider than written, for --from/--to: `2020-05~` with --pad 15 possibly overlaps 16 April – 15 June. Padding decides only what a window admits.",
            valueName: "DAYS"))
    var padValue = WholeNumber(0)
    /// `--pad`, checked by `validate()`.
    var pad: Int { padValue.number }
    @Option(
        help:
            "A commodity and its children (names resolve through aliases)."
    ) var commodity: String?
    @Option(help: "A place (names resolve through aliases).") var place: String?
    @Option(help: ArgumentHelp("An ISO 3166 alpha-2 country code, in any case.", valueName: "CC")) var country: String?
    @Option(
        help:
            "A vessel name (through aliases), or its IMO number (8905490 or \"IMO 8905490\"): a number also finds claims that name the ship without one, by a name claims give it with that number or a name aliased to one (a renamed ship)."
    ) var vessel: String?
    @Option(help: "A source id, or an outlet's name (\"Daily NK\").") var source: String?
    @Option(
        help:
            "A claim kind: shipment, total, agreement, policy, price or observation."
    ) var kind: String?
    @Option(
        help:
            "Output format."
    )
    var format: OutputFormat = .table

    func validate() throws {
        try padValue.check("--pad", "days")
        try atPositionValue?.check("--at-position", "a position")
        warnIfNoWindow()
        if let asOf, RecordTime(iso8601: asOf) == nil {
            throw invalidValue(
                "--as-of: expected an ISO 8601 date or date-time such as 2020-05-22 or 2020-05-22T10:00:00Z, not \"\(asOf)\""
            )
        }
        if let publishedBy, RecordTime(iso8601: publishedBy) == nil {
            throw invalidValue(
                "--published-by: expected an ISO 8601 date or date-time such as 2020-05-22 or 2020-05-22T10:00:00Z, not \"\(publishedBy)\""
            )
        }
        if let from, ViewOptions.day(from, end: false) == nil {
            throw invalidValue("--from: \(ViewOptions.dayProblem(from))")
        }
        if let to, ViewOptions.day(to, end: true) == nil {
            throw invalidValue("--to: \(ViewOptions.dayProblem(to))")
        }
        if let from, let to, let start = ViewOptions.day(from, end: false), let end = ViewOptions.day(to, end: true),
            end < start
        {
            throw invalidValue("--from \(from) --to \(to): the window ends before it starts")
        }
        if let country,
            Gazetteer.bundled.country(code: country.trimmingCharacters(in: .whitespaces).uppercased()) == nil
        {
            throw invalidValue(
                "--country: expected an ISO 3166 alpha-2 country code such as KP or CN, not \"\(country)\"")
        }
        if let kind, ClaimKind(rawValue: kind) == nil {
            throw invalidValue(
                "--kind: expected one of \(ClaimKind.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(kind)\""
            )
        }
    }

    /// The first (or, for `end`, last) day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    /// Why `day` refused a window's end: a date of the right shape that the calendar lacks
    /// (2019-02-29) gets the EDTF parser's reason, anything else the forms a window takes.
    static func dayProblem(_ text: String) -> String {
        let expected = "expected YYYY, YYYY-MM or YYYY-MM-DD, not \"\(text)\""
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }) else { return expected }
        do throws(EDTFError) {
            _ = try ValidTime(edtf: text)
        } catch {
            return "\"\(text)\": \(error.reason)"
        }
        return expected
    }

    static func day(_ text: String, end: Bool) -> Day? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), text.count >= 4 else { return nil }
        let y = parts[0] ?? 0
        let m = parts.count > 1 ? parts[1] ?? 0 : (end ? 12 : 1)
        guard (1...12).contains(m) else { return nil }
        let d = parts.count > 2 ? parts[2] ?? 0 : (end ? Day.daysIn(year: y, month: m) : 1)
        return Day(year: y, month: m, day: d)
    }

    var view: View {
        var v = View()
        v.asOf = asOf.flatMap { RecordTime(iso8601: $0, dateOnly: .endOfDay) }
        v.atPosition = atPosition.map { Position(UInt64($0)) }
        v.publishedBy = publishedBy.flatMap { RecordTime(iso8601: $0, dateOnly: .endOfDay) }
        v.from = from.flatMap { ViewOptions.day($0, end: false) }
        v.to = to.flatMap { ViewOptions.day($0, end: true) }
        v.certainly = certainly
        v.padding = pad
        v.commodity = commodity
        v.place = place
        v.country = country.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        v.vessel = vessel
        // A source id, or an outlet's name as report files take it: resolved at the view
        // (Resolver.source), since "Reuters" is a well-formed id as well as a name.
        v.source = source
        v.kind = kind.flatMap(ClaimKind.init(rawValue:))
        return v
    }

    /// The journal's state for this view: from the stored read models (caught up first,
    /// or rebuilt if their version changed), or a fold of the log for `--published-by`.
    /// `claimsFiltered`: only the claims the view's commodity and place filters can admit
    /// (see ``StateStore/state(for:claimsFiltered:)``).
    func state(_ journal: JournalOptions, claimsFiltered: Bool = false) throws -> (
        JournalState, ViewPoint, Resolver, View
    ) {
        let log = try journal.openForReading()
        let view = self.view
        let (state, point) =
            view.publishedBy != nil
            ? try JournalState.fold(log, view: view)
            : try Progress.showing("read models") {
                try StateStore(log: log).state(for: view, claimsFiltered: claimsFiltered, progress: $0)
            }
        let resolver = Resolver(state: state)
        ExitReclaim.keep((state, resolver))
        try warnOfUnknownNames(
            log, view, resolver, allClaims: !(claimsFiltered && view.readsIndexedClaims))
        warnIfPastTheEnd(point)
        return (state, point, resolver, view)
    }

    /// Warns when `--certainly` or `--pad` is given without a `--from`/`--to` window: they
    /// say how a window admits valid times, and change nothing without one.
    private func warnIfNoWindow() {
        guard from == nil, to == nil else { return }
        let given = (certainly ? ["--certainly"] : []) + (pad > 0 ? ["--pad"] : [])
        guard !given.isEmpty else { return }
        Stderr.print(
            "warning: \(given.joined(separator: " and ")) change\(given.count == 1 ? "s" : "") nothing without --from or --to"
        )
    }

    /// Warns when `--at-position` is past the journal's last position: the view is the
    /// last one (as its `view` object says), not the position asked for.
    private func warnIfPastTheEnd(_ point: ViewPoint) {
        if let asked = atPosition, UInt64(asked) > point.position.rawValue, asOf == nil {
            Stderr.print(
                "warning: --at-position \(asked) is past the journal's last position, \(point.position.rawValue): the view is at \(point.position.rawValue)"
            )
        }
    }

    /// Warns of each filter that names nothing the journal knows (its answer is empty: most
    /// likely a typo), on standard error; the view is answered all the same.
    private func warnOfUnknownNames(_ log: EventLog, _ view: View, _ resolver: Resolver, allClaims: Bool) throws {
        guard view.commodity != nil || view.place != nil || view.vessel != nil || view.source != nil else { return }
        let names = view.commodity != nil || view.place != nil ? try StateStore(log: log).namesInClaims() : ([], [])
        for message in UnknownFilterNames.messages(
            view: view, resolver: resolver, claimNames: names, allClaims: allClaims)
        {
            Stderr.print("warning: \(message)")
        }
    }

    /// The volumes for this view: from the stored monthly cells when the view has no
    /// filter, window or `--published-by`, else computed from the journal's state.
    func volumes(_ journal: JournalOptions, by granularity: Granularity) throws -> Volumes {
        let asked = view
        if StateStore.storesVolumes(for: asked),
            let stored = try Progress.showing(
                "read models",
                { try StateStore(log: try journal.openForReading()).volumes(for: asked, by: granularity, progress: $0) }
            )
        {
            warnIfPastTheEnd(stored.view)
            return stored
        }
        let (state, point, resolver, view) = try state(journal)
        return Volumes(state: state, view: view, point: point, resolver: resolver, by: granularity)
    }

    /// Prints rows in the chosen format: JSON is `{"view", "rows"}`; NDJSON a row a line;
    /// CSV has the read model's `columns` (nested fields as dotted paths); table is `table`.
    /// NDJSON and CSV, which hold rows only, say the view they answered for on standard
    /// error (`view: position 57, as of …`), as a table does under its rows.
    /// Each row's `payload` is made as it is written, a buffer at a time (``Stdout``).
    func print<Row>(
        point: ViewPoint, rows: [Row], payload: (Row) -> Payload, columns: [String], table: () -> String
    ) {
        var out = Stdout()
        switch format {
        case .table:
            Swift.print(table())
            return
        case .json:
            out.write { $0.append(contentsOf: #"{"view":"#.utf8) }
            out.write { point.payload.writeJSON(into: &$0) }
            out.write { $0.append(contentsOf: #","rows":["#.utf8) }
            for (i, row) in rows.enumerated() {
                out.write { bytes in
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    payload(row).writeJSON(into: &bytes)
                }
            }
            out.write("]}\n")
        case .ndjson:
            Stderr.print(point.caption)
            for row in rows {
                out.write { bytes in
                    payload(row).writeJSON(into: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                }
            }
        case .csv:
            Stderr.print(point.caption)
            let csv = CSV(columns: columns)
            out.write { csv.writeHeader(into: &$0) }
            for row in rows { out.write { csv.write(payload(row), into: &$0) } }
        }
        out.flush()
    }
}
