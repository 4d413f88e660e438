import StrataLog

/// A calendar day (proleptic Gregorian, UTC): days since 1970-01-01. The unit of valid
/// time: reports date events to the day at best.
public struct Day: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The years a day may be in: EDTF's four digits.
    public static let years = 0...9999

    /// The day with these components, or `nil` when they are not a date (month 13, 30
    /// February, a year outside ``years``).
    public init?(year: Int, month: Int, day: Int) {
        guard Day.years.contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(year: year, month: month)
        else { return nil }
        self.rawValue = Int32(CivilDate.toDays(Int64(year), Int64(month), Int64(day)))
    }

    /// Year, month and day.
    public var components: (year: Int, month: Int, day: Int) {
        let (y, m, d) = CivilDate.fromDays(Int64(rawValue))
        return (Int(y), Int(m), Int(d))
    }

    public static func daysIn(year: Int, month: Int) -> Int { Int(CivilDate.daysInMonth(Int64(year), Int64(month))) }

    public func adding(days n: Int) -> Day { Day(rawValue: rawValue + Int32(n)) }

    public static func < (a: Day, b: Day) -> Bool { a.rawValue < b.rawValue }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
