import ArgumentParser
import StrataLog

/// `strata log`: raw events in position order.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print raw events in log order.",
        usage: "strata log [<options>]",
        discussion: """
            --format ndjson prints one event a line exactly as `strata export` writes it: \
            {"position","id","type","stream","version","recorded_at","recorded_by", \
            "correlation_id","causation_id","payload"}. --format json prints them as one \
            JSON array.
            """)

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, ndjson
    }

    @OptionGroup var journal: JournalOptions

    @Option(name: .customLong("after"), parsing: .unconditional, help: "Only events after this position.")
    var afterValue = WholeNumber(0)
    /// `--after`, checked by `validate()`.
    var after: Int { afterValue.number }

    @Option(name: .customLong("limit"), parsing: .unconditional, help: "At most this many events.")
    var limitValue: WholeNumber?
    /// `--limit`, checked by `validate()`.
    var limit: Int? { limitValue?.number }

    @Option(help: "Output format: table, json or ndjson.")
    var format: LogFormat = .table

    func validate() throws {
        // Negative numbers reach here too (parsing: .unconditional): bad data, like any
        // invalid value given to an option.
        try afterValue.check("--after", "a position")
        try limitValue?.check("--limit", "a count")
    }

    func run() throws {
        try reporting {
            let log = try journal.openForReading()
            let out = try OutputFile()
            var buffer: [UInt8] = []
            var rows: [[String]] = []
            var first = true
            if format == .json { buffer.append(UInt8(ascii: "[")) }
            try log.read(after: Position(UInt64(after)), limit: limit) { e in
                switch format {
                case .ndjson:
                    e.writeJSONLine(into: &buffer)
                    buffer.append(0x0A)
                case .json:
                    if !first { buffer.append(UInt8(ascii: ",")) }
                    buffer.append(0x0A)
                    e.writeJSONLine(into: &buffer)
                case .table:
                    rows.append([
                        String(e.position.rawValue), e.recordedAt.iso8601, e.type.name, e.stream.rawValue,
                        String(e.version), e.recordedBy,
                    ])
                }
                first = false
                if buffer.count > 1 << 20 {
                    try out.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                return true
            }
            switch format {
            case .json: buffer.append(contentsOf: Array((first ? "]\n" : "\n]\n").utf8))
            case .table:
                let text = Format.table(
                    ["POSITION", "RECORDED AT", "TYPE", "STREAM", "VERSION", "BY"], rows, rightAligned: [0, 4],
                    fit: Format.Fit(cuttable: [5: .end], optional: [5, 4], heading: 3))
                buffer.append(contentsOf: Array((text + "\n").utf8))
            case .ndjson: break
            }
            try out.write(buffer)
            try out.close()
        }
    }
}
