/// When a claimed thing happened in the world (the valid-time axis): a claim's `when`, an EDTF
/// (ISO 8601-2, levels 0 and 1) string, reduced to four day bounds, plus the analyst's original
/// phrase (`when_said`).
///
/// The thing is taken to occupy some span of days `[start, end]`; the bounds say what is known:
/// `earliestStart ≤ start ≤ latestStart`, `earliestEnd ≤ end ≤ latestEnd`, and `start ≤ end`.
/// A `nil` bound is unbounded on that side. Semantics:
///
/// - **A single date** is both the start and the end, each anywhere within the days it covers:
///   `2020` gives 2020-01-01 … 2020-12-31 for both start and end; `2020-05` the month;
///   `2020-05-14` that day for all four bounds.
/// - **An interval `A/B`** takes its start bounds from A (A's first and last day) and its end
///   bounds from B. Since an end cannot come before its start, the bounds are then tightened:
///   `earliestEnd = max(earliestEnd, earliestStart)` and `latestStart = min(latestStart, latestEnd)`
///   (so `2020-05/2020` has `earliestEnd` 2020-05-01 and `2020/2020-03` has `latestStart` 2020-03-31).
/// - **Open and unknown ends.** `A/..` (open) and `A/` (unknown, level 1) have no `latestEnd`;
///   `earliestEnd` is A's first day. `../B` and `/B` have no `earliestStart`; `latestStart` is B's
///   last day. Open and unknown ends give the same bounds; the text keeps which was written.
///   `../..`, `/`, `../` and `/..` are refused: with no date at all, leave `when` out (`unknown`).
/// - **An interval that ends before it starts** (B's last day before A's first) is refused.
/// - **Qualifiers** `~` approximate, `?` uncertain, `%` both, as a suffix of a date (`2020-05~`,
///   `2020?`, `2020-05-14%`) or of either end of an interval (`2020-04~/2020-05`). They are kept as
///   flags and do not change the stored bounds; a single date's qualifier applies to both its start
///   and its end. A qualifier anywhere else (`2020~-05`), or two on one date, is refused.
/// - **Unspecified digits** (level 1): `201X` (2010–2019), `20XX` (2000–2099), `2020-XX`,
///   `2020-XX-XX` (the year), `2020-05-XX` (the month). The bounds cover the whole range. X in other
///   positions (`201X-05`, `2020-1X`, `2020-XX-05`) is level 2 and refused.
/// - **Seasons** (level 1) are northern-hemisphere meteorological seasons: `YYYY-21` spring
///   (March–May), `-22` summer (June–August), `-23` autumn (September–November), `-24` winter
///   (December of YYYY to the end of February of YYYY+1). Codes 25–41 are level 2 and refused.
/// - **Years** have four digits, 0000–9999 (proleptic Gregorian; 0000 is a leap year). Negative and
///   long (`Y…`) years, times (`2020-05-14T10:00`), whitespace and sets are refused.
///
/// Padding for `~` and `?` is a query-time policy (`padding:` on the queries, `bounds(padding:)`),
/// never stored. `edtf` and `whenSaid` are kept exactly as given.
public struct ValidTime: Hashable, Sendable, CustomStringConvertible {
    /// How a date was qualified: `~` approximate, `?` uncertain, `%` both. Empty when unqualified.
    public struct Qualifier: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `~`
        public static let approximate = Qualifier(rawValue: 1)
        /// `?`
        public static let uncertain = Qualifier(rawValue: 2)
        /// `%`: approximate and uncertain.
        public static let approximateAndUncertain: Qualifier = [.approximate, .uncertain]
    }

    /// The four bounds of a valid time; `nil` is unbounded on that side.
    public struct Bounds: Hashable, Sendable {
        public var earliestStart: Day?
        public var latestStart: Day?
        public var earliestEnd: Day?
        public var latestEnd: Day?

        public init(earliestStart: Day? = nil, latestStart: Day? = nil, earliestEnd: Day? = nil, latestEnd: Day? = nil)
        {
            self.earliestStart = earliestStart
            self.latestStart = latestStart
            self.earliestEnd = earliestEnd
            self.latestEnd = latestEnd
        }

        /// The span of several valid times together (a shipment's claims), each with
        /// `padding`: from the earliest start to the latest end, open at an end where any
        /// of them is open. A time not known adds nothing; with none known, both ends are
        /// unknown (`nil`).
        public init(spanning times: [ValidTime], padding: Int = 0) {
            var start: Day? = nil
            var end: Day? = nil
            var openStart = false
            var openEnd = false
            for t in times where !t.isUnknown {
                let b =
                    padding == 0
                    ? Bounds(earliestStart: t.earliestStart, latestEnd: t.latestEnd) : t.bounds(padding: padding)
                if let s = b.earliestStart { start = min(start ?? s, s) } else { openStart = true }
                if let e = b.latestEnd { end = max(end ?? e, e) } else { openEnd = true }
            }
            self.init(earliestStart: openStart ? nil : start, latestEnd: openEnd ? nil : end)
        }

        /// Whether something within these bounds could overlap `[from, to]` (see
        /// ``ValidTime/possiblyOverlaps(from:to:padding:)``): only the earliest start and
        /// latest end count.
        public func possiblyOverlaps(from: Day?, to: Day?) -> Bool {
            if let from, let to, from > to { return false }
            if let to, let start = earliestStart, start > to { return false }
            if let from, let end = latestEnd, end < from { return false }
            return true
        }

        /// Whether something within these bounds certainly lies within `[from, to]` (see
        /// ``ValidTime/certainlyWithin(from:to:padding:)``).
        public func certainlyWithin(from: Day?, to: Day?) -> Bool {
            if let from, let to, from > to { return false }
            if let from {
                guard let start = earliestStart, start >= from else { return false }
            }
            if let to {
                guard let end = latestEnd, end <= to else { return false }
            }
            return true
        }

        /// An end cannot come before its start: `earliestEnd ≥ earliestStart`, `latestStart ≤ latestEnd`.
        mutating func tighten() {
            if let first = earliestStart { earliestEnd = max(earliestEnd ?? first, first) }
            if let last = latestEnd { latestStart = min(latestStart ?? last, last) }
        }
    }

    /// The EDTF text exactly as written; `nil` when the time is unknown (no `when`).
    public let edtf: String?
    /// The analyst's original phrase (`when_said`), verbatim.
    public let whenSaid: String?
    /// The earliest day the thing can have started; `nil` = unbounded (open or unknown start).
    public let earliestStart: Day?
    /// The latest day the thing can have started; `nil` only when the time is unknown.
    public let latestStart: Day?
    /// The earliest day the thing can have ended; `nil` only when the time is unknown.
    public let earliestEnd: Day?
    /// The latest day the thing can have ended; `nil` = unbounded (open or unknown end).
    public let latestEnd: Day?
    /// The qualifier on the start, or on the single date.
    public let startQualifier: Qualifier
    /// The qualifier on the end, or on the single date (the same as `startQualifier` then).
    public let endQualifier: Qualifier

    /// No `when` at all: every bound `nil`, no phrase.
    public static let unknown = ValidTime.unknown(whenSaid: nil)

    /// No `when`, but perhaps a phrase the analyst could not resolve to a date.
    public static func unknown(whenSaid: String?) -> ValidTime {
        ValidTime(edtf: nil, whenSaid: whenSaid, bounds: Bounds(), startQualifier: [], endQualifier: [])
    }

    private init(edtf: String?, whenSaid: String?, bounds: Bounds, startQualifier: Qualifier, endQualifier: Qualifier) {
        self.edtf = edtf
        self.whenSaid = whenSaid
        self.earliestStart = bounds.earliestStart
        self.latestStart = bounds.latestStart
        self.earliestEnd = bounds.earliestEnd
        self.latestEnd = bounds.latestEnd
        self.startQualifier = startQualifier
        self.endQualifier = endQualifier
    }

    /// Parses an EDTF date or interval (levels 0 and 1; see the type's documentation).
    /// - Throws: `EDTFError` naming what was expected, for anything else.
    public init(edtf: String, whenSaid: String? = nil) throws(EDTFError) {
        switch try EDTFParser.parse(edtf) {
        case .date(let span):
            let bounds = Bounds(
                earliestStart: span.first, latestStart: span.last, earliestEnd: span.first, latestEnd: span.last)
            self.init(
                edtf: edtf, whenSaid: whenSaid, bounds: bounds, startQualifier: span.qualifier,
                endQualifier: span.qualifier)
        case .interval(let start, let end):
            var bounds = Bounds()
            var startQualifier: Qualifier = []
            var endQualifier: Qualifier = []
            if case .date(let span) = start {
                bounds.earliestStart = span.first
                bounds.latestStart = span.last
                startQualifier = span.qualifier
            }
            if case .date(let span) = end {
                bounds.earliestEnd = span.first
                bounds.latestEnd = span.last
                endQualifier = span.qualifier
            }
            if let first = bounds.earliestStart, let last = bounds.latestEnd, last < first {
                throw EDTFError(
                    text: edtf,
                    reason:
                        "interval ends before it starts (it ends by \(last), but starts on \(first) at the earliest)")
            }
            bounds.tighten()
            self.init(
                edtf: edtf, whenSaid: whenSaid, bounds: bounds, startQualifier: startQualifier,
                endQualifier: endQualifier)
        }
    }

    /// Whether the time is unknown (no `when`).
    public var isUnknown: Bool { edtf == nil }

    /// The last day the thing is known to reach: its latest end, or with an open end its
    /// latest start (`2020/..` reaches at least 2020-12-31, `2020-07/..` 2020-07-31); `nil`
    /// when the time is unknown. Volumes split a shipment up to it.
    public var lastKnownDay: Day? { latestEnd ?? latestStart }

    /// The earliest possible day (`earliestStart`), for display; `nil` = unbounded or unknown.
    public var earliest: Day? { earliestStart }
    /// The latest possible day (`latestEnd`), for display; `nil` = unbounded or unknown.
    public var latest: Day? { latestEnd }

    /// The EDTF text, or `unknown`.
    public var description: String { edtf ?? "unknown" }

    /// The bounds with a query-time padding: each qualified (`~ ? %`) side is widened by `padding`
    /// days, its earliest bound moved earlier and its latest later; then the bounds are tightened
    /// again so that the end does not come before the start. Unqualified sides and `nil` bounds are
    /// unchanged; a negative padding counts as 0.
    public func bounds(padding: Int = 0) -> Bounds {
        let pad = min(max(padding, 0), Int(Int32.max))
        let padStart = pad > 0 && !startQualifier.isEmpty
        let padEnd = pad > 0 && !endQualifier.isEmpty
        var bounds = Bounds(
            earliestStart: padStart ? Self.shift(earliestStart, -pad) : earliestStart,
            latestStart: padStart ? Self.shift(latestStart, pad) : latestStart,
            earliestEnd: padEnd ? Self.shift(earliestEnd, -pad) : earliestEnd,
            latestEnd: padEnd ? Self.shift(latestEnd, pad) : latestEnd
        )
        bounds.tighten()
        return bounds
    }

    /// Whether the thing could have happened, at least in part, within the window `[from, to]`
    /// (inclusive; a `nil` side is unbounded): its earliest start is not after `to` and its latest
    /// end is not before `from`. An unknown time possibly overlaps every window. A window with
    /// `from` after `to` is empty and overlaps nothing. `padding` widens qualified ends (see
    /// `bounds(padding:)`).
    public func possiblyOverlaps(from: Day?, to: Day?, padding: Int = 0) -> Bool {
        bounds(padding: padding).possiblyOverlaps(from: from, to: to)
    }

    /// Whether the thing certainly lies entirely within the window `[from, to]` (inclusive; a `nil`
    /// side is unbounded): its earliest start is on or after `from` and its latest end on or
    /// before `to`. An unbounded side of the time lies within only an unbounded side of the window,
    /// so an unknown time lies within only the fully unbounded window. A window with `from` after
    /// `to` is empty and contains nothing. `padding` widens qualified ends (see `bounds(padding:)`).
    public func certainlyWithin(from: Day?, to: Day?, padding: Int = 0) -> Bool {
        bounds(padding: padding).certainlyWithin(from: from, to: to)
    }

    private static func shift(_ day: Day?, _ days: Int) -> Day? {
        guard let day else { return nil }
        let raw = min(max(Int(day.rawValue) + days, Int(Int32.min)), Int(Int32.max))
        return Day(rawValue: Int32(raw))
    }
}
