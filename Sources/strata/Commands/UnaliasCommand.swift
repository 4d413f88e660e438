import ArgumentParser
import StrataDomain

/// `strata unalias place|commodity|vessel NAME`.
struct UnaliasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unalias", abstract: "Withdraw an alias.", usage: "strata unalias <kind> <name> [<options>]")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var entity: EntityKindArgument
    @Argument(help: "The aliased name.") var name: String
    @Option(help: "Why.") var reason: String?

    func validate() throws { try checkReason(reason) }

    func run() throws {
        try reporting {
            let kind = entity.kind
            let outcome = try journal.recording {
                try $0.unalias(kind, name, reason: reason, recordedAt: recording.time, by: Analyst.current())
            }
            printOutcome(outcome, "unaliased \(kind.rawValue) \"\(name)\"")
        }
    }
}
