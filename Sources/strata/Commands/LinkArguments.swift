import ArgumentParser
import StrataDomain

/// The two claims and the relation `link` and `unlink` take.
struct LinkArguments: ParsableArguments {
    @Argument(help: "The first claim id.") var first: String
    @Argument(help: "The second claim id.") var second: String
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("The relation: same-shipment, corroborates, contradicts or part-of.", valueName: "relation"))
    var relationText: String
    @Option(help: "Why.") var reason: String?

    func validate() throws {
        guard Relation(rawValue: relationText) != nil else {
            let all = Relation.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalidValue("--as: expected one of \(all), not \"\(relationText)\"")
        }
        try checkReason(reason)
    }

    var relation: Relation { Relation(rawValue: relationText)! }  // checked by validate()

    /// The two claim ids, checked.
    func claims() throws -> (ClaimID, ClaimID) {
        (try claimID(first, argument: "CLAIM"), try claimID(second, argument: "CLAIM"))
    }
}
