/// An amount of goods as a report states it, and its reading in metric tonnes.
///
/// | written | low | best | high |
/// |---|---|---|---|
/// | exact `5000 t` | 5000 | 5000 | 5000 |
/// | `about` | 0.9 v | v | 1.1 v |
/// | `at least` / `over` | v | v | none (unbounded) |
/// | `up to` / `at most` | 0 | v | v |
/// | range `min`–`max` | min | (min+max)/2 | max |
public struct Quantity: Hashable, Sendable {
    /// How a single value is meant: exactly, about (±10%), at least (no upper bound) or up
    /// to (from 0).
    public enum Qualifier: String, CaseIterable, Hashable, Sendable {
        case exact, about
        case atLeast = "at_least"
        case upTo = "up_to"

        /// Reads a qualifier, accepting the forms the product spec's quantity table writes
        /// (`at least` / `over`, `up to` / `at most`) with a space or an underscore, in any
        /// case (`About`), as units and grades are read.
        public init?(text: String) {
            let lowered = text.lowercased()
            switch lowered {
            case "over", "more_than", "more than", "at least": self = .atLeast
            case "at_most", "at most", "up to": self = .upTo
            default: self.init(rawValue: lowered)
            }
        }
    }

    /// A quantity as written: one value with its qualifier, or a range.
    public enum Amount: Hashable, Sendable {
        case value(Double, Qualifier)
        case range(min: Double, max: Double)
    }

    public let amount: Amount
    public let unit: MassUnit

    /// The largest amount accepted, in tonnes: more than a century of world coal trade is
    /// a typing error, not a shipment.
    public static let maximumTonnes = 1e11

    /// A quantity; throws when a number is negative, not finite, absurdly large, or a range
    /// is reversed. `field` names where the quantity was written, for the error.
    public init(amount: Amount, unit: MassUnit) throws(InputError) {
        func check(_ v: Double, _ name: String) throws(InputError) {
            guard v.isFinite else { throw InputError(field: name, "must be a finite number") }
            guard v >= 0 else { throw InputError(field: name, "must not be negative") }
            guard v * unit.tonnes <= Quantity.maximumTonnes else {
                throw InputError(field: name, "is absurdly large (more than 100 billion tonnes)")
            }
        }
        // -0 is 0 (it printed as -0.0 tonnes).
        func unsigned(_ v: Double) -> Double { v == 0 ? 0 : v }
        switch amount {
        case .value(let v, let qualifier):
            try check(v, "value")
            self.amount = .value(unsigned(v), qualifier)
        case .range(let lo, let hi):
            try check(lo, "min")
            try check(hi, "max")
            guard lo <= hi else { throw InputError(field: "max", "must not be less than min") }
            self.amount = .range(min: unsigned(lo), max: unsigned(hi))
        }
        self.unit = unit
    }

    /// The reading in metric tonnes by the table above.
    public var tonnes: Tonnes {
        let t = unit.tonnes(_:)
        switch amount {
        case .value(let v, .exact): return Tonnes(low: t(v), best: t(v), high: t(v))
        // v · 9 / 10 rather than 0.9 · v: 700 × 1.1 is 770.0000000000001, 700 × 11 / 10 is 770.
        case .value(let v, .about): return Tonnes(low: t(v * 9 / 10), best: t(v), high: t(v * 11 / 10))
        case .value(let v, .atLeast): return Tonnes(low: t(v), best: t(v), high: nil)
        case .value(let v, .upTo): return Tonnes(low: 0, best: t(v), high: t(v))
        case .range(let lo, let hi): return Tonnes(low: t(lo), best: t((lo + hi) / 2), high: t(hi))
        }
    }
}

/// Low, best and high metric tonnes; `high` is `nil` when unbounded.
public struct Tonnes: Hashable, Sendable {
    public var low: Double
    public var best: Double
    public var high: Double?

    public init(low: Double, best: Double, high: Double?) {
        self.low = low
        self.best = best
        self.high = high
    }
}

extension Quantity: CustomStringConvertible {
    /// As written: `5000 t`, `about 20 t`, `at least 5500 t`, `up to 300 kt`, `250–350 t`.
    public var description: String { text(\.plainText) }

    /// As written, its numbers in groups of three for readers: `about 24,000,000 short ton`.
    public var readable: String { text(\.groupedText) }

    private func text(_ number: (Double) -> String) -> String {
        let u = unit.rawValue
        switch amount {
        case .value(let v, .exact): return "\(number(v)) \(u)"
        case .value(let v, .about): return "about \(number(v)) \(u)"
        case .value(let v, .atLeast): return "at least \(number(v)) \(u)"
        case .value(let v, .upTo): return "up to \(number(v)) \(u)"
        case .range(let lo, let hi): return "\(number(lo))–\(number(hi)) \(u)"
        }
    }
}
