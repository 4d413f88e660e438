extension RecordTime {
    /// How a date without a time of day is read.
    public enum DateOnly: Sendable {
        /// The first microsecond of the day (a publication date).
        case startOfDay
        /// The last microsecond of the day (`--as-of 2020-06-01` includes all of that day).
        case endOfDay
    }

    /// Parses ISO 8601: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.f…]]` followed by `Z` or
    /// `±HH:MM` (UTC when there is none). Returns `nil` for anything else or an impossible
    /// date.
    public init?(iso8601 text: String, dateOnly: DateOnly = .startOfDay) {
        var text = text
        guard let t = text.withUTF8({ RecordTime(iso8601: UnsafeRawBufferPointer($0), dateOnly: dateOnly) }) else {
            return nil
        }
        self = t
    }

    /// Parses ISO 8601 from UTF-8 bytes, as ``init(iso8601:dateOnly:)-(String,_)`` does.
    init?(iso8601 utf8: UnsafeRawBufferPointer, dateOnly: DateOnly = .startOfDay) {
        var p = Scanner(utf8)
        guard let year = p.digits(4), p.take("-"), let month = p.digits(2), p.take("-"), let day = p.digits(2),
            (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year, month)
        else { return nil }
        let days = CivilDate.toDays(year, month, day)
        if p.atEnd {
            let start = days * 86_400_000_000
            self.init(microseconds: dateOnly == .startOfDay ? start : start + 86_400_000_000 - 1)
            return
        }
        guard p.take("T") || p.take(" "), let hour = p.digits(2), p.take(":"), let minute = p.digits(2),
            hour < 24, minute < 60
        else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if p.take(":") {
            guard let s = p.digits(2), s < 60 else { return nil }
            second = s
            if p.take(".") || p.take(",") {
                var n = 0
                while let d = p.digit() {
                    if n < 6 { micros = micros * 10 + d }
                    n += 1
                }
                guard n > 0 else { return nil }
                for _ in n..<max(n, 6) { micros *= 10 }
            }
        }
        var offset: Int64 = 0
        if p.take("Z") || p.take("z") {
        } else if let sign = p.sign() {
            guard let oh = p.digits(2), oh < 24 else { return nil }
            _ = p.take(":")
            guard let om = p.digits(2), om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard p.atEnd else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        self.init(microseconds: seconds * 1_000_000 + micros)
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
        var atEnd: Bool { i == bytes.count }
        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: c) else { return false }
            i += 1
            return true
        }
        mutating func digit() -> Int64? {
            guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return nil }
            i += 1
            return Int64(bytes[i - 1] - 48)
        }
        mutating func digits(_ n: Int) -> Int64? {
            var v: Int64 = 0
            for _ in 0..<n {
                guard let d = digit() else { return nil }
                v = v * 10 + d
            }
            return v
        }
        mutating func sign() -> Int64? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }
}
