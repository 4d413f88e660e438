/// Number and table formatting for human-readable output.
enum Format {
    /// `1234567` → `1,234,567`.
    static func thousands(_ n: Int) -> String {
        let digits = Array(String(n.magnitude).utf8)
        var out: [UInt8] = n < 0 ? [UInt8(ascii: "-")] : []
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
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

    /// Left-aligned columns separated by two spaces; numeric columns right-aligned.
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        // Columns are counted in Unicode scalars (names here have no combining marks): the
        // UTF-8 bytes that start one, which is much cheaper than counting characters.
        func width(_ s: String) -> Int {
            var n = 0
            for b in s.utf8 where b & 0xC0 != 0x80 { n += 1 }
            return n
        }
        let all = [header] + rows
        let cellWidths = all.map { $0.map(width) }
        var widths = header.map(width)
        for row in cellWidths {
            for (i, w) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], w) }
        }
        let right = (0..<max(widths.count, all.map(\.count).max() ?? 0)).map { rightAligned.contains($0) }
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
        return String(decoding: out, as: UTF8.self)
    }
}
