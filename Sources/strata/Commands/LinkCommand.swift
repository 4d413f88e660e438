import ArgumentParser
import StrataDomain

/// `place`, `commodity` or `vessel`, checked as data (exit 65).
struct EntityKindArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("place, commodity or vessel.", valueName: "kind")) var text: String

    func validate() throws {
        guard EntityKind(rawValue: text) != nil else {
            throw invalidValue("KIND: expected place, commodity or vessel, not \"\(text)\"")
        }
    }

    var kind: EntityKind { EntityKind(rawValue: text)! }  // checked by validate()
}

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
    }

    var relation: Relation { Relation(rawValue: relationText)! }  // checked by validate()

    /// The two claim ids, checked.
    func claims() throws -> (ClaimID, ClaimID) {
        (try claimID(first, argument: "CLAIM"), try claimID(second, argument: "CLAIM"))
    }
}

/// `strata link CLAIM CLAIM --as RELATION [--reason TEXT]`.
struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Relate two claims: same-shipment, corroborates, contradicts or part-of.",
        discussion: "part-of reads \"the first claim is part of the second\" (an item of a reported total).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var link: LinkArguments

    func run() throws {
        try reporting {
            let (a, b) = try link.claims()
            let j = try journal.journalForWriting()
            let correction = ReportDocument.Correction.link(
                .init(text: a.description, line: 0, field: "CLAIM"), .init(text: b.description, line: 0, field: "CLAIM"),
                link.relation, reason: link.reason)
            printOutcome(
                try j.apply(correction, citing: nil, recordedAt: recording.time, by: Analyst.current),
                "linked \(a) \(link.relation.rawValue) \(b)")
        }
    }
}

/// `strata unlink CLAIM CLAIM --as RELATION [--reason TEXT]`.
struct UnlinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlink", abstract: "Remove a link between two claims.")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var link: LinkArguments

    func run() throws {
        try reporting {
            let (a, b) = try link.claims()
            let j = try journal.journalForWriting()
            printOutcome(
                try j.unlink(a, b, relation: link.relation, reason: link.reason, recordedAt: recording.time, by: Analyst.current),
                "unlinked \(a) \(link.relation.rawValue) \(b)")
        }
    }
}

/// `strata rate SOURCE GRADE --reason TEXT`.
struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate", abstract: "Give a source a new reliability grade, A (completely reliable) to F (cannot be judged).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @Argument(help: "The source id.") var source: String
    @Argument(help: "The grade, A–F.") var grade: String
    @Option(help: "Why.") var reason: String

    func run() throws {
        try reporting {
            guard let id = SourceID(source) else { throw InputError(field: "SOURCE", "\"\(source)\" is not a source id") }
            guard let g = Reliability(text: grade) else { throw InputError(field: "GRADE", "\"\(grade)\" is not a grade A–F") }
            let j = try journal.journalForWriting()
            printOutcome(try j.rate(id, g, reason: reason, recordedAt: recording.time, by: Analyst.current), "rated \(id) \(g.rawValue)")
        }
    }
}

/// `strata alias place|commodity|vessel NAME CANONICAL`.
struct AliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Declare a name another name for a place, commodity or vessel.",
        discussion: "Read models then treat NAME as CANONICAL, from the moment the alias is recorded; views as of an earlier time do not.")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var entity: EntityKindArgument
    @Argument(help: "The name as reports write it.") var name: String
    @Argument(help: "The gazetteer, taxonomy or vessel name it stands for.") var canonical: String
    @Option(help: "Why.") var reason: String?

    func run() throws {
        try reporting {
            let kind = entity.kind
            let j = try journal.journalForWriting()
            printOutcome(
                try j.alias(kind, name, as: canonical, reason: reason, recordedAt: recording.time, by: Analyst.current),
                "aliased \(kind.rawValue) \"\(name)\" → \"\(canonical)\"")
        }
    }
}

/// `strata unalias place|commodity|vessel NAME`.
struct UnaliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unalias", abstract: "Withdraw an alias.")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var entity: EntityKindArgument
    @Argument(help: "The aliased name.") var name: String
    @Option(help: "Why.") var reason: String?

    func run() throws {
        try reporting {
            let kind = entity.kind
            let j = try journal.journalForWriting()
            printOutcome(try j.unalias(kind, name, reason: reason, recordedAt: recording.time, by: Analyst.current), "unaliased \(kind.rawValue) \"\(name)\"")
        }
    }
}
