import StrataDomain

/// A calendar period of the volumes read model: `2020-05`, `2020-Q2` or `2020`.
public enum Granularity: String, CaseIterable, Sendable {
    case month, quarter, year

    /// The period holding `day`, with its first and last days.
    func period(of day: Day) -> (label: String, first: Day, last: Day) {
        let (y, m, _) = day.components
        var year: String { String(y).leftPadded4 }
        switch self {
        case .month:
            let first = Day(year: y, month: m, day: 1) ?? day
            // The stored volumes split every shipment by month: labels made from digits.
            let label = (0...9999).contains(y) ? Granularity.monthLabel(y, m) : "\(year)-\(m < 10 ? "0" : "")\(m)"
            return (label, first, first.adding(days: Day.daysIn(year: y, month: m) - 1))
        case .quarter:
            let q = (m - 1) / 3
            let first = Day(year: y, month: q * 3 + 1, day: 1) ?? day
            let last = Day(year: y, month: q * 3 + 3, day: Day.daysIn(year: y, month: q * 3 + 3)) ?? day
            return ("\(year)-Q\(q + 1)", first, last)
        case .year:
            return (year, Day(year: y, month: 1, day: 1) ?? day, Day(year: y, month: 12, day: 31) ?? day)
        }
    }

    /// `YYYY-MM` for a year of 0…9999 and a month of 1…12.
    private static func monthLabel(_ y: Int, _ m: Int) -> String {
        String(unsafeUninitializedCapacity: 7) { b in
            let zero = UInt8(ascii: "0")
            b[0] = zero + UInt8(y / 1000)
            b[1] = zero + UInt8(y / 100 % 10)
            b[2] = zero + UInt8(y / 10 % 10)
            b[3] = zero + UInt8(y % 10)
            b[4] = UInt8(ascii: "-")
            b[5] = zero + UInt8(m / 10)
            b[6] = zero + UInt8(m % 10)
            return 7
        }
    }

    var index: Int {
        switch self {
        case .month: 0
        case .quarter: 1
        case .year: 2
        }
    }

    /// The periods overlapping `start…end` with the number of those days in each.
    func split(_ start: Day, _ end: Day) -> [(label: String, first: Day, last: Day, days: Int64)] {
        var out: [(String, Day, Day, Int64)] = []
        var cursor = start
        while cursor <= end {
            let p = period(of: cursor)
            let last = min(p.last, end)
            out.append((p.label, p.first, p.last, Int64(last.rawValue - cursor.rawValue + 1)))
            cursor = p.last.adding(days: 1)
        }
        return out
    }

    /// The period of this granularity holding a month labelled `2020-05`.
    func period(ofMonth label: String) -> (label: String, first: Day, last: Day)? {
        let parts = label.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), let day = Day(year: y, month: m, day: 1)
        else {
            return nil
        }
        return period(of: day)
    }
}

extension String {
    fileprivate var leftPadded4: String { count >= 4 ? self : String(repeating: "0", count: 4 - count) + self }
}
