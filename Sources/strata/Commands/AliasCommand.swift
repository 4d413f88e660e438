import ArgumentParser
import StrataDomain

/// `strata alias place|commodity|vessel NAME CANONICAL`.
struct AliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Declare a name another name for a place, commodity or vessel.",
        usage: "strata alias <kind> <name> <canonical> [<options>]",
        discussion:
            "Read models then treat NAME as CANONICAL, from the moment the alias is recorded; views as of an earlier time do not."
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
            printOutcome(
                try journal.recording {
                    try $0.alias(
                        kind, name, as: canonical, reason: reason, recordedAt: recording.time, by: Analyst.current())
                },
                "aliased \(kind.rawValue) \"\(name)\" → \"\(canonical)\"")
        }
    }
}
