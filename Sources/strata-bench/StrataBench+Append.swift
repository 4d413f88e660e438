import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append many commands, each one transaction, and print a JSON summary line.",
            discussion:
                "Each command has between 1 and --max-events events in one stream named TAG-N; every payload records its command number, its index and the command's size (\"of\"), so a test can check that commands are whole."
        )

        @Option(help: "The journal directory.") var journal: String
        @Option(help: "Commands (transactions) to append.") var commands: Int = 1000
        @Option(help: "Most events in one command.") var maxEvents: Int = 5
        @Option(help: "Streams to spread commands over.") var streams: Int = 50
        @Option(help: "Stream name prefix, distinct per process.") var tag: String = "bench"
        @Option(help: "Filler bytes per payload.") var payloadBytes: Int = 200
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Flag(help: "Use the exact expected version of each stream (retrying on conflicts).")
        var expectVersions = false
        @Flag(
            help:
                "Write without taking turns with other writers, as a strata before writers took turns would (an import then meets these events)."
        )
        var withoutTurns = false

        func run() throws {
            var options = EventLog.Options()
            options.takesTurns = !withoutTurns
            let log = try EventLog(path: journal, options: options)
            var rng = SplitMix64(seed: seed)
            let filler = String(repeating: "x", count: payloadBytes)
            var appended = 0
            var conflicts = 0
            var first: Position? = nil
            var last = Position.zero
            for n in 0..<commands {
                let size = Int(rng.next() % UInt64(maxEvents)) + 1
                guard let stream = StreamID("\(tag)-\(rng.next() % UInt64(max(1, streams)))") else {
                    throw ValidationError("--tag makes an invalid stream id")
                }
                let events = (0..<size).map { i in
                    ProposedEvent(
                        type: "bench.recorded.v1",
                        payload: .object([
                            "tag": .string(tag), "command": .int(Int64(n)), "index": .int(Int64(i)),
                            "of": .int(Int64(size)), "filler": .string(filler),
                        ]))
                }
                while true {
                    let expected: ExpectedVersion = expectVersions ? .exact(try log.streamVersion(stream)) : .any
                    let expectedOrNew: ExpectedVersion = expected == .exact(0) ? .noStream : expected
                    do {
                        let r = try log.append(
                            [StreamAppend(stream: stream, expected: expectedOrNew, events: events)], recordedBy: tag)
                        appended += r.appended
                        if first == nil { first = r.positions?.lowerBound }
                        last = r.positions?.upperBound ?? last
                        break
                    } catch LogError.wrongExpectedVersion {
                        conflicts += 1
                    }
                }
            }
            print(
                Payload.object([
                    "tag": .string(tag), "commands": .int(Int64(commands)), "appended": .int(Int64(appended)),
                    "conflicts": .int(Int64(conflicts)), "first_position": .int(Int64(first?.rawValue ?? 0)),
                    "last_position": .int(Int64(last.rawValue)),
                ]).json)
        }
    }
}
