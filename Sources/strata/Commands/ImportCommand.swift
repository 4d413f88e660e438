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
            commits durably every 10,000 events (at a command boundary), so an interrupted \
            import keeps whole commands only; running it again skips the events already \
            there, after checking they are the same, and goes on. A line that is not a valid \
            event (including one of the journal's types whose payload does not have that type's \
            fields, is not in the stream its payload names, refers to a claim, source or report \
            with no event before it, or holds text with control characters), or does not \
            continue the journal, is refused with its line number and exit 65. \
            With --recorded-at T every imported event is recorded at T instead of its own time (back-filling events from elsewhere; T may not be earlier than the journal's last record time). No record time, given or imported, may be later than the clock (by more than 5 minutes).

            An import is meant to be the journal's only writer: a position another process \
            wrote while it ran stops it there with exit 65, keeping the batches it committed \
            (running it again cannot succeed: the journal no longer continues as the file \
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
            // An event of the journal's types must decode as its type says: appended, it
            // could not be taken back. (Types repeat from line to line: the last verdict
            // is kept.)
            var lastType: EventType? = nil
            var isJournalType = false
            // The analyst's name is checked as append checks $STRATA_ANALYST: it is printed
            // by strata claim and strata log. (Names repeat too.)
            var lastAnalyst: String? = nil
            let check: ImportCheck = { type, stream, version, analyst, bytes in
                if analyst != lastAnalyst {
                    if let problem = Analyst.problem(in: analyst) {
                        throw ImportRefusal(field: "recorded_by", reason: "the analyst's name \(problem)")
                    }
                    lastAnalyst = analyst
                }
                if type != lastType {
                    lastType = type
                    isJournalType = DomainEvents.isJournalType(type)
                }
                guard isJournalType else {
                    // Another program's events may share the journal, in streams of their own.
                    guard !Streams.isJournalStream(stream) else {
                        throw ImportRefusal(
                            field: "type",
                            reason:
                                "stream \(stream) holds the journal's own events, and \(type.name) is not one of them")
                    }
                    return []
                }
                let payload = try Payload(binary: bytes)
                let references = try DomainEvents.check(type: type, payload: payload)
                if let problem = DomainEvents.textProblem(in: payload) {
                    throw ImportRefusal(field: "payload", reason: problem)
                }
                // In the stream its payload names, after what it refers to (as the
                // journal's commands write events).
                guard let references else { return [] }
                guard references.stream == stream else {
                    throw ImportRefusal(
                        field: "stream",
                        reason:
                            "a \(type.name) event of this payload belongs in stream \(references.stream), not \(stream)"
                    )
                }
                // A rating, correction, retraction, unlink or unalias changes what its stream's
                // earlier events recorded: it cannot be the stream's first.
                if version <= 1, references.requires.contains(stream) {
                    throw ImportRefusal(
                        field: "version",
                        reason:
                            "a \(type.name) event cannot start stream \(stream): it changes what an earlier event there recorded"
                    )
                }
                // A registration, a report or an assertion is what its stream records: the
                // commands write it only as the stream's first event.
                if version > 1, DomainEvents.startsStream(type) {
                    throw ImportRefusal(
                        field: "version",
                        reason:
                            "a \(type.name) event can only start its stream, and this one is version \(version) of \(stream)"
                    )
                }
                return references.requires
            }
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
            var progress = Progress("import")
            let result = try log.importNDJSON(
                from: reader, batchSize: batchSize, recordedAt: recording.time, check: check
            ) { progress.show($0.imported + $0.skipped) }
            progress.finish()
            // The read models follow the imported events (in one more transaction).
            _ = try Progress.showing("read models") { try StateStore(log: log).catchUp(progress: $0) }
            // The journal's end, not the file's: a file that is a prefix of the journal
            // ends before it.
            let end = try log.environment.read { try log.lastPosition(in: $0) }
            print(
                "imported \(Format.thousands(result.imported)) events, skipped \(Format.thousands(result.skipped)) already present; the journal ends at position \(end)"
            )
        }
    }
}
