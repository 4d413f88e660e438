import ArgumentParser
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--journal PATH`, shared by every command.
struct JournalOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The journal directory (default: $STRATA_JOURNAL, else ./strata-journal). Recording commands create it, and its missing parents, when they succeed; the others need it to exist (exit 66)."
    )
    var journal: String?

    var path: String {
        if let journal { return journal }
        if let env = getenv("STRATA_JOURNAL"), let s = String(validatingCString: env), !s.isEmpty { return s }
        return "./strata-journal"
    }

    /// Opens the journal for a command that writes, creating it when it does not exist.
    func openForWriting() throws -> EventLog {
        try EventLog(path: path, options: StateStore.logOptions)
    }

    /// Opens the journal for a command that reads: a missing journal is exit 66; one that
    /// cannot be reached for its permissions, or whose data file is empty (LMDB would make
    /// a new journal of it), is exit 74. A reading command never creates one.
    ///
    /// Writing commands leave an empty data file to LMDB, which makes a new journal of it:
    /// that is also what a second writer sees while a first one creates the journal.
    func openForReading() throws -> EventLog {
        switch EventLog.presence(at: path) {
        case .journal: return try EventLog(path: path, options: StateStore.logOptions)
        case .missing:
            throw Failure(
                .noInput, "\(path): no journal here (a recording command, such as append or import, creates one)")
        case .denied: throw Failure(.ioError, "\(path): permission denied: cannot reach the journal's data file")
        case .emptyDataFile: throw Failure(.ioError, "journal corrupted: \(path)'s data file is empty, not a journal")
        }
    }
}
