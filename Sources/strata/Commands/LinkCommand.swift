import ArgumentParser
import StrataDomain

/// `strata link CLAIM CLAIM --as RELATION [--reason TEXT]`.
struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Relate two claims: same-shipment, corroborates, contradicts or part-of.",
        usage: "strata link <first> <second> --as <relation> [<options>]",
        discussion:
            "part-of reads \"the first claim is part of the second\" (an item of a reported total): the second should be a total claim, and part-of never goes both ways. same-shipment joins shipment claims (a link between claims of other kinds is recorded, with a warning, but changes no read model). Both claims must be live (not retracted), and a link already in force is refused."
    )

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var link: LinkArguments

    func run() throws {
        try reporting {
            let (a, b) = try link.claims()
            let correction = ReportDocument.Correction.link(
                .init(text: a.description, line: 0, field: "CLAIM"),
                .init(text: b.description, line: 0, field: "CLAIM"),
                link.relation, reason: link.reason)
            let outcome = try journal.recording {
                try $0.apply(correction, citing: nil, recordedAt: recording.time, by: Analyst.current())
            }
            for warning in outcome.warnings { Stderr.print("warning: \(warning.message)") }
            printOutcome(outcome, "linked \(a) \(link.relation.rawValue) \(b)")
        }
    }
}
