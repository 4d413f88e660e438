import ArgumentParser
import StrataDomain
import StrataLog

/// `strata retract CLAIM --reason TEXT [--report ID]`.
struct RetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw a claim from the read models from now on (its history stays).",
        usage: "strata retract <claim> --reason <reason> [<options>]")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @Argument(help: "The claim id (REPORT_ID/CLAIM_ID).") var claim: String
    @Option(help: "Why the claim is retracted.") var reason: String
    @Option(
        help:
            "The report that brings the retraction: a --published-by view counts it from that report's publication (without one, in every view)."
    ) var report: String?

    func validate() throws { try checkReason(reason) }

    func run() throws {
        try reporting {
            let target = try claimID(claim, argument: "CLAIM")
            let ref = ReportDocument.ClaimReference(text: target.description, line: 0, field: "CLAIM")
            let citing = try reportID(report)
            let outcome = try journal.recording { j in
                try j.apply(
                    .retract(ref, reason: reason), citing: citing, recordedAt: recording.time, by: Analyst.current())
            }
            printOutcome(outcome, "retracted \(target)")
        }
    }
}
