import ArgumentParser
import StrataLog

/// `strata export`: the whole log as NDJSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every event as NDJSON, one event a line, in position order.",
        discussion: """
            The export is lossless: `strata import` of it into an empty journal gives an \
            identical journal (same positions, ids, record times, commits and chain). \
            The file is created with mode 0600.
            """)

    @OptionGroup var journal: JournalOptions

    @Option(
        name: [.short, .long],
        help:
            "Write to this file instead of standard output: whole or not at all (the export goes to FILE.partial-PID and is renamed to FILE when complete; an interrupted export leaves FILE as it was)."
    )
    var output: String?

    func run() throws {
        try reporting {
            let log = try journal.openForReading()
            // Interrupted, the export leaves no partial file (and `--output`'s old file as it was).
            if let output { ScratchCleanup.onSignal(removingFiles: [OutputFile.partialPath(for: output)]) }
            let file = try output.map { try OutputFile(path: $0) } ?? OutputFile()
            var progress = Progress("export")
            let total = try log.head().lastPosition.rawValue
            let n = try log.export(to: file) { progress.show($0, of: Int(total)) }
            progress.finish()
            if output != nil { Stderr.print("exported \(Format.thousands(n)) events") }
        }
    }
}
