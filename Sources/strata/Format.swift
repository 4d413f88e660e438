import StrataDomain

#if canImport(Glibc)
    import Glibc
#endif

/// Number and table formatting for human-readable output.
enum Format {
    /// Low, best and high tonnes for a table (`-` each without a quantity): ``tonnes(_:)``,
    /// and an unbounded high (an "at least" quantity) is `open`.
    static func tonnes(_ t: Tonnes?) -> [String] {
        guard let t else { return ["-", "-", "-"] }
        return tonnes(low: t.low, best: t.best, high: t.high)
    }

    static func tonnes(low: Double?, best: Double?, high: Double?) -> [String] {
        [tonnes(low), tonnes(best), high.map { tonnes($0) } ?? "open"]
    }

    /// Tonnes with thousands separators, one decimal when not whole (three under 1 t, so a
    /// 27 kg shipment does not show as 0); `-` for none.
    static func tonnes(_ v: Double?) -> String {
        guard let v else { return "-" }
        // Under 0.9995 t three decimals; from there on 1 t and up (1,000 thousandths
        // would not fit three digits).
        if v > 0, case let thousandths = Int((v * 1000).rounded()), thousandths < 1000 {
            return "0." + String(repeating: "0", count: 3 - String(thousandths).count) + String(thousandths)
        }
        let whole = v.rounded()
        if abs(v - whole) < 0.05 { return thousands(Int(whole)) }
        let tenths = Int((v * 10).rounded())
        return grouped(tenths / 10, tenth: abs(tenths % 10))
    }

    /// A non-negative number with two decimals: `0.84`, `1.00` (a confidence).
    static func hundredths(_ v: Double) -> String {
        let n = Int((v * 100).rounded())
        return "\(n / 100)." + (n % 100 < 10 ? "0" : "") + "\(n % 100)"
    }

    /// `1234567` → `1,234,567`.
    static func thousands(_ n: Int) -> String { grouped(n, tenth: nil) }

    /// `n` with thousands separators, and `.tenth` after it when given. Written from the
    /// right into a buffer on the stack and made a String once (a table of 3,456 volume
    /// rows formats 10,000 numbers; through arrays and concatenation that was a tenth of
    /// the query).
    private static func grouped(_ n: Int, tenth: Int?) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var at = buffer.count
            func put(_ byte: UInt8) {
                at -= 1
                buffer[at] = byte
            }
            if let tenth {
                put(UInt8(ascii: "0") + UInt8(tenth))
                put(UInt8(ascii: "."))
            }
            var rest = n.magnitude
            var digits = 0
            repeat {
                if digits > 0, digits % 3 == 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
                digits += 1
            } while rest > 0
            if n < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[at...]), as: UTF8.self)
        }
    }

    /// Bytes with a binary unit: `1.5 MiB`.
    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        if u == 0 { return "\(n) B" }
        let rounded = (v * 10).rounded() / 10
        return "\(rounded) \(units[u])"
    }

    /// How a table narrows to fit a terminal: the columns that may be cut, marked with
    /// `…` (never numbers), and where. Tables are fitted to ``terminalWidth``.
    struct Fit {
        enum Cut {
            /// Keep the start: names and summaries.
            case end
            /// Keep both ends: ids such as `dailynk-2020-05-minerals/c12`, whose end tells
            /// claims apart.
            case middle
        }

        var cuttable: [Int: Cut]
        /// Columns left out, in this order, while the table would not fit even with every
        /// cuttable column cut to its readable width: a wide terminal shows them all.
        var optional: [Int] = []
        /// The narrowest a cuttable column may be cut before an optional column is left out
        /// instead (default ``narrowest``).
        var readable: [Int: Int] = [:]
        var width = Format.terminalWidth
        /// A column that is never cut: when the row cannot show it whole, it is printed on
        /// a line of its own above the rest of the row, which is indented by two spaces
        /// (shipment ids, which a reader copies into `strata claim`).
        var heading: Int? = nil
        /// No column is cut narrower than this.
        static let narrowest = 8

        /// These settings for the table of the columns `shown` (in that order), and where
        /// each shown column now is.
        func keeping(_ shown: [Int]) -> (fit: Fit, at: [Int: Int]) {
            let at = Dictionary(uniqueKeysWithValues: shown.enumerated().map { ($1, $0) })
            var kept = Fit(cuttable: [:], optional: optional.compactMap { at[$0] }, width: width)
            for (i, cut) in cuttable { if let j = at[i] { kept.cuttable[j] = cut } }
            for (i, w) in readable { if let j = at[i] { kept.readable[j] = w } }
            kept.heading = heading.flatMap { at[$0] }
            return (kept, at)
        }

        /// The narrowest the columns `shown` can be, side by side.
        func least(_ shown: [Int], _ natural: [Int]) -> Int {
            shown.map { i in cuttable[i] == nil ? natural[i] : min(natural[i], readable[i] ?? Fit.narrowest) }
                .reduce(0, +) + 2 * (shown.count - 1)
        }

        /// The columns to show, in order, for cells of these natural widths.
        func visible(_ natural: [Int]) -> [Int] {
            var shown = Array(natural.indices)
            var dropping = optional[...]
            while let next = dropping.first {
                if least(shown, natural) <= width { break }
                shown.removeAll { $0 == next }
                dropping = dropping.dropFirst()
            }
            return shown
        }
    }

    /// The width tables fit in: `$COLUMNS` when set, else the terminal's when the output
    /// is one, else 80.
    static var terminalWidth: Int {
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n >= 20 { return n }
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 {
            return Int(size.ws_col)
        }
        return 80
    }

    /// The terminal columns `text` takes: one a character, two for East Asian wide and
    /// fullwidth ones (Hangul, CJK ideographs, kana, fullwidth forms), which terminals draw
    /// double. ASCII, most of what tables hold, is counted by its bytes.
    static func width(_ s: String) -> Int {
        // Read from the UTF-8 bytes, decoding only what is not ASCII (an arrow in every
        // route cell sent whole tables down the scalar view).
        var text = s
        return text.withUTF8 { bytes in
            var n = 0
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                if lead < 0x80 {
                    n += 1
                    i += 1
                    continue
                }
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<min(length, bytes.count - i) { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                n += Unicode.Scalar(value).map(columns) ?? 1
                i += length
            }
            return n
        }
    }

    /// The columns one scalar takes (see ``width(_:)``): none for combining marks and the
    /// invisible characters (a zero-width space), by their blocks: looking up each
    /// scalar's Unicode properties made a table of 35,000 rows half as slow again.
    static func columns(_ s: Unicode.Scalar) -> Int {
        switch s.value {
        case 0x00AD, 0x0300...0x036F, 0x034F, 0x061C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180F,
            0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0x20D0...0x20FF,
            0x3164, 0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0xFFA0, 0xE0000...0xE0FFF:
            return 0
        default:
            break
        }
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        case 0x231A...0x1FAFF:
            return isWideSymbol(s.value) ? 2 : 1
        default:
            return 1
        }
    }

    /// Whether a symbol is drawn double: emoji such as 🚢 and ⚓ and the other symbols
    /// Unicode's East Asian Width gives W (as glibc's `wcwidth` counts them).
    private static func isWideSymbol(_ v: UInt32) -> Bool {
        switch v {
        case 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE, 0x2614...0x2615,
            0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4,
            0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E,
            0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x1F004, 0x1F0CF,
            0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
            0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440,
            0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A, 0x1F595...0x1F596,
            0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6DF,
            0x1F6EB...0x1F6EF, 0x1F6F4...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945,
            0x1F947...0x1F9FF, 0x1FA70...0x1FAFF:
            return true
        default:
            return false
        }
    }

    /// `text` cut to `width` columns with `…`.
    static func cut(_ text: String, to width: Int, _ how: Fit.Cut) -> String {
        guard Format.width(text) > width, width >= 1 else { return text }
        let scalars = text.unicodeScalars
        /// The index in `scalars` after as many scalars from the start as fit in `budget`
        /// columns, or before as many from the end.
        func boundary(_ budget: Int, fromEnd: Bool) -> String.UnicodeScalarView.Index {
            var used = 0
            if fromEnd {
                var i = scalars.endIndex
                while i > scalars.startIndex {
                    let before = scalars.index(before: i)
                    let c = columns(scalars[before])
                    if used + c > budget { break }
                    used += c
                    i = before
                }
                return i
            }
            var i = scalars.startIndex
            while i < scalars.endIndex {
                let c = columns(scalars[i])
                if used + c > budget { break }
                used += c
                i = scalars.index(after: i)
            }
            return i
        }
        // Slices of the text, not arrays of scalars made into strings (a generic path that
        // took most of the time a table of 3,456 rows spent cutting 432 cells).
        switch how {
        case .end:
            return String(scalars[..<boundary(width - 1, fromEnd: false)]) + "…"
        case .middle:
            let tail = (width - 1) / 2
            return String(scalars[..<boundary(width - 1 - tail, fromEnd: false)]) + "…"
                + String(scalars[boundary(tail, fromEnd: true)...])
        }
    }

    /// `text` on lines of at most `width` columns, broken between words: the first line
    /// begins with `first` (and a space, unless `first` ends with one), the others with
    /// `indent`. A word wider than a line (an id, an address) is kept whole on a line of its
    /// own: ids are never cut.
    static func wrapped(_ text: String, width: Int = terminalWidth, first: String, indent: String) -> [String] {
        var lines: [String] = []
        var line = first
        var used = Format.width(first)
        var empty = first.isEmpty || first.last == " "
        for word in oneLine(text).split(separator: " ", omittingEmptySubsequences: true) {
            let w = Format.width(String(word))
            if !empty && used + 1 + w > width {
                lines.append(line)
                line = indent
                used = Format.width(indent)
                empty = true
            }
            if !empty {
                line += " "
                used += 1
            }
            line += word
            used += w
            empty = false
        }
        lines.append(line)
        return lines
    }

    /// A cell on one line: line breaks and tabs (which a name may hold) become spaces, so
    /// they cannot break a row in two.
    static func oneLine(_ cell: String) -> String {
        guard cell.utf8.contains(where: { $0 < 0x20 }) else { return cell }
        return String(String.UnicodeScalarView(cell.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
    }

    /// Left-aligned columns separated by two spaces; numeric columns right-aligned. With
    /// `fit`, a table wider than the terminal first leaves out the optional columns, in
    /// order, while it would not fit with its cuttable columns at their readable widths;
    /// a heading column that still does not fit whole goes on a line of its own above each
    /// row (the rest indented by two); then the widest cuttable column loses a column at a
    /// time until the table fits.
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = [], fit: Fit? = nil) -> String {
        // Rows are copied only when a cell has a line break or tab (rarely): copying every
        // row of a large table cost more than laying it out.
        let isOneLine = { (cell: String) in !cell.utf8.contains { $0 < 0x20 } }
        let oneLineRows = rows.allSatisfy { $0.allSatisfy(isOneLine) } ? rows : rows.map { $0.map(oneLine) }
        return fitted(header.map(oneLine), oneLineRows, rightAligned: rightAligned, fit: fit)
    }

    /// ``table(_:_:rightAligned:fit:)`` of cells already on one line.
    private static func fitted(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>, fit: Fit?) -> String {
        func table(of shown: [Int], _ fit: Fit) -> String {
            let (kept, at) = fit.keeping(shown)
            return fitted(
                shown.map { header[$0] }, rows.map { row in shown.map { $0 < row.count ? row[$0] : "" } },
                rightAligned: Set(rightAligned.compactMap { at[$0] }), fit: kept)
        }
        if let fit, fit.heading != nil || !fit.optional.isEmpty {
            var natural = header.map(width)
            for row in rows {
                for (i, cell) in row.enumerated() where i < natural.count { natural[i] = max(natural[i], width(cell)) }
            }
            if let h = fit.heading, h < header.count {
                // One line a row when it can show the heading whole; else the heading above it.
                var whole = fit
                whole.heading = nil
                whole.cuttable[h] = nil
                if whole.least(whole.visible(natural), natural) <= fit.width {
                    return table(of: Array(header.indices), whole)
                }
                var rest = fit
                rest.heading = nil
                rest.width = fit.width - 2
                let body = table(of: header.indices.filter { $0 != h }, rest).split(
                    separator: "\n", omittingEmptySubsequences: false)
                let headings = [header[h]] + rows.map { h < $0.count ? $0[h] : "" }
                return zip(headings, body).map { "\($0)\n  \($1)" }.joined(separator: "\n")
            }
            let shown = fit.visible(natural)
            if shown.count < header.count { return table(of: shown, fit) }
        }
        var all = [header] + rows
        var cellWidths = all.map { $0.map(width) }
        var widths = header.map(width)
        for row in cellWidths {
            for (i, w) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], w) }
        }
        if let fit, widths.reduce(0, +) + 2 * (widths.count - 1) > fit.width {
            // The widest column above its readable width loses a column; once all are
            // there, the widest above the narrowest. Of equally wide ones, the leftmost:
            // in column order, not the dictionary's (which changes from run to run).
            let cuttable = fit.cuttable.keys.sorted()
            func widest(above floor: (Int) -> Int) -> Int? {
                cuttable.filter { $0 < widths.count && widths[$0] > floor($0) }.max { widths[$0] < widths[$1] }
            }
            while widths.reduce(0, +) + 2 * (widths.count - 1) > fit.width,
                let i = widest(above: { max(fit.readable[$0] ?? Fit.narrowest, Fit.narrowest) })
                    ?? widest(above: { _ in Fit.narrowest })
            {
                widths[i] -= 1
            }
            for (r, cells) in all.enumerated() {
                for (i, cell) in cells.enumerated() where i < widths.count && cellWidths[r][i] > widths[i] {
                    all[r][i] = cut(cell, to: widths[i], fit.cuttable[i] ?? .end)
                    cellWidths[r][i] = widths[i]
                }
            }
        }
        let right = (0..<max(widths.count, all.lazy.map { $0.count }.max() ?? 0)).map { rightAligned.contains($0) }
        let space = UInt8(ascii: " ")
        var out: [UInt8] = []
        out.reserveCapacity(all.count * (widths.reduce(0, +) + 2 * widths.count + 1) + 1024)
        for (r, cells) in all.enumerated() {
            if r > 0 { out.append(UInt8(ascii: "\n")) }
            for (i, cell) in cells.enumerated() {
                if i > 0 { out.append(contentsOf: [space, space]) }
                let pad = max(0, (i < widths.count ? widths[i] : 0) - cellWidths[r][i])
                if right[i] {
                    out.append(contentsOf: repeatElement(space, count: pad))
                    out.append(contentsOf: cell.utf8)
                } else {
                    out.append(contentsOf: cell.utf8)
                    if i < cells.count - 1 { out.append(contentsOf: repeatElement(space, count: pad)) }
                }
            }
        }
        // Bytes, made a String once: appending each cell and its padding to a String
        // took four times as long.
        return String(decoding: out, as: UTF8.self)
    }
}
