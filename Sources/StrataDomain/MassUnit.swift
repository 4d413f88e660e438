/// Units of mass a report may use, each with its factor to metric tonnes.
public enum MassUnit: String, CaseIterable, Hashable, Sendable {
    case tonne = "t"
    case kilotonne = "kt"
    case megatonne = "Mt"
    case kilogram = "kg"
    case shortTon = "short ton"
    case longTon = "long ton"
    case pound = "lb"

    /// `amount` of this unit in metric tonnes, to 15 significant digits
    /// (``Swift/Double/decimalRounded``): 24.3 kg is 0.0243 t, not the
    /// 0.024300000000000002 of 24.3 × 0.001 in doubles, and 1 short ton stays 0.90718474.
    public func tonnes(_ amount: Double) -> Double { (amount * tonnes).decimalRounded }

    /// Metric tonnes in one of this unit.
    public var tonnes: Double {
        switch self {
        case .tonne: return 1
        case .kilotonne: return 1_000
        case .megatonne: return 1_000_000
        case .kilogram: return 0.001
        case .shortTon: return 0.907_184_74
        case .longTon: return 1.016_046_908_8
        case .pound: return 0.000_453_592_37
        }
    }

    /// Reads a unit as analysts write it: `t`, `tonne(s)`, `ton(s)` and `metric ton(s)` are
    /// metric tonnes (reports on this trade mean metric tons); `kt`, `Mt`, `kg`,
    /// `short ton(s)`, `long ton(s)`, `lb(s)`. Case matters only for `Mt` vs `mt`, which
    /// is refused as ambiguous (megatonne or metric ton).
    public init?(text: String) {
        let t = text.trimmingSpaces
        if t == "Mt" {
            self = .megatonne
            return
        }
        guard let unit = MassUnit.spellings[t.lowercased()] else { return nil }
        self = unit
    }

    /// Every spelling read, in lower case, but `Mt` (whose lower case is refused).
    /// `schemas/report.schema.json` takes the same (a test checks them all there).
    public static let spellings: [String: MassUnit] = {
        var all: [String: MassUnit] = [:]
        for (unit, names) in [
            (
                MassUnit.tonne,
                ["t", "tonne", "tonnes", "ton", "tons", "metric ton", "metric tons", "metric tonne", "metric tonnes"]
            ),
            (.kilotonne, ["kt", "kilotonne", "kilotonnes", "thousand tonnes", "thousand tons"]),
            (.megatonne, ["megatonne", "megatonnes", "million tonnes", "million tons"]),
            (.kilogram, ["kg", "kilogram", "kilograms", "kilo", "kilos"]),
            (.shortTon, ["short ton", "short tons"]),
            (.longTon, ["long ton", "long tons"]),
            (.pound, ["lb", "lbs", "pound", "pounds"]),
        ] {
            for name in names { all[name] = unit }
        }
        return all
    }()

    static let accepted =
        "t (or tonne, ton, metric ton), kt (kilotonne, thousand tonnes), Mt (megatonne, million tonnes), "
        + "kg (kilogram, kilo), short ton, long ton or lb (pound), each also in the plural"

    /// Why `text` is not a unit, when it is one analysts write that Strata cannot read
    /// one way only.
    static func ambiguity(_ text: String) -> String? {
        text.trimmingSpaces.lowercased() == "mt"
            ? "\"\(text.trimmingSpaces)\" is ambiguous (metric ton or megatonne): write t or Mt" : nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
