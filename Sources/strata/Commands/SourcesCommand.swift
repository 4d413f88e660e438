import ArgumentParser
import StrataDomain
import StrataLog

/// `strata sources`: sources with their grades.
struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "List sources with their current reliability grade and grade history.")

    enum SourcesFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var journal: JournalOptions
    @Option(help: "Output format: table or json.") var format: SourcesFormat = .table

    func run() throws {
        try reporting {
            let sources = try journal.journalForReading().sources()
            switch format {
            case .json:
                print(
                    Payload.array(
                        sources.map { s in
                            .object([
                                "id": .string(s.registration.source.rawValue), "name": .string(s.registration.name),
                                "kind": .string(s.registration.kind.rawValue),
                                "reliability": .text(s.current?.rawValue),
                                "history": .array(
                                    s.grades.map { g in
                                        .object([
                                            "reliability": .text(g.reliability?.rawValue), "reason": .text(g.reason),
                                            "recorded_at": .string(g.recordedAt.iso8601),
                                            "recorded_by": .string(g.recordedBy),
                                        ])
                                    }),
                            ])
                        }
                    ).json)
            case .table:
                let rows = sources.map { s in
                    [
                        s.registration.source.rawValue, s.registration.kind.rawValue, s.current?.rawValue ?? "-",
                        s.grades.map { $0.reliability?.rawValue ?? "-" }.joined(separator: "→"), s.registration.name,
                    ]
                }
                print(
                    Format.table(
                        ["SOURCE", "KIND", "GRADE", "HISTORY", "NAME"], rows,
                        fit: Format.Fit(cuttable: [3: .middle, 4: .end], heading: 0)))
            }
        }
    }
}
