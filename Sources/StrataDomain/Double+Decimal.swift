import Foundation

extension Double {
    /// This value rounded to 15 significant digits, as many as a double holds of any
    /// decimal: the decimal a computation on exact inputs means, without the noise of binary
    /// arithmetic (24.3 × 0.001 is 0.024300000000000002, .75 × .95 is 0.7124999999999999;
    /// rounded, 0.0243 and 0.7125). Values under 10⁻⁸ or over 10¹⁴, and zero, infinities and
    /// NaN, are returned as they are.
    public var decimalRounded: Double {
        guard self != 0, isFinite else { return self }
        let digits = 14 - Int(log10(abs(self)).rounded(.down))
        guard digits >= 0, digits < Double.powersOfTen.count else { return self }
        let scale = Double.powersOfTen[digits]
        return (self * scale).rounded() / scale
    }

    /// As an analyst writes it: whole numbers without a decimal point (`35`), others as
    /// Swift prints them (`24.3`).
    public var plainText: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }

    /// ``plainText`` with its whole part in groups of three, for readers: `24,000,000`,
    /// `1,234.5`, and without an exponent (`0.000001`, not `1e-06`). Made on bytes: every
    /// row of a timeline makes one.
    public var groupedText: String {
        var plain = Array(plainText.utf8)
        if let e = plain.firstIndex(of: UInt8(ascii: "e")) { plain = Double.withoutExponent(plain, at: e) }
        let start = plain.first == UInt8(ascii: "-") ? 1 : 0
        let end = plain.firstIndex(of: UInt8(ascii: ".")) ?? plain.count
        guard end - start > 3 else { return String(decoding: plain, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(plain.count + (end - start) / 3)
        out.append(contentsOf: plain[..<start])
        for i in start..<end {
            if i > start && (end - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(plain[i])
        }
        out.append(contentsOf: plain[end...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `1.5e-07` as `0.00000015`, `1e+16` as `10000000000000000`: the digits of Swift's
    /// shortest form, with the point moved by the exponent (at `e`).
    private static func withoutExponent(_ text: [UInt8], at e: Int) -> [UInt8] {
        let negative = text.first == UInt8(ascii: "-")
        let mantissa = text[(negative ? 1 : 0)..<e]
        guard let exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) else { return text }
        let point = mantissa.firstIndex(of: UInt8(ascii: ".")) ?? mantissa.endIndex
        var digits = Array(mantissa.filter { $0 != UInt8(ascii: ".") })
        // Where the point goes in `digits`: after the whole part's digits, moved.
        var at = point - mantissa.startIndex + exponent
        if at <= 0 {
            digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: 1 - at), at: 0)
            at = 1
        }
        if at >= digits.count { digits += repeatElement(UInt8(ascii: "0"), count: at - digits.count) }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        out += digits[..<at]
        // Trailing zeros of the fraction say nothing: 1.50e-1 is 0.15.
        var fraction = digits[at...]
        while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
        if !fraction.isEmpty { out += [UInt8(ascii: ".")] + fraction }
        return out
    }

    /// 10⁰ … 10²², every power of ten a double holds exactly.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]
}
