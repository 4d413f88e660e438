import ArgumentParser
import StrataDomain
import StrataLog

/// `strata correct CLAIM --set FIELD=VALUE ... --reason TEXT [--report ID]`.
struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Replace named fields of a claim.",
        discussion: """
            FIELD is a claim field as in report files (quantity, when, when_said, from, to, commodity, vessel, credibility, said, source, kind, voyages, method, price, parties, note) and VALUE is YAML, e.g. --set 'quantity={value: 5500, unit: t, qualifier: at_least}' or --set when=2020-06; nothing after = is YAML's null, which clears an optional field (--set note=). The old version stays in the journal: views as of an earlier time show it.
            """)

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions

    @Argument(help: "The claim id (REPORT_ID/CLAIM_ID).") var claim: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A field and its new value, as FIELD=VALUE (VALUE is YAML).", valueName: "FIELD=VALUE"))
    var assignments: [String] = []

    @Option(help: "Why the claim is corrected.") var reason: String
    @Option(help: "The report that brings the correction.") var report: String?

    func validate() throws {
        if assignments.isEmpty { throw ValidationError("give at least one --set FIELD=VALUE") }
        for a in assignments where !a.contains("=") { throw ValidationError("--set \(a): expected FIELD=VALUE") }
    }

    func run() throws {
        try reporting {
            let target = try claimID(claim, argument: "CLAIM")
            // The assignments become the `set:` of a report-file correction, so they are
            // checked by the same decoder, field by field.
            var members: [DocumentNode.Member] = []
            for a in assignments {
                let eq = a.firstIndex(of: "=") ?? a.endIndex
                let field = String(a[..<eq]).trimmingCharacters(in: " ")
                let valueText = String(a[a.index(after: eq)...])
                // Nothing after `=` is YAML's empty value, null, as `field:` is in a report file.
                var value = DocumentNode.Value.null
                if !valueText.allSatisfy(\.isWhitespace) {
                    do throws(InputError) {
                        value = try DocumentNode.read(Array(valueText.utf8), json: false).value
                    } catch {
                        throw InputError(field: "--set \(field)", error.message)
                    }
                }
                members.append(DocumentNode.Member(key: field, line: 1, value: DocumentNode(line: 1, value: value)))
            }
            let entry = DocumentNode(line: 1, value: .mapping([
                DocumentNode.Member(key: "correct", line: 1, value: DocumentNode(line: 1, value: .scalar(target.description))),
                DocumentNode.Member(key: "set", line: 1, value: DocumentNode(line: 1, value: .mapping(members))),
                DocumentNode.Member(key: "reason", line: 1, value: DocumentNode(line: 1, value: .scalar(reason))),
            ]))
            do {
                let correction = try ReportDecoder().correction(entry, report: target.report)
                let j = try journal.journalForWriting()
                let outcome = try j.apply(correction, citing: try reportID(report), recordedAt: recording.time, by: Analyst.current)
                printOutcome(outcome, "corrected \(target)")
            } catch var e as InputError {
                // Name the option the analyst typed, not a report-file path.
                e.line = nil
                e.field = e.field.map { $0.replacingPrefix(".set.", "--set ").replacingPrefix("set.", "--set ") }
                if e.field == "correct" || e.field == "" { e.field = "CLAIM" }
                throw e
            }
        }
    }
}

/// `strata retract CLAIM --reason TEXT [--report ID]`.
struct RetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw a claim from the read models from now on (its history stays).")

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions
    @Argument(help: "The claim id (REPORT_ID/CLAIM_ID).") var claim: String
    @Option(help: "Why the claim is retracted.") var reason: String
    @Option(help: "The report that brings the retraction.") var report: String?

    func run() throws {
        try reporting {
            let target = try claimID(claim, argument: "CLAIM")
            let ref = ReportDocument.ClaimReference(text: target.description, line: 0, field: "CLAIM")
            let j = try journal.journalForWriting()
            if let record = try j.claim(target), record.retracted {
                throw InputError(field: "CLAIM", "claim \(target) is already retracted")
            }
            let outcome = try j.apply(.retract(ref, reason: reason), citing: try reportID(report), recordedAt: recording.time, by: Analyst.current)
            printOutcome(outcome, "retracted \(target)")
        }
    }
}

/// A `--report ID` option's value, checked.
func reportID(_ text: String?) throws -> ReportID? {
    guard let text else { return nil }
    guard let id = ReportID(text) else { throw InputError(field: "--report", "\"\(text)\" is not a report id") }
    return id
}

extension String {
    func replacingPrefix(_ prefix: String, _ with: String) -> String {
        hasPrefix(prefix) ? with + dropFirst(prefix.count) : self
    }

    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
