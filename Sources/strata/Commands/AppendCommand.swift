import ArgumentParser
import Foundation
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// `strata append FILE...`: record report files.
struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Record report files (YAML or JSON; - reads standard input).",
        usage: "strata append <files> ... [<options>]",
        discussion: """
            Each file is one report and one transaction: all of its events or none. A file with anything wrong — syntax, unknown fields, grades, EDTF times, units, ids, references to sources or claims that do not exist — is refused with `error: FILE:LINE: FIELD: what was wrong` and exit 65, and nothing of it is appended; the other files are still appended, and the command exits with the first failure's code. Unknown place and commodity names are accepted with a warning and can be resolved later with `strata alias`. A source already in the journal may be listed again only as registered (its name, kind, and its registered or current grade: `strata rate` re-grades); one that has no grade yet takes the grade listed, as a rating. The same report id again with any other content, its report fields included, is refused. Ids are ASCII letters, digits, - _ and .; YAML anchors, aliases and tags (but !!str) are refused. A file is at most 256 MiB (a larger one, or an endless standard input, is refused once that much is read).

            A report is checked against the journal as it is when it is written: if another process appended in between, it is checked again.

            Appending the same report again changes nothing and prints `unchanged`; the same report id with other content is refused. Prints, per file, the report id and the number of events appended. The format of report files is in the project's spec (report-format.md) and schemas/report.schema.json.
            """)

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions

    @Flag(
        help:
            "Check the files and print what would be appended, without appending (nor creating the journal). Several files are appended, in order, to a temporary copy of the journal, so each is checked as the real run would check it, after the files before it."
    )
    var dryRun = false

    @Argument(
        help:
            "Report files (.yaml, .yml or .json; another extension is refused), or - for standard input. Standard input and a name without an extension are JSON when they start with {, else YAML."
    )
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one report file") }
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("- (standard input) can be given once: it is read once")
        }
    }

    func run() throws {
        var firstFailure: Int32? = nil
        // Opened on the first file that reads and decodes, so a missing or invalid file
        // never creates a journal.
        var journal: Journal? = nil
        // A dry run on a journal that does not exist yet plans against an empty one of
        // its own, and a dry run of several files appends them to a copy of the journal
        // (so each is checked after the ones before it); either is removed afterwards: a
        // dry run changes nothing.
        let exists = EventLog.exists(at: self.journal.path)
        let scratch =
            dryRun && (!exists || files.count > 1)
            ? NSTemporaryDirectory() + "strata-dry-run-" + UUID().uuidString : nil
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        if let scratch { ScratchCleanup.onSignal(removing: scratch) }
        if let scratch, exists {
            try reporting { try self.journal.openForReading().environment.copy(to: scratch) }
        }
        for file in files {
            do {
                try reporting(file: file) { try append(file, to: &journal, scratch: scratch) }
            } catch let code as ExitCode {
                if firstFailure == nil { firstFailure = code.rawValue }
            }
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }

    private func append(_ file: String, to opened: inout Journal?, scratch: String?) throws {
        let bytes = try ReportFileReader.read(file)
        let document: ReportDocument
        do {
            document = try ReportDecoder().decode(bytes, json: try ReportFileReader.isJSON(file, bytes))
        } catch {
            throw error.in(file: file)
        }
        let journal: Journal
        if let opened {
            journal = opened
        } else {
            // A journal that does not exist yet is created only for a report it will hold:
            // the report is first recorded on an empty journal of its own.
            if scratch == nil {
                do {
                    try self.journal.rehearseIfMissing {
                        _ = try $0.append(document, recordedAt: recording.time, by: Analyst.current())
                    }
                } catch let error as InputError {
                    throw error.in(file: file)
                }
            }
            do {
                journal = try scratch.map(recordingJournal(at:)) ?? self.journal.journalForWriting()
            } catch {
                throw Failure.from(error, file: nil)
            }
            opened = journal
        }
        for warning in document.warnings { Stderr.print("warning: \(warning.in(file: file))") }
        do {
            if dryRun {
                let plan = try journal.plan(document)
                if plan.alreadyRecorded {
                    print("\(plan.report): unchanged (already recorded)")
                    return
                }
                try journal.checkRecordTime(recording.time)
                for warning in plan.warnings { Stderr.print("warning: \(warning.in(file: file))") }
                print("\(plan.report): would append \(plan.eventCount) events")
                for part in plan.parts {
                    for e in part.events { print("  \(e.type.name)  \(part.stream)") }
                }
                // The files after it are checked with it recorded (in the copy).
                if scratch != nil, files.count > 1 {
                    _ = try journal.append(document, recordedAt: recording.time, by: Analyst.current())
                }
                return
            }
            let outcome = try journal.append(document, recordedAt: recording.time, by: Analyst.current())
            for warning in outcome.warnings { Stderr.print("warning: \(warning.in(file: file))") }
            printOutcome(outcome, document.header.id.rawValue)
        } catch let error as InputError {
            throw error.in(file: file)
        }
    }
}
