#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When the journal learned something: microseconds since 1970-01-01T00:00:00Z (UTC).
/// Record time never goes backwards in a journal.
public struct RecordTime: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(microseconds: Int64) { self.rawValue = microseconds }

    public var microseconds: Int64 { rawValue }

    /// The current time of the system clock.
    public static func now() -> RecordTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RecordTime(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    public static func < (a: RecordTime, b: RecordTime) -> Bool { a.rawValue < b.rawValue }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always with six fractional digits, so the text is
    /// lossless and sorts like the time.
    public var description: String { iso8601 }

    public var iso8601: String {
        let us = rawValue
        let secs = us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000
        let frac = us - secs * 1_000_000
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let sod = secs - days * 86_400
        let (y, m, d) = CivilDate.fromDays(days)
        var out = ""
        out.reserveCapacity(27)
        out += pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(sod / 3600, 2) + ":" + pad(sod / 60 % 60, 2) + ":" + pad(sod % 60, 2)
        out += "." + pad(frac, 6) + "Z"
        return out
    }

    /// The end of the given UTC day (its last microsecond): how `--as-of 2020-06-01` is read.
    public static func endOfDay(year: Int64, month: Int64, day: Int64) -> RecordTime {
        RecordTime(microseconds: (CivilDate.toDays(year, month, day) + 1) * 86_400_000_000 - 1)
    }

    private func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Days since 1970-01-01 and back, for the proleptic Gregorian calendar
/// (H. Hinnant's `days_from_civil` / `civil_from_days`): record times here, valid-time
/// days in StrataDomain (`Day`).
public enum CivilDate {
    public static func toDays(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func fromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
