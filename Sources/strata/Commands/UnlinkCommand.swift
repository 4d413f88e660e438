import ArgumentParser
import StrataDomain

/// `strata unlink CLAIM CLAIM --as RELATION [--reason TEXT]`.
struct UnlinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlink",
        abstract: "Remove a link between two claims.",
        usage: "strata unlink <first> <second> --as <relation> [<options>]")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var link: LinkArguments

    func run() throws {
        try reporting {
            let (a, b) = try link.claims()
            printOutcome(
                try journal.recording {
                    try $0.unlink(
                        a, b, relation: link.relation, reason: link.reason, recordedAt: recording.time,
                        by: Analyst.current())
                },
                "unlinked \(a) \(link.relation.rawValue) \(b)")
        }
    }
}
