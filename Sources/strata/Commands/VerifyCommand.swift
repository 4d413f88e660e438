import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

/// `strata verify`: check everything.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole journal and print what is wrong.",
        discussion: """
            Checks every event's checksum and envelope, that positions run 1, 2, 3… without \
            gaps, that each stream's versions do too, the hash chain over commits, and that \
            every index (event ids, streams, stream heads — up to where an import left them \
            unstored — commits, record time) agrees with the events, and that every row of the stored read models equals what a \
            rebuild of the log writes: the read models are rebuilt in a compacted copy of the \
            journal made in the temporary directory ($TMPDIR, else /tmp; about one and a half \
            times the space `strata stats` shows in use), removed afterwards. It also walks LMDB's \
            pages: each reached once, keys in order within and between pages, LMDB's record of free \
            pages holding no page in use. Exit 0 only if nothing is wrong; 74 if anything is.
            """)

    @OptionGroup var journal: JournalOptions

    func run() throws {
        try reporting {
            let log = try journal.openForReading()
            var progress = Progress("verify")
            let report = try log.verify { progress.show($0) }
            progress.finish()
            // The read models are compared with a rebuild of the log, which a damaged log
            // cannot give: then the log's problems are what is listed. Damage met on the
            // way (a stored row that does not decode, an event its type does not read) is
            // listed as a problem; storage and lock errors end the command as usual.
            var readModels: [String] = []
            var misplaced: [String] = []
            var unreadable: [String] = []
            if report.isClean {
                do {
                    misplaced = try StateStore(log: log).misplacedEvents()
                    // The read models are rebuilt in a compacted copy of the journal and
                    // compared with it, row by row; the copy is removed afterwards.
                    let scratch = StateStore.newScratchPath()
                    ScratchCleanup.onSignal(removing: scratch)
                    var compared = Progress("verify read models")
                    defer { compared.finish() }
                    readModels = try StateStore(log: log).problems(scratch: scratch) { compared.show($0, of: $1) }
                } catch let error as LogError {
                    unreadable = ["\(error)"]
                } catch let error as EventDecodingError {
                    unreadable = ["\(error)"]
                }
            }
            if report.isClean && readModels.isEmpty && misplaced.isEmpty && unreadable.isEmpty {
                print(
                    "ok: \(Format.thousands(report.events)) events, \(Format.thousands(report.commits)) commits, "
                        + "\(Format.thousands(report.streams)) streams; checksums, chain, positions and indexes agree")
                return
            }
            for p in report.problems { print("problem: \(p)") }
            for p in misplaced { print("problem: \(p)") }
            for p in readModels { print("problem: read models: \(p) (strata rebuild repairs them)") }
            for p in unreadable { print("problem: \(p)") }
            if report.unlisted > 0 { print("… and \(report.unlisted) more problems") }
            if !report.isClean {
                print("read models not checked: they are compared with a rebuild of the log, which is damaged")
            }
            let count = report.problems.count + report.unlisted + readModels.count + misplaced.count + unreadable.count
            throw Failure(.ioError, "journal corrupted: \(count) \(count == 1 ? "problem" : "problems") found")
        }
    }
}
