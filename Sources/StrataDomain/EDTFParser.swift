/// The EDTF (ISO 8601-2) grammar Strata accepts for valid time: level 0 and level 1 dates and
/// intervals, to the day. Turns text into the days each end covers; `ValidTime` turns those into
/// bounds. Refuses everything else with an `EDTFError` saying what was expected.
///
/// A date is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 0000–9999, proleptic Gregorian), or one of the
/// level-1 forms `201X`, `20XX`, `YYYY-XX`, `YYYY-MM-XX`, `YYYY-XX-XX` (X only as whole trailing
/// components, or the last one or two year digits of a year standing alone) and seasons `YYYY-21`
/// to `YYYY-24`. Any date may end with one qualifier: `~`, `?` or `%`. An interval is `A/B` where
/// each side is a date, `..` (open) or empty (unknown), and at least one side is a date.
/// A level-0 date and time, `YYYY-MM-DDThh:mm:ss` with an optional `Z` or `±hh[:mm]`, stands
/// alone (not in an interval, without a qualifier) and covers its day as written: valid
/// time is kept to the day. Not accepted: level-1 years before 0000 or after 9999 (`-0100`,
/// `Y170000002`), which no trade a journal tracks can have and which four-digit ISO dates
/// in every output could not show.
enum EDTFParser {
    /// The days one EDTF date covers, first and last inclusive, and its qualifier.
    struct Span: Equatable, Sendable {
        var first: Day
        var last: Day
        var qualifier: ValidTime.Qualifier
    }

    /// One side of an interval.
    enum End: Equatable, Sendable {
        case date(Span)
        /// `..`: open, unbounded on that side.
        case open
        /// empty: unknown (EDTF level 1); bounded like `open`.
        case unknown
    }

    enum Parsed: Equatable, Sendable {
        case date(Span)
        case interval(start: End, end: End)
    }

    private static let slash = UInt8(ascii: "/")
    private static let dash = UInt8(ascii: "-")
    private static let unspecified = UInt8(ascii: "X")
    private static let expected = "not EDTF: expected YYYY, YYYY-MM or YYYY-MM-DD"

    static func parse(_ text: String) throws(EDTFError) -> Parsed {
        let bytes = Array(text.utf8)
        func fail(_ reason: String) -> EDTFError { EDTFError(text: text, reason: reason) }
        guard !bytes.isEmpty else {
            throw fail("empty: write an EDTF date such as 2020-05-14, or leave `when` out for an unknown time")
        }
        if bytes.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }) {
            throw fail("whitespace is not allowed")
        }
        if bytes.contains(where: { $0 >= 0x80 }) {
            throw fail("\(expected) (ASCII digits only)")
        }
        if bytes.contains(where: { "[]{}".utf8.contains($0) }) {
            throw fail("sets ([…] and {…}) are EDTF level 2, not supported")
        }
        let parts = bytes.split(separator: slash, omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            if bytes.elementsEqual("..".utf8) {
                throw fail("'..' alone is not a date: it marks an open end of an interval (2020-05/.. or ../2020-05)")
            }
            return .date(try span(bytes[...], text: text, timeAllowed: true))
        case 2:
            if let hint = slashedDate(parts) { throw fail(hint) }
            let start = try end(parts[0], text: text)
            let end = try end(parts[1], text: text)
            switch (start, end) {
            case (.date, _), (_, .date):
                return .interval(start: start, end: end)
            default:
                throw fail("an interval needs at least one date; leave `when` out for an unknown time")
            }
        default:
            throw fail(slashedDate(parts) ?? "an interval has exactly one '/'")
        }
    }

    /// What to write instead of a date with slashes between its parts (`2020/05/11`,
    /// `11/05/2020`, `2020/05`), which reads as an interval; `nil` when `parts` do not look
    /// like one date.
    private static func slashedDate(_ parts: [ArraySlice<UInt8>]) -> String? {
        let digits = parts.map { $0.allSatisfy { (0x30...0x39).contains($0) } ? $0.count : 0 }
        let example = "2020-05-11 or 2020-05; '/' separates the two ends of an interval, 2020-05-11/2020-05-20"
        switch digits {
        case [4, 1], [4, 2]:
            return "a date is written YYYY-MM-DD or YYYY-MM with '-' (\(example))"
        case [4, 1, 1], [4, 1, 2], [4, 2, 1], [4, 2, 2], [1, 1, 4], [1, 2, 4], [2, 1, 4], [2, 2, 4]:
            return "a date is written YYYY-MM-DD with '-' (\(example))"
        default:
            return nil
        }
    }

    private static func end(_ token: ArraySlice<UInt8>, text: String) throws(EDTFError) -> End {
        if token.isEmpty { return .unknown }
        if token.elementsEqual("..".utf8) { return .open }
        return .date(try span(token, text: text))
    }

    private static func qualifier(_ byte: UInt8) -> ValidTime.Qualifier? {
        switch byte {
        case UInt8(ascii: "~"): return .approximate
        case UInt8(ascii: "?"): return .uncertain
        case UInt8(ascii: "%"): return .approximateAndUncertain
        default: return nil
        }
    }

    /// One date, with its optional trailing qualifier.
    private static func span(_ token: ArraySlice<UInt8>, text: String, timeAllowed: Bool = false) throws(EDTFError)
        -> Span
    {
        func fail(_ reason: String) -> EDTFError { EDTFError(text: text, reason: reason) }
        var body = token
        let timeMark = body.firstIndex(of: UInt8(ascii: "T")).map { $0 - body.startIndex == 10 } ?? false
        if timeMark || body.contains(UInt8(ascii: ":")) {
            guard timeAllowed else {
                throw fail("a time of day goes only in a single date (2020-05-14T10:00:00Z), not in an interval")
            }
            guard timeMark else { throw fail("a time of day follows a full date and 'T': 2020-05-14T10:00:00Z") }
            try checkTime(body[(body.startIndex + 11)...], text: text)
            body = body[..<(body.startIndex + 10)]
        }
        var q: ValidTime.Qualifier = []
        if let last = body.last, let found = qualifier(last) {
            q = found
            body = body.dropLast()
        }
        if body.contains(where: { qualifier($0) != nil }) {
            if let last = body.last, qualifier(last) != nil {
                throw fail("one qualifier per date: ~ approximate, ? uncertain, % both")
            }
            throw fail("a qualifier (~ ? %) goes at the end of a date, e.g. 2020-05~")
        }
        guard let head = body.first else { throw fail("a qualifier (~ ? %) needs a date before it") }
        if body.elementsEqual("..".utf8) { throw fail("an open end (..) cannot carry a qualifier") }
        if head == dash, body.dropFirst().first.map(isDigit) == true {
            throw fail("negative years are not supported: years are 0000–9999")
        }
        if head == UInt8(ascii: "Y") { throw fail("long years (Y…) are not supported: years are 0000–9999") }
        if let bad = body.first(where: { !isDigit($0) && $0 != unspecified && $0 != dash }) {
            let hint = bad == UInt8(ascii: "x") ? " (unspecified digits are an uppercase X)" : ""
            throw fail("\(expected); unexpected '\(Character(Unicode.Scalar(bad)))'\(hint)")
        }
        let comps = body.split(separator: dash, omittingEmptySubsequences: false)
        guard comps.count <= 3, !comps.contains(where: \.isEmpty) else { throw fail(expected) }
        let yearText = comps[0]
        guard yearText.count == 4 else {
            if yearText.count > 4, yearText.allSatisfy(isDigit) {
                throw fail("years have four digits (0000–9999); longer years are not supported")
            }
            throw fail("\(expected) (the year has four digits)")
        }
        if yearText.contains(unspecified) {
            return try unspecifiedYear(yearText, alone: comps.count == 1, text: text, qualifier: q)
        }
        let year = number(yearText)
        let yearSpan = try days(year, 1, 1, year, 12, 31, q, text: text)
        guard comps.count > 1 else { return yearSpan }

        let monthText = comps[1]
        let yearMonth = String(decoding: yearText, as: UTF8.self) + "-" + String(decoding: monthText, as: UTF8.self)
        guard monthText.count == 2 else { throw fail("the month has two digits (05, not 5)") }
        if monthText.allSatisfy({ $0 == unspecified }) {
            if comps.count == 3, !comps[2].elementsEqual("XX".utf8) {
                throw fail("an unspecified month (XX) needs an unspecified day (XX) at level 1")
            }
            return yearSpan
        }
        if monthText.contains(unspecified) { throw fail("level 1 allows X only for the whole month (XX)") }
        let month = number(monthText)
        switch month {
        case 1...12:
            break
        case 21...24:
            if comps.count == 3 { throw fail("a season (\(month)) has no day") }
            return try season(year, month, q, text: text)
        case 25...41:
            throw fail(
                "season code \(month) is EDTF level 2; level 1 seasons are 21 spring, 22 summer, 23 autumn, 24 winter")
        default:
            throw fail("month \(String(decoding: monthText, as: UTF8.self)) does not exist")
        }
        let monthLength = Day.daysIn(year: year, month: month)
        guard comps.count == 3 else { return try days(year, month, 1, year, month, monthLength, q, text: text) }

        let dayText = comps[2]
        let dayString = String(decoding: dayText, as: UTF8.self)
        guard dayText.count == 2 else { throw fail("the day has two digits (05, not 5)") }
        if dayText.allSatisfy({ $0 == unspecified }) {
            return try days(year, month, 1, year, month, monthLength, q, text: text)
        }
        if dayText.contains(unspecified) {
            throw fail(
                "level 1 allows X only for the whole day (XX); for some days of a month write an interval (2019-05-11/2019-05-20)"
            )
        }
        let day = number(dayText)
        if day == 0 { throw fail("day 00 does not exist") }
        if day > monthLength {
            if month == 2, day == 29 {
                throw fail(
                    "\(yearMonth)-29 does not exist: \(String(decoding: yearText, as: UTF8.self)) is not a leap year")
            }
            throw fail("day \(dayString) does not exist in \(yearMonth), which has \(monthLength) days")
        }
        return try days(year, month, day, year, month, day, q, text: text)
    }

    /// The time of day after `T`: `hh:mm:ss`, then nothing, `Z`, `±hh` or `±hh:mm`.
    private static func checkTime(_ time: ArraySlice<UInt8>, text: String) throws(EDTFError) {
        let expected = "a time of day is hh:mm:ss, then Z or an offset ±hh:mm if any (2020-05-14T10:00:00Z)"
        func fail(_ reason: String = expected) -> EDTFError { EDTFError(text: text, reason: reason) }
        let clock = Array(time.prefix(8))
        guard clock.count == 8, clock[2] == UInt8(ascii: ":"), clock[5] == UInt8(ascii: ":"),
            [0, 1, 3, 4, 6, 7].allSatisfy({ isDigit(clock[$0]) })
        else { throw fail() }
        guard number(clock[0..<2]) <= 23, number(clock[3..<5]) <= 59, number(clock[6..<8]) <= 60 else {
            throw fail("the time of day \(String(decoding: clock, as: UTF8.self)) does not exist")
        }
        let zone = Array(time.dropFirst(8))
        if zone.isEmpty || zone == [UInt8(ascii: "Z")] { return }
        guard zone.first == UInt8(ascii: "+") || zone.first == dash, zone.count == 3 || zone.count == 6,
            zone[1...2].allSatisfy(isDigit), number(zone[1...2]) <= 14,
            zone.count == 3
                || (zone[3] == UInt8(ascii: ":") && zone[4...5].allSatisfy(isDigit) && number(zone[4...5]) <= 59)
        else { throw fail() }
    }

    /// `201X` (a decade) or `20XX` (a century), standing alone.
    private static func unspecifiedYear(
        _ yearText: ArraySlice<UInt8>, alone: Bool, text: String, qualifier q: ValidTime.Qualifier
    ) throws(EDTFError) -> Span {
        let digits = yearText.prefix(while: isDigit)
        let xs = yearText.count - digits.count
        guard xs <= 2, yearText.dropFirst(digits.count).allSatisfy({ $0 == unspecified }) else {
            throw EDTFError(
                text: text, reason: "level 1 allows X only in the last one or two digits of the year (201X, 20XX)")
        }
        guard alone else {
            throw EDTFError(
                text: text,
                reason:
                    "a year with unspecified digits (201X, 20XX) stands alone at level 1; no month or day may follow")
        }
        let scale = xs == 1 ? 10 : 100
        let low = number(digits) * scale
        return try days(low, 1, 1, low + scale - 1, 12, 31, q, text: text)
    }

    /// Northern-hemisphere meteorological seasons: 21 spring Mar–May, 22 summer Jun–Aug,
    /// 23 autumn Sep–Nov, 24 winter Dec of the year to Feb of the next.
    private static func season(_ year: Int, _ code: Int, _ q: ValidTime.Qualifier, text: String) throws(EDTFError)
        -> Span
    {
        switch code {
        case 21: return try days(year, 3, 1, year, 5, 31, q, text: text)
        case 22: return try days(year, 6, 1, year, 8, 31, q, text: text)
        case 23: return try days(year, 9, 1, year, 11, 30, q, text: text)
        default: return try days(year, 12, 1, year + 1, 2, Day.daysIn(year: year + 1, month: 2), q, text: text)
        }
    }

    private static func days(
        _ y1: Int, _ m1: Int, _ d1: Int, _ y2: Int, _ m2: Int, _ d2: Int,
        _ q: ValidTime.Qualifier, text: String
    ) throws(EDTFError) -> Span {
        guard let first = Day(year: y1, month: m1, day: d1), let last = Day(year: y2, month: m2, day: d2) else {
            // Winter 9999 (9999-24) ends in February 10000.
            if !Day.years.contains(y2) {
                throw EDTFError(text: text, reason: "it runs into the year \(y2): years are 0000–9999")
            }
            throw EDTFError(text: text, reason: expected)
        }
        return Span(first: first, last: last, qualifier: q)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The value of a run of ASCII digits (already checked).
    private static func number(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1) - 0x30 }
    }
}
