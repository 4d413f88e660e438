/// A price as reported.
public struct Price: Hashable, Sendable {
    public let amount: Double
    /// ISO 4217 code, e.g. `USD`.
    public let currency: String
    /// The unit priced, e.g. `t`.
    public let per: String?

    public init(amount: Double, currency: String, per: String?) {
        self.amount = amount
        self.currency = currency
        self.per = per
    }

    /// The ISO 4217 currency codes in use (with the fund, precious-metal and SDR codes),
    /// as of 2024: a report's price names one of them.
    public static let currencies: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
        "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
        "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
        "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
        "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
        "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
        "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
        "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
        "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
        "XAG", "XAU", "XCD", "XDR", "XOF", "XPD", "XPF", "XPT", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
    ]

    /// Names often written for a currency instead of its code.
    private static let commonNames = [
        "RMB": "CNY", "YUAN": "CNY", "WON": "KPW (North Korea) or KRW (South Korea)", "US$": "USD",
    ]

    /// Why `code` is not a currency code, or `nil` when it is one.
    public static func currencyProblem(_ code: String) -> String? {
        if currencies.contains(code) { return nil }
        let hint = commonNames[code.uppercased()].map { "; for \(code) write \($0)" } ?? ""
        return "\"\(code)\" is not an ISO 4217 currency code such as USD, CNY or KPW\(hint)"
    }
}

extension Price: CustomStringConvertible {
    /// `85 USD per t`.
    public var description: String {
        "\(amount.plainText) \(currency)" + (per.map { " per \($0)" } ?? "")
    }
}
