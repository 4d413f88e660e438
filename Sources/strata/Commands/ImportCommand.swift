import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

/// `strata import FILE`: load an export.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an NDJSON export (FILE, or - for standard input) into the journal.",
        usage: "strata import <file> [<options>]",
        discussion: """
            Positions, event ids, record times and commands are kept exactly. The import \
            commits durably every 10,000 events (at a command boundary), the read models \
            with the events, so an interrupted import keeps whole commands only; running it \
            again skips the events already there, after checking they are the same, and goes on. A line that is not a valid \
            event (including one of the journal's types whose payload does not have that type's \
            fields, is not in the stream its payload names, refers to a claim, source or report \
            with no event before it, holds text with control characters, or is longer than \
            256 MiB, so an input without line breaks ends there), or does not \
            continue the journal, is refused with its line number and exit 65. \
            With --recorded-at T every imported event is recorded at T instead of its own time (back-filling events from elsewhere; T may not be earlier than the journal's last record time). No record time, given or imported, may be later than the clock (by more than 5 minutes).

            An import is the journal's only writer while it runs: other commands that write \
            (an append, a rebuild, another import) wait for its end before they begin, and \
            say so on standard error; a rebuild already running waits between two of its \
            transactions, says so too, and then folds what the import wrote. A \
            position written while it ran by a program that does not take turns (an older \
            strata) stops it there with exit 65, keeping the batches it committed (running it \
            again cannot succeed: the journal no longer continues as the file \
            does). Into a journal that did not exist, an import refused at its first line \
            leaves none, and one refused at a later line leaves an empty journal (the file \
            is read as it is written).
            """)

    @OptionGroup var journal: JournalOptions
    @OptionGroup var recording: RecordingOptions

    @Argument(help: "The NDJSON file, or - for standard input.")
    var file: String

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Events per durable commit.")
    var batchSizeValue = WholeNumber(10_000)
    /// `--batch-size`, checked by `validate()`.
    var batchSize: Int { batchSizeValue.number }

    private static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    func validate() throws {
        try batchSizeValue.check("--batch-size", "events per commit", minimum: 1)
    }

    func run() throws {
        try reporting(file: file) {
            guard let reader = LineReader(path: file) else {
                throw Failure.cannotOpen(file, errno)
            }
            let check = DomainEvents.importCheck()
            // Importing a file that is not an export (a report, a CSV) into a journal that
            // does not exist yet leaves no empty journal behind: its first event is read
            // before the journal is made.
            // Only a regular file can be read twice: a second read of a pipe would take lines
            // from the import.
            if file != "-", ImportCommand.isRegularFile(file), !EventLog.exists(at: journal.path),
                let first = LineReader(path: file)
            {
                try EventLog.checkFirstEvent(from: first, check: check)
            }
            let log = try journal.openForWriting()
            let state = StateStore(log: log)
            var progress = Progress("import")
            // The read models commit with the events in each transaction when they are up to
            // date; when they are behind (a journal whose model is older, or was left behind),
            // they catch up after (10,000 events a transaction).
            let result = try log.importNDJSON(
                from: reader, batchSize: batchSize, recordedAt: recording.time, check: check,
                projection: state.importProjection()
            ) { progress.show($0.imported + $0.skipped) }
            progress.finish()
            _ = try Progress.showing("read models") { try state.catchUp(progress: $0) }
            // The journal's end, not the file's: a file that is a prefix of the journal
            // ends before it.
            let end = try log.head().lastPosition
            print(
                "imported \(Format.thousands(result.imported)) events, skipped \(Format.thousands(result.skipped)) already present; the journal ends at position \(end)"
            )
        }
    }
}
