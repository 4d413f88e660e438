import ArgumentParser
import StrataDomain

/// `strata rate SOURCE GRADE --reason TEXT`.
struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Give a source a new reliability grade, A (completely reliable) to F (cannot be judged).",
        usage: "strata rate <source> <grade> --reason <reason> [<options>]")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @Argument(help: "The source id.") var source: String
    @Argument(help: "The grade, A–F.") var grade: String
    @Option(help: "Why.") var reason: String

    func validate() throws { try checkReason(reason) }

    func run() throws {
        try reporting {
            guard let id = SourceID(source) else {
                throw InputError(field: "SOURCE", "\"\(source)\" is not a source id")
            }
            guard let g = Reliability(text: grade) else {
                throw InputError(field: "GRADE", "\"\(grade)\" is not a grade A–F")
            }
            let outcome = try journal.recording {
                try $0.rate(id, g, reason: reason, recordedAt: recording.time, by: Analyst.current())
            }
            printOutcome(outcome, "rated \(id) \(g.rawValue)")
        }
    }
}
