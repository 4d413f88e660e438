import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

/// `strata alias place|commodity|vessel NAME CANONICAL`.
struct AliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Declare a name another name for a place, commodity or vessel.",
        usage: "strata alias <kind> <name> <canonical> [<options>]",
        discussion:
            "Read models then treat NAME as CANONICAL, from the moment the alias is recorded; views as of an earlier time do not. A claim that wrote NAME with its country ({place, country}) keeps that country: aliasing it to a gazetteer place in another country warns of those claims."
    )

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var entity: EntityKindArgument
    @Argument(help: "The name as reports write it.") var name: String
    @Argument(help: "The gazetteer, taxonomy or vessel name it stands for.") var canonical: String
    @Option(help: "Why.") var reason: String?

    func validate() throws { try checkReason(reason) }

    func run() throws {
        try reporting {
            let kind = entity.kind
            // Read before the alias, which makes the claims' place the canonical one.
            let atOdds = try claimsAtOdds(kind)
            let outcome = try journal.recording {
                try $0.alias(
                    kind, name, as: canonical, reason: reason, recordedAt: recording.time, by: Analyst.current())
            }
            printOutcome(outcome, "aliased \(kind.rawValue) \"\(name)\" → \"\(canonical)\"")
            if outcome.appended > 0, let (place, claims) = atOdds { Stderr.print("warning: " + warning(place, claims)) }
        }
    }

    /// For a place aliased to one the gazetteer has, the claims that write NAME with another
    /// country than that place's: they keep their country, as written.
    private func claimsAtOdds(_ kind: EntityKind) throws -> (Place, [(claim: ClaimID, country: String)])? {
        guard kind == .place, case .place(let place)? = Gazetteer.bundled.resolve(placeName: canonical),
            EventLog.presence(at: journal.path) == .journal
        else { return nil }
        let claims = try StateStore(log: try journal.openForReading())
            .claims(writingPlace: name, inCountryOtherThan: place.country)
        return claims.isEmpty ? nil : (place, claims)
    }

    private func warning(_ place: Place, _ claims: [(claim: ClaimID, country: String)]) -> String {
        let countries = claims.map(\.country).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let listed = claims.prefix(5).map { "\($0.claim)" }.joined(separator: ", ")
        let more = claims.count > 5 ? " and \(claims.count - 5) more" : ""
        let them = claims.count == 1 ? "it keeps" : "they keep"
        return
            "NAME: \(claims.count == 1 ? "a claim writes" : "\(claims.count) claims write") \"\(name)\" in "
            + "\(countries.joined(separator: " or ")) (\(listed)\(more)); \(place.name) is in \(place.country) in the "
            + "gazetteer: \(them) \(countries.count == 1 ? countries[0] : "the country written") (if that is a mistake, "
            + "correct \(claims.count == 1 ? "it" : "them"))"
    }
}
