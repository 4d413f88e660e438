import Testing

@testable import StrataDomain

/// A valid EDTF string and its expected bounds (`YYYY-MM-DD` or nil) and qualifiers.
private struct BoundsCase: Sendable, CustomTestStringConvertible {
    let edtf: String
    let bounds: [String?]  // earliestStart, latestStart, earliestEnd, latestEnd
    let start: String  // qualifier symbols: "", "~", "?", "%"
    let end: String
    init(
        _ edtf: String, _ es: String?, _ ls: String?, _ ee: String?, _ le: String?, _ start: String = "",
        _ end: String? = nil
    ) {
        self.edtf = edtf
        self.bounds = [es, ls, ee, le]
        self.start = start
        self.end = end ?? start
    }
    var testDescription: String { edtf }
}

private func qualifier(_ symbol: String) -> ValidTime.Qualifier {
    switch symbol {
    case "~": return .approximate
    case "?": return .uncertain
    case "%": return [.approximate, .uncertain]
    default: return []
    }
}

private func day(_ text: String?) -> Day? {
    guard let text else { return nil }
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3 else { return nil }
    return Day(year: parts[0], month: parts[1], day: parts[2])
}

private let validCases: [BoundsCase] = [
    // Level 0 single dates, leap years, extremes.
    .init("2020", "2020-01-01", "2020-12-31", "2020-01-01", "2020-12-31"),
    .init("2020-05", "2020-05-01", "2020-05-31", "2020-05-01", "2020-05-31"),
    .init("2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14"),
    .init("2019-10", "2019-10-01", "2019-10-31", "2019-10-01", "2019-10-31"),
    .init("2020-02", "2020-02-01", "2020-02-29", "2020-02-01", "2020-02-29"),
    .init("2021-02", "2021-02-01", "2021-02-28", "2021-02-01", "2021-02-28"),
    .init("2100-02", "2100-02-01", "2100-02-28", "2100-02-01", "2100-02-28"),
    .init("2000-02-29", "2000-02-29", "2000-02-29", "2000-02-29", "2000-02-29"),
    .init("2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29"),
    .init("2020-04", "2020-04-01", "2020-04-30", "2020-04-01", "2020-04-30"),
    .init("0000", "0000-01-01", "0000-12-31", "0000-01-01", "0000-12-31"),
    .init("9999-12-31", "9999-12-31", "9999-12-31", "9999-12-31", "9999-12-31"),
    // Intervals (including every `when` of the report-format example).
    .init("2020-05-11/2020-05-20", "2020-05-11", "2020-05-11", "2020-05-20", "2020-05-20"),
    .init("2020-04/2020-05", "2020-04-01", "2020-04-30", "2020-05-01", "2020-05-31"),
    .init("2020-04-01/2020-04-10", "2020-04-01", "2020-04-01", "2020-04-10", "2020-04-10"),
    .init("2019/2021", "2019-01-01", "2019-12-31", "2021-01-01", "2021-12-31"),
    .init("2020-05-14/2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14"),
    .init("2020-05/2020", "2020-05-01", "2020-05-31", "2020-05-01", "2020-12-31"),
    .init("2020/2020-03", "2020-01-01", "2020-03-31", "2020-03-01", "2020-03-31"),
    .init("2020-05/2020-05-01", "2020-05-01", "2020-05-01", "2020-05-01", "2020-05-01"),
    // Open and unknown ends.
    .init("2020-05-11/..", "2020-05-11", "2020-05-11", "2020-05-11", nil),
    .init("2020-05/..", "2020-05-01", "2020-05-31", "2020-05-01", nil),
    .init("2020-05/", "2020-05-01", "2020-05-31", "2020-05-01", nil),
    .init("../2020-05", nil, "2020-05-31", "2020-05-01", "2020-05-31"),
    .init("/2020-05", nil, "2020-05-31", "2020-05-01", "2020-05-31"),
    // Qualifiers.
    .init("2020-05~", "2020-05-01", "2020-05-31", "2020-05-01", "2020-05-31", "~"),
    .init("2020?", "2020-01-01", "2020-12-31", "2020-01-01", "2020-12-31", "?"),
    .init("2020-05-14%", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14", "%"),
    .init("2020-04~/2020-05", "2020-04-01", "2020-04-30", "2020-05-01", "2020-05-31", "~", ""),
    .init("2020-04/2020-05?", "2020-04-01", "2020-04-30", "2020-05-01", "2020-05-31", "", "?"),
    .init("2020-04-01%/2020-04-10~", "2020-04-01", "2020-04-01", "2020-04-10", "2020-04-10", "%", "~"),
    .init("2020-05-11~/..", "2020-05-11", "2020-05-11", "2020-05-11", nil, "~", ""),
    .init("../2020-05-14?", nil, "2020-05-14", "2020-05-14", "2020-05-14", "", "?"),
    // Unspecified digits.
    .init("201X", "2010-01-01", "2019-12-31", "2010-01-01", "2019-12-31"),
    .init("20XX", "2000-01-01", "2099-12-31", "2000-01-01", "2099-12-31"),
    .init("2020-XX", "2020-01-01", "2020-12-31", "2020-01-01", "2020-12-31"),
    .init("2020-05-XX", "2020-05-01", "2020-05-31", "2020-05-01", "2020-05-31"),
    .init("2020-02-XX", "2020-02-01", "2020-02-29", "2020-02-01", "2020-02-29"),
    .init("2020-XX-XX", "2020-01-01", "2020-12-31", "2020-01-01", "2020-12-31"),
    .init("199X/2020-05-14", "1990-01-01", "1999-12-31", "2020-05-14", "2020-05-14"),
    .init("201X~", "2010-01-01", "2019-12-31", "2010-01-01", "2019-12-31", "~"),
    // Seasons (northern meteorological).
    .init("2020-21", "2020-03-01", "2020-05-31", "2020-03-01", "2020-05-31"),
    .init("2020-22", "2020-06-01", "2020-08-31", "2020-06-01", "2020-08-31"),
    .init("2020-23", "2020-09-01", "2020-11-30", "2020-09-01", "2020-11-30"),
    .init("2020-24", "2020-12-01", "2021-02-28", "2020-12-01", "2021-02-28"),
    .init("2023-24", "2023-12-01", "2024-02-29", "2023-12-01", "2024-02-29"),
    .init("2020-21?", "2020-03-01", "2020-05-31", "2020-03-01", "2020-05-31", "?"),
    .init("2020-21/2020-23", "2020-03-01", "2020-05-31", "2020-09-01", "2020-11-30"),
    .init("2020-24/2021-03", "2020-12-01", "2021-02-28", "2021-03-01", "2021-03-31"),
    // A level-0 date and time covers its day as written.
    .init("2020-05-14T10:00:00Z", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14"),
    .init("2020-05-14T23:59:60", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14"),
    .init("2020-05-14T23:30:00+09:00", "2020-05-14", "2020-05-14", "2020-05-14", "2020-05-14"),
    .init("2020-02-29T00:00:00-05", "2020-02-29", "2020-02-29", "2020-02-29", "2020-02-29"),
]

private let invalidCases: [String] = [
    "", " ", "garbage", "Tuesday", "2020-13", "2020-13-01", "2020-02-30", "2021-02-29", "2100-02-29", "1999-02-29",
    "2020-04-31", "2020-5", "2020-5-14", "2020-05-4", "20", "202", "20200", "-2020", "Y20200", "Y2020",
    "2020-05-14T10", "2020-05-14T10:00", "2020-05-14T24:00:00", "2020-05-14T10:60:00", "2020-05-14T10:00:00z",
    "2020-05-14T10:00:00+0900", "2020-05-14T10:00:00+15:00", "2020-05-14T10:00:00Z~", "2020-05T10:00:00Z",
    "2020-05-14T10:00:00Z/2020-05-15", "2020-02-30T10:00:00Z", "2020-05-14 10:00", "2020-06/2020-05",
    "2020-05-14/2020-05-13",
    "2020/2019", "2020~-05", "2020-05~-14", "2020?~", "~", "2020-00", "2020-05-00", " 2020", "2020 ", "2020\n",
    "2020-05-14x", "2020-05-14-01", "2020--05", "2020-05-", "-", "2020/2021/2022", "../..", "/", "..", "../",
    "/..", "..~", "2020/..~", "2020-25", "2020-41", "2020-42", "2020-20", "2020-21-05", "2020-24-01", "2X20",
    "2XXX", "XXXX", "201X-05", "201x", "2020-1X", "2020-XX-05", "2020-05-1X", "[2020,2021]", "{2020}",
    "２０２０", "2020.05", "2020-05-14/2020-05-15/..",
]

/// (edtf, from, to, padding, possiblyOverlaps, certainlyWithin)
private let windowCases: [(String, String?, String?, Int, Bool, Bool)] = [
    ("2020-05-11/2020-05-20", "2020-04-01", "2020-05-10", 0, false, false),  // before
    ("2020-05-11/2020-05-20", "2020-05-01", "2020-05-15", 0, true, false),  // overlaps the start
    ("2020-05-11/2020-05-20", "2020-05-15", "2020-06-15", 0, true, false),  // overlaps the end
    ("2020-05-11/2020-05-20", "2020-05-01", "2020-05-31", 0, true, true),  // inside
    ("2020-05-11/2020-05-20", "2020-05-11", "2020-05-20", 0, true, true),  // exactly
    ("2020-05-11/2020-05-20", "2020-05-12", "2020-05-13", 0, true, false),  // window inside the time
    ("2020-05-11/2020-05-20", "2020-05-20", "2020-06-30", 0, true, false),  // touches the end
    ("2020-05-11/2020-05-20", "2020-05-21", "2020-06-30", 0, false, false),  // after
    ("2020-05-11/2020-05-20", nil, "2020-05-10", 0, false, false),
    ("2020-05-11/2020-05-20", nil, "2020-05-31", 0, true, true),
    ("2020-05-11/2020-05-20", "2020-05-01", nil, 0, true, true),
    ("2020-05-11/2020-05-20", "2020-05-15", nil, 0, true, false),
    ("2020-05-11/2020-05-20", nil, nil, 0, true, true),
    ("2020-05-11/2020-05-20", "2020-05-31", "2020-05-01", 0, false, false),  // empty window
    ("2020-05-11/2020-05-20", "2020-05-15", "2020-05-12", 0, false, false),  // empty window inside the time
    ("2020-05-11/..", "2020-06-01", "2020-07-31", 0, true, false),  // open end
    ("2020-05-11/..", "2020-05-01", nil, 0, true, true),
    ("2020-05-11/..", nil, "2020-05-10", 0, false, false),
    ("2020-05/", "2021-01-01", "2021-12-31", 0, true, false),  // unknown end
    ("../2020-05", "2019-01-01", "2019-12-31", 0, true, false),  // open start
    ("../2020-05", nil, "2020-05-31", 0, true, true),
    ("../2020-05", "2020-06-01", nil, 0, false, false),
    ("2020-05~", "2020-06-01", "2020-06-30", 0, false, false),  // padding: approximate month
    ("2020-05~", "2020-06-01", "2020-06-30", 7, true, false),
    ("2020-05~", "2020-06-08", "2020-06-30", 7, false, false),
    ("2020-05~", "2020-04-20", "2020-04-24", 7, true, false),
    ("2020-05~", "2020-05-01", "2020-05-31", 0, true, true),
    ("2020-05~", "2020-05-01", "2020-05-31", 7, true, false),
    ("2020-05~", "2020-04-24", "2020-06-07", 7, true, true),
    ("2020-05~", "2020-04-25", "2020-06-07", 7, true, false),
    ("2020-05", "2020-06-01", "2020-06-30", 7, false, false),  // unqualified: no padding
    ("2020-05", "2020-05-01", "2020-05-31", 7, true, true),
    ("2020-05-14?", "2020-05-15", "2020-05-20", 1, true, false),  // uncertain pads too
    ("2020-05-14%", "2020-05-13", "2020-05-15", 1, true, true),
    ("2020-04~/2020-05", "2020-03-25", "2020-03-31", 7, true, false),  // start qualified only
    ("2020-04~/2020-05", "2020-06-01", "2020-06-07", 7, false, false),
    ("2020-04~/2020-05", "2020-03-25", "2020-05-31", 7, true, true),
    ("2020-05~", "2020-06-01", "2020-06-30", -7, false, false),  // negative padding = 0
]

@Suite struct ValidTimeTests {
    @Test(arguments: validCases)
    fileprivate func boundsOfValidInput(_ c: BoundsCase) throws {
        let time = try ValidTime(edtf: c.edtf, whenSaid: "said: \(c.edtf)")
        let got = [time.earliestStart, time.latestStart, time.earliestEnd, time.latestEnd].map { $0?.description }
        #expect(got == c.bounds)
        #expect(time.startQualifier == qualifier(c.start))
        #expect(time.endQualifier == qualifier(c.end))
        #expect(time.edtf == c.edtf)
        #expect(time.whenSaid == "said: \(c.edtf)")
        #expect(time.earliest == time.earliestStart && time.latest == time.latestEnd)
        #expect(
            time.bounds()
                == ValidTime.Bounds(
                    earliestStart: time.earliestStart, latestStart: time.latestStart,
                    earliestEnd: time.earliestEnd, latestEnd: time.latestEnd))
    }

    @Test(arguments: invalidCases)
    func invalidInputIsRefused(_ text: String) {
        #expect(throws: EDTFError.self) { try ValidTime(edtf: text) }
        do {
            _ = try ValidTime(edtf: text)
        } catch {
            #expect(error.text == text)
            #expect(!error.reason.isEmpty)
            #expect(error.description.contains(error.reason))
        }
    }

    @Test(arguments: [
        ("2020-13", "month 13 does not exist"),
        ("2020-00", "month 00 does not exist"),
        ("2020-05-00", "day 00 does not exist"),
        ("2021-02-29", "not a leap year"),
        ("2020-02-30", "day 30 does not exist"),
        ("2020-06/2020-05", "interval ends before it starts"),
        ("2020-05-14T10:00", "hh:mm:ss"),
        ("2020-05-14T10", "hh:mm:ss"),
        ("2020-05-14T25:00:00", "does not exist"),
        ("2020-05-14T10:00:00Z/..", "not in an interval"),
        ("2020 ", "whitespace"),
        ("2020~-05", "goes at the end"),
        ("garbage", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2020-5", "two digits"),
        ("Y20200", "long years"),
        ("-0100", "negative years"),
        ("2020-25", "level 2"),
        ("../..", "at least one date"),
        ("2020/05/11", "a date is written YYYY-MM-DD with '-'"),
        ("11/05/2020", "a date is written YYYY-MM-DD with '-'"),
        ("2020/05", "a date is written YYYY-MM-DD or YYYY-MM with '-'"),
        ("2020-05/06/07", "exactly one '/'"),
        ("2019-05-1X", "for some days of a month write an interval (2019-05-11/2019-05-20)"),
        ("9999-24", "runs into the year 10000: years are 0000–9999"),
    ])
    func reasonSaysWhatWasExpected(_ text: String, _ fragment: String) {
        #expect(throws: EDTFError.self) { try ValidTime(edtf: text) }
        do {
            _ = try ValidTime(edtf: text)
        } catch {
            #expect(error.reason.contains(fragment), "\(error)")
        }
    }

    @Test func unknownHasNoBounds() {
        let unknown = ValidTime.unknown
        #expect(unknown.edtf == nil && unknown.whenSaid == nil && unknown.isUnknown)
        #expect(unknown.bounds() == ValidTime.Bounds())
        #expect(unknown.earliest == nil && unknown.latest == nil)
        #expect(ValidTime.unknown(whenSaid: "some time ago").whenSaid == "some time ago")
        #expect(unknown.possiblyOverlaps(from: day("2020-01-01"), to: day("2020-01-02")))
        #expect(!unknown.certainlyWithin(from: day("2020-01-01"), to: nil))
        #expect(unknown.certainlyWithin(from: nil, to: nil))
    }

    @Test func textIsKeptVerbatim() throws {
        let time = try ValidTime(edtf: "2020-05/", whenSaid: "  since May, more or less ")
        #expect(time.edtf == "2020-05/")
        #expect(time.whenSaid == "  since May, more or less ")
        #expect(try ValidTime(edtf: "2020-05/") != ValidTime(edtf: "2020-05/.."))  // same bounds, other text
    }

    @Test(arguments: windowCases)
    func windowQueries(
        _ edtf: String, _ from: String?, _ to: String?, _ padding: Int, _ possibly: Bool, _ certainly: Bool
    ) throws {
        let time = try ValidTime(edtf: edtf)
        #expect(time.possiblyOverlaps(from: day(from), to: day(to), padding: padding) == possibly)
        #expect(time.certainlyWithin(from: day(from), to: day(to), padding: padding) == certainly)
    }

    @Test func paddingWidensOnlyQualifiedSidesAndIsNotStored() throws {
        let time = try ValidTime(edtf: "2020-04~/2020-05")
        let padded = time.bounds(padding: 7)
        #expect(padded.earliestStart?.description == "2020-03-25")
        #expect(padded.latestStart?.description == "2020-05-07")
        #expect(padded.earliestEnd?.description == "2020-05-01")
        #expect(padded.latestEnd?.description == "2020-05-31")
        #expect(time.earliestStart?.description == "2020-04-01")
        #expect(try ValidTime(edtf: "2020~/..").bounds(padding: Int.max).latestEnd == nil)
    }

    @Test func randomDayIntervalsHaveOrderedBoundsAndConsistentQueries() throws {
        var rng = SplitMix64(seed: 0x5EED_ED7F)
        let lowest = Int(Day(year: 1900, month: 1, day: 1)?.rawValue ?? 0)
        let highest = Int(Day(year: 2100, month: 12, day: 31)?.rawValue ?? 0)
        let symbols = ["", "", "~", "?", "%"]
        func randomDay() -> Day { Day(rawValue: Int32(rng.next(in: lowest...highest))) }
        func optionalDay() -> Day? { rng.next(in: 0...4) == 0 ? nil : randomDay() }
        for _ in 0..<2_000 {
            let start = randomDay()
            let end = start.adding(days: rng.next(in: 0...800))
            let (qs, qe) = (symbols[rng.next(in: 0...4)], symbols[rng.next(in: 0...4)])
            let text: String
            switch rng.next(in: 0...3) {
            case 0: text = "\(start)\(qs)/\(end)\(qe)"
            case 1: text = "\(start)\(qs)/.."
            case 2: text = "../\(end)\(qe)"
            default: text = "\(start)\(qs)"
            }
            let time = try ValidTime(edtf: text)
            func ordered(_ a: Day?, _ b: Day?) -> Bool {
                guard let a, let b else { return true }
                return a <= b
            }
            for b in [time.bounds(), time.bounds(padding: rng.next(in: 0...30))] {
                #expect(ordered(b.earliestStart, b.latestStart), "\(text)")
                #expect(ordered(b.earliestEnd, b.latestEnd), "\(text)")
                #expect(ordered(b.earliestStart, b.latestEnd), "\(text)")
                #expect(ordered(b.earliestStart, b.earliestEnd) && ordered(b.latestStart, b.latestEnd), "\(text)")
            }
            if text.contains("/") && !text.hasPrefix("../") { #expect(time.earliestStart == start) }
            if text.contains("/") && !text.hasSuffix("/..") { #expect(time.latestEnd == end) }
            if end > start {
                #expect(throws: EDTFError.self) { try ValidTime(edtf: "\(end)/\(start)") }
            }
            for _ in 0..<5 {
                let (from, to, padding) = (optionalDay(), optionalDay(), rng.next(in: 0...10))
                if time.certainlyWithin(from: from, to: to, padding: padding) {
                    #expect(
                        time.possiblyOverlaps(from: from, to: to, padding: padding),
                        "\(text) \(String(describing: from)) \(String(describing: to))")
                }
                if !time.possiblyOverlaps(from: from, to: to, padding: padding) {
                    #expect(!time.possiblyOverlaps(from: from, to: to), "padding only widens: \(text)")
                }
            }
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, so failures reproduce.
private struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
