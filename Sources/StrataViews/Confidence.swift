import Foundation
import StrataDomain

/// From the Admiralty codes to a number in 0…1, only in read models: source reliability
/// A 0.9, B 0.75, C 0.55, D 0.35, E 0.15, F 0.5 (cannot be judged: neither for nor
/// against); claim credibility 1 0.95, 2 0.8, 3 0.6, 4 0.4, 5 0.2, 6 0.5. A claim's
/// confidence is their product; a shipment's is that of its most confident claim, and
/// when independent sources support it, 1 − Π(1 − cᵢ) over each source's best claim.
public enum Confidence {
    public static func of(_ reliability: Reliability?, _ credibility: Credibility) -> Double {
        let r: Double
        switch reliability ?? .f {
        case .a: r = 0.9
        case .b: r = 0.75
        case .c: r = 0.55
        case .d: r = 0.35
        case .e: r = 0.15
        case .f: r = 0.5
        }
        let c: Double
        switch credibility {
        case .confirmed: c = 0.95
        case .probablyTrue: c = 0.8
        case .possiblyTrue: c = 0.6
        case .doubtful: c = 0.4
        case .improbable: c = 0.2
        case .cannotBeJudged: c = 0.5
        }
        return r * c
    }

    /// For output: the decimal the mapping gives, without binary noise (.75 × .95 is .7125,
    /// not .71249999…; two B1 sources give .91734375), to 15 significant digits.
    static func rounded(_ v: Double) -> Double { v.decimalRounded }
}
