import ArgumentParser
import StrataDomain
import StrataLog

/// `strata correct CLAIM --set FIELD=VALUE ... --reason TEXT [--report ID]`.
struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Replace named fields of a claim.",
        usage: "strata correct <claim> --set <FIELD=VALUE>... --reason <text> [<options>]",
        discussion: """
            FIELD is a claim field as in report files (quantity, when, when_said, from, to, commodity, vessel, credibility, said, source, kind, voyages, method, price, parties, note) and VALUE is YAML, e.g. --set 'quantity={value: 5500, unit: t, qualifier: at_least}' or --set when=2020-06; nothing after = is YAML's null, which clears an optional field (--set note=). source takes a source id or an outlet's name (--set 'source=Daily NK' stores daily-nk). The old version stays in the journal: views as of an earlier time show it. A correction that changes no field is refused (exit 65).
            """)

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions

    @Argument(help: "The claim id (REPORT_ID/CLAIM_ID).") var claim: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("A field and its new value, as FIELD=VALUE (VALUE is YAML).", valueName: "FIELD=VALUE"))
    var assignments: [String] = []

    @Option(help: "Why the claim is corrected.") var reason: String
    @Option(
        help:
            "The report that brings the correction: a --published-by view counts it from that report's publication (without one, in every view)."
    ) var report: String?

    func validate() throws {
        if assignments.isEmpty { throw ValidationError("give at least one --set FIELD=VALUE") }
        // A malformed assignment is a correction that cannot be read: bad data, as `=3` is.
        for a in assignments where !a.contains("=") { throw invalidValue("--set \(a): expected FIELD=VALUE") }
    }

    func run() throws {
        try reporting {
            let target = try claimID(claim, argument: "CLAIM")
            // The assignments are checked as a report file's `set:` is, field by field.
            var pairs: [(field: String, value: String)] = []
            for a in assignments {
                let eq = a.firstIndex(of: "=") ?? a.endIndex
                let field = String(a[..<eq]).trimming(" ")
                guard !field.isEmpty else {
                    throw InputError(field: "--set", "\"\(a)\": expected FIELD=VALUE, with a field name")
                }
                pairs.append((field, eq < a.endIndex ? String(a[a.index(after: eq)...]) : ""))
            }
            do {
                let (correction, warnings) = try ReportDecoder().correction(
                    of: target, setting: pairs, reason: reason)
                let citing = try reportID(report)
                let outcome = try journal.recording {
                    try $0.apply(correction, citing: citing, recordedAt: recording.time, by: Analyst.current())
                }
                for w in warnings { Stderr.print("warning: \(CorrectCommand.naming(w).description)") }
                printOutcome(outcome, "corrected \(target)")
            } catch let e as InputError {
                throw CorrectCommand.naming(e)
            }
        }
    }

    /// `e` naming the option the analyst typed, not a report-file path.
    private static func naming(_ e: InputError) -> InputError {
        var e = e
        e.line = nil
        e.field = e.field.map { $0.replacingPrefix(".set.", "--set ").replacingPrefix("set.", "--set ") }
        if e.field == "correct" || e.field == "" { e.field = "CLAIM" }
        return e
    }
}
