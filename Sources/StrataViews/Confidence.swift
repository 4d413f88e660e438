import Foundation
import StrataDomain

/// From the Admiralty codes to a number in 0…1, only in read models: source reliability
/// A 0.9, B 0.75, C 0.55, D 0.35, E 0.15, F 0.5 (cannot be judged: neither for nor
/// against); claim credibility 1 0.95, 2 0.8, 3 0.6, 4 0.4, 5 0.2, 6 0.5. A claim's
/// confidence is their product; a shipment's is that of its most confident claim, and
/// when independent sources support it, 1 − Π(1 − cᵢ) over each source's best claim.
public enum Confidence {
    /// A claim's confidence. Worked out in hundredths, so that equal products are equal
    /// numbers: B4 (.75 × .4) and F3 (.5 × .6) are both 0.3, where multiplying the doubles
    /// gave 0.30000000000000004 and 0.3, and the tie the spec breaks by record time was
    /// decided by rounding instead.
    public static func of(_ reliability: Reliability?, _ credibility: Credibility) -> Double {
        let r: Int
        switch reliability ?? .f {
        case .a: r = 90
        case .b: r = 75
        case .c: r = 55
        case .d: r = 35
        case .e: r = 15
        case .f: r = 50
        }
        let c: Int
        switch credibility {
        case .confirmed: c = 95
        case .probablyTrue: c = 80
        case .possiblyTrue: c = 60
        case .doubtful: c = 40
        case .improbable: c = 20
        case .cannotBeJudged: c = 50
        }
        return Double(r * c) / 10_000
    }

    /// For output: the decimal the mapping gives, without binary noise (.75 × .95 is .7125,
    /// not .71249999…; two B1 sources give .91734375), to 15 significant digits.
    static func rounded(_ v: Double) -> Double { v.decimalRounded }
}
