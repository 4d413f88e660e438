import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

/// Options of every command that records events.
struct RecordingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Record time for back-filling (ISO 8601; a date alone is 00:00 UTC). Never earlier than the journal's last record time, nor later than the clock (5 minutes' allowance for another machine's clock).",
            valueName: "T"))
    var recordedAt: String?

    func validate() throws {
        if let recordedAt, RecordTime(iso8601: recordedAt) == nil {
            throw invalidValue(
                "--recorded-at: expected an ISO 8601 date or date-time such as 2020-05-22 or 2020-05-22T10:00:00Z, not \"\(recordedAt)\""
            )
        }
        // Checked again by the log when it writes; here before a journal is made.
        if let time, EventLog.isAhead(time, of: RecordTime.now()) {
            throw invalidValue(
                "--recorded-at: \(time.iso8601) is later than the clock (\(RecordTime.now().iso8601)); --recorded-at back-fills: it may set record time back, and at most \(EventLog.clockSkew / 60_000_000) minutes ahead (another machine's clock)"
            )
        }
    }

    var time: RecordTime? { recordedAt.flatMap { RecordTime(iso8601: $0, dateOnly: .startOfDay) } }
}

extension JournalOptions {
    /// The journal for recording (created when missing): its read models are kept in the
    /// same transactions as its events.
    func journalForWriting() throws -> Journal { try recordingJournal(at: path) }

    /// Runs a recording `command` on the journal, which is created only for a command it
    /// accepts: when the journal does not exist yet, the command runs first on an empty
    /// journal of its own in a temporary directory, so one it refuses (a typo in a claim
    /// id, a report citing a source nobody registered) leaves no empty journal behind.
    func recording<R>(_ command: (Journal) throws -> R) throws -> R {
        try rehearseIfMissing { _ = try command($0) }
        return try command(journalForWriting())
    }

    /// When the journal does not exist yet, runs `command` first on an empty journal in a
    /// temporary directory (removed afterwards), so what it refuses is refused before the
    /// journal is made.
    func rehearseIfMissing(_ command: (Journal) throws -> Void) throws {
        guard !EventLog.exists(at: path) else { return }
        let scratch = NSTemporaryDirectory() + "strata-check-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        ScratchCleanup.onSignal(removing: scratch)
        try command(recordingJournal(at: scratch))
    }
    /// The journal for reading (a missing one is exit 66).
    func journalForReading() throws -> Journal { Journal(log: try openForReading()) }
}

/// Refuses a `--reason` given blank (exit 65): the reason is the audit trail's *why*.
func checkReason(_ reason: String?) throws {
    if let reason, reason.allSatisfy(\.isWhitespace) {
        throw invalidValue("--reason: must not be blank (\"\(reason)\")")
    }
    if let reason, let problem = TextCharacters.problem(in: reason) { throw invalidValue("--reason: \(problem)") }
}

/// Parses an argument that must be a claim id.
func claimID(_ text: String, argument: String) throws -> ClaimID {
    guard let id = ClaimID(text) else {
        throw Failure(.dataError, "\(argument): \"\(text)\" is not a claim id (REPORT_ID/CLAIM_ID)")
    }
    return id
}

/// Prints what a recording command did.
func printOutcome(_ outcome: Journal.Outcome, _ what: String) {
    if outcome.appended == 0 {
        print("\(what): unchanged")
    } else {
        let at = outcome.positions.map { " at position \($0.lowerBound)" } ?? ""
        print(
            "\(what): \(outcome.appended) event\(outcome.appended == 1 ? "" : "s") appended\(at), recorded \(outcome.recordedAt.iso8601)"
        )
    }
}

/// The journal at `path` (created if missing) for recording: its read models are kept in
/// the same transactions.
func recordingJournal(at path: String) throws -> Journal {
    StateStore(log: try EventLog(path: path, options: StateStore.logOptions)).recordingJournal()
}

/// A `--report ID` option's value, checked.
func reportID(_ text: String?) throws -> ReportID? {
    guard let text else { return nil }
    guard let id = ReportID(text) else { throw InputError(field: "--report", "\"\(text)\" is not a report id") }
    return id
}
