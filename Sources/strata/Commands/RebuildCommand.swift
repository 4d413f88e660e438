import ArgumentParser
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

/// `strata rebuild [--projection NAME]`.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the read models from the log and print how long it took and how many events it read.",
        discussion:
            "The read models (shipments, volumes, timeline) share one stored state, the projection named \"state\": versioned rows of every claim, report, source grade, link and alias, the claim index (claims by commodity, place, commodity-and-place pair and source, and the total claims) and the volumes (a cell per commodity × route × month). The rebuild fills a second generation of those rows 10,000 events a transaction and switches to it in the transaction that folds the last events: readers see the old rows until then, and a crash leaves them in place. Appends keep the read models current by themselves; rebuild after an upgrade or to check them. Two rebuilds of one journal at once share the work, a transaction each in turn; each prints the events it read, and that another rebuild read the rest. On a terminal it shows on standard error how many events it has folded."
    )

    @OptionGroup var journal: JournalOptions
    @Option(help: "The projection to rebuild (default: all; there is one, \"state\").") var projection: String?

    func validate() throws {
        if let projection, projection != StateStore.name {
            throw invalidValue(
                "--projection: unknown projection \"\(projection)\"; the only one is \"\(StateStore.name)\"")
        }
    }

    func run() throws {
        try reporting {
            let log = try journal.openForReading()
            var start = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            let store = StateStore(log: log)
            let events = try Progress.showing("rebuild") { try store.rebuild(progress: $0) }
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
            let rate = seconds > 0 ? Int(Double(events) / seconds) : 0
            // Rebuilds run at once share the work, a transaction each in turn: say so, or
            // this one's count reads as a partial rebuild.
            let reached = Int(clamping: try store.status()?.position.rawValue ?? 0)
            let shared =
                events < reached
                ? "; another rebuild of this journal ran at the same time and read the rest: the read models are complete to position \(reached)"
                : ""
            print(
                "rebuilt \(StateStore.name): \(Format.thousands(events)) events read in \(String(format: "%.3f", seconds)) s (\(Format.thousands(rate)) events/s)\(shared)"
            )
        }
    }
}
