import StrataLog
import Testing

@Suite("Record time")
struct RecordTimeIndexTests {
    let s = StreamID.test("report-x")

    private func at(_ text: String) throws -> RecordTime {
        try #require(RecordTime(iso8601: text))
    }

    @Test("record time moves only forward; --recorded-at may not go back")
    func monotonic() throws {
        let clock = TestClock(try at("2100-01-01T00:00:00Z"))
        let t = try TemporaryLog(clock: clock)
        defer { t.remove() }
        let future = try at("2100-01-01T00:00:00Z")
        try t.log.append([StreamAppend(stream: s, events: [event(1)])], recordedAt: future, recordedBy: "x")
        // The clock is behind the last record time (it was set back): the new event takes
        // the last time.
        clock.now = try at("2099-06-01T00:00:00Z")
        let r = try t.log.append([StreamAppend(stream: s, events: [event(2)])], recordedBy: "x")
        #expect(r.recordedAt == future)
        let earlier = try at("2099-12-31T23:59:59Z")
        #expect(throws: LogError.recordTimeBackwards(requested: earlier, last: future)) {
            try t.log.append([StreamAppend(stream: s, events: [event(3)])], recordedAt: earlier, recordedBy: "x")
        }
        clock.now = future
        try t.log.append([StreamAppend(stream: s, events: [event(4)])], recordedAt: future, recordedBy: "x")
        #expect(try t.log.head().lastPosition == Position(3))
    }

    @Test(
        "a record time past the clock (beyond the allowed skew) is refused, by append and by import; nothing is written"
    )
    func notAheadOfTheClock() throws {
        let now = try at("2026-06-01T12:00:00Z")
        let t = try TemporaryLog(clock: TestClock(now))
        defer { t.remove() }
        let skew = EventLog.clockSkew
        let justInside = RecordTime(microseconds: now.microseconds + skew)
        let justPast = RecordTime(microseconds: now.microseconds + skew + 1)
        #expect(throws: LogError.recordTimeInFuture(requested: justPast, clock: now)) {
            try t.log.append([StreamAppend(stream: s, events: [event(1)])], recordedAt: justPast, recordedBy: "x")
        }
        #expect(try t.log.head().lastPosition == .zero)
        let r = try t.log.append([StreamAppend(stream: s, events: [event(1)])], recordedAt: justInside, recordedBy: "x")
        #expect(r.recordedAt == justInside)

        // An export whose second command is recorded past the clock: refused at that line,
        // and none of the file is imported.
        let source = try TemporaryLog(clock: TestClock(try at("2100-01-01T00:00:00Z")))
        defer { source.remove() }
        try source.log.append([StreamAppend(stream: s, events: [event(10)])], recordedAt: now, recordedBy: "x")
        try source.log.append([StreamAppend(stream: s, events: [event(11)])], recordedAt: justPast, recordedBy: "x")
        var exported: [Envelope] = []
        try source.log.read {
            exported.append($0); return true
        }
        let target = try TemporaryLog(clock: TestClock(now))
        defer { target.remove() }
        do {
            try target.log.importEnvelopes(exported)
            Issue.record("the import was accepted")
        } catch LogError.importRejected(let line, let field, _) {
            #expect(line == 2 && field == "recorded_at")
        }
        #expect(try target.log.head().lastPosition == .zero)
    }

    @Test(
        "the allowed skew is five minutes: 12:05:00 is accepted at a clock of 12:00, 12:05:00.000001 and 12:06 are not")
    func skewIsFiveMinutes() throws {
        let now = try at("2026-06-01T12:00:00Z")
        let t = try TemporaryLog(clock: TestClock(now))
        defer { t.remove() }
        // Literal times, not EventLog.clockSkew: the rule is the product's (at most five
        // minutes ahead), and a test that reads the constant passes whatever it holds.
        for text in ["2026-06-01T12:05:00.000001Z", "2026-06-01T12:06:00Z", "2026-06-01T13:00:00Z"] {
            let ahead = try at(text)
            #expect(throws: LogError.recordTimeInFuture(requested: ahead, clock: now), "\(text)") {
                try t.log.append([StreamAppend(stream: s, events: [event(1)])], recordedAt: ahead, recordedBy: "x")
            }
        }
        #expect(try t.log.head().lastPosition == .zero)
        let edge = try at("2026-06-01T12:05:00Z")
        let r = try t.log.append([StreamAppend(stream: s, events: [event(1)])], recordedAt: edge, recordedBy: "x")
        #expect(r.recordedAt == edge)
    }

    @Test("as-of finds the last position recorded at or before a time")
    func asOf() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let times = ["2020-05-22T10:00:00Z", "2020-05-22T10:00:00Z", "2020-06-01T00:00:00Z", "2021-01-01T12:30:00Z"]
        for (i, text) in times.enumerated() {
            try t.log.append(
                [StreamAppend(stream: s, events: [event(2 * i), event(2 * i + 1)])], recordedAt: try at(text),
                recordedBy: "x")
        }
        #expect(try t.log.position(asOf: try at("2020-05-22T09:59:59.999999Z")) == .zero)
        #expect(try t.log.position(asOf: try at("2020-05-22T10:00:00Z")) == Position(4))
        #expect(try t.log.position(asOf: try at("2020-05-31T23:59:59Z")) == Position(4))
        #expect(try t.log.position(asOf: try at("2020-06-01T00:00:00Z")) == Position(6))
        #expect(try t.log.position(asOf: try at("2030-01-01T00:00:00Z")) == Position(8))
        #expect(try t.log.position(asOf: RecordTime(iso8601: "2020-06-01", dateOnly: .endOfDay)!) == Position(6))
    }

    @Test("a date alone is its first microsecond, or with .endOfDay (--as-of, --published-by) its last: the whole day")
    func dateOnlyEndOfDay() throws {
        #expect(RecordTime(iso8601: "2020-06-01")?.iso8601 == "2020-06-01T00:00:00.000000Z")
        #expect(RecordTime(iso8601: "2020-06-01", dateOnly: .endOfDay)?.iso8601 == "2020-06-01T23:59:59.999999Z")
        #expect(
            RecordTime(iso8601: "2024-02-29", dateOnly: .endOfDay) == RecordTime.endOfDay(year: 2024, month: 2, day: 29)
        )
        // An event recorded at noon is in the view as of that date.
        let t = try TemporaryLog()
        defer { t.remove() }
        try t.log.append(
            [StreamAppend(stream: s, events: [event(1)])], recordedAt: try at("2020-06-01T12:00:00Z"), recordedBy: "x")
        #expect(try t.log.position(asOf: RecordTime(iso8601: "2020-06-01", dateOnly: .endOfDay)!) == Position(1))
        #expect(try t.log.position(asOf: RecordTime(iso8601: "2020-05-31", dateOnly: .endOfDay)!) == .zero)
    }

    @Test("ISO 8601 text round-trips to the microsecond")
    func formatRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let t = RecordTime(
                microseconds: Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &rng))
            #expect(RecordTime(iso8601: t.iso8601) == t)
        }
        #expect(RecordTime(microseconds: 0).iso8601 == "1970-01-01T00:00:00.000000Z")
        #expect(RecordTime(microseconds: -1).iso8601 == "1969-12-31T23:59:59.999999Z")
    }

    @Test(
        "parsing reads dates, offsets and fractions",
        arguments: [
            ("2020-05-22", "2020-05-22T00:00:00.000000Z"),
            ("2020-05-22T10:15Z", "2020-05-22T10:15:00.000000Z"),
            ("2020-05-22T10:15:30", "2020-05-22T10:15:30.000000Z"),
            ("2020-05-22T10:15:30.5+09:00", "2020-05-22T01:15:30.500000Z"),
            ("2020-05-22T01:00:00-0130", "2020-05-22T02:30:00.000000Z"),
            ("2024-02-29T23:59:59.1234567Z", "2024-02-29T23:59:59.123456Z"),
        ])
    func parsing(text: String, expected: String) throws {
        #expect(RecordTime(iso8601: text)?.iso8601 == expected)
    }

    @Test(
        "parsing refuses what is not a time",
        arguments: [
            "", "2020", "2020-13-01", "2021-02-29", "2020-04-31", "2020-05-22T24:00", "2020-05-22T10:60",
            "2020-05-22T10:15:30.", "2020-05-22T10:15+25:00", "2020-05-22Z", "20200522", "2020-05-22T10:15:30Zjunk",
        ])
    func refusing(text: String) {
        #expect(RecordTime(iso8601: text) == nil)
    }
}
