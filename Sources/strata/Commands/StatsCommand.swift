import ArgumentParser
import StrataDomain
import StrataLog

/// `strata stats`: counts and sizes.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print events, reports, claims, sources, sizes and map usage.",
        discussion: """
            --format json prints {"events", "last_position", "last_recorded_at", "reports", \
            "claims", "sources", "bytes", "commits", "streams", "map_size", "map_used", \
            "free_bytes"}. "bytes" is the size of the data file; "map_used" the part of it up to \
            its last used page; "free_bytes" the part of that LMDB keeps free for reuse (pages \
            of an old read-model generation after a rebuild, of deleted rows): later writes \
            fill it before the file grows.
            """)

    enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var journal: JournalOptions

    @Option(help: "Output format: table or json.")
    var format: StatsFormat = .table

    func run() throws {
        try reporting {
            let log = try journal.openForReading()
            // One snapshot for every figure: counted in turn, an import's commit between
            // them gave more claims than events.
            let s = try log.statistics(categories: [
                Streams.reportCategory, Streams.claimCategory, Streams.sourceCategory,
            ])
            let reports = s.categoryStreams[Streams.reportCategory] ?? 0
            let claims = s.categoryStreams[Streams.claimCategory] ?? 0
            let sources = s.categoryStreams[Streams.sourceCategory] ?? 0
            switch format {
            case .json:
                let object = Payload.object([
                    "events": .int(Int64(s.events)),
                    "last_position": .int(Int64(s.lastPosition.rawValue)),
                    "last_recorded_at": s.lastRecordedAt.map { .string($0.iso8601) } ?? .null,
                    "reports": .int(Int64(reports)),
                    "claims": .int(Int64(claims)),
                    "sources": .int(Int64(sources)),
                    "bytes": .int(Int64(s.fileBytes)),
                    "commits": .int(Int64(s.commits)),
                    "streams": .int(Int64(s.streams)),
                    "map_size": .int(Int64(s.mapSize)),
                    "map_used": .int(Int64(s.usedBytes)),
                    "free_bytes": .int(Int64(s.freeBytes)),
                ])
                print(object.json)
            case .table:
                let rows: [[String]] = [
                    ["events", Format.thousands(s.events)],
                    ["last position", String(s.lastPosition.rawValue)],
                    ["last recorded at", s.lastRecordedAt?.iso8601 ?? "-"],
                    ["reports", Format.thousands(reports)],
                    ["claims", Format.thousands(claims)],
                    ["sources", Format.thousands(sources)],
                    ["commits", Format.thousands(s.commits)],
                    ["streams", Format.thousands(s.streams)],
                    ["data file", Format.bytes(s.fileBytes)],
                    ["map used", "\(Format.bytes(s.usedBytes)) of \(Format.bytes(s.mapSize))"],
                    ["free for reuse", Format.bytes(s.freeBytes)],
                ]
                print(Format.table(["WHAT", "VALUE"], rows))
            }
        }
    }
}
