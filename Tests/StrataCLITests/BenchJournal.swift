import Foundation
import Testing

// Reading and checking the export of a journal written by `strata-bench append`: every
// payload carries its process tag, its command number, its index in the command and the
// command's size ("of"), so whole commands can be checked from the outside.

/// One event of a `strata-bench` journal, from its export line.
struct BenchEvent {
    let position: Int
    let stream: String
    let version: Int
    let recordedAt: String
    let correlationID: String
    let tag: String
    let command: Int
    let index: Int
    let of: Int

    init(_ object: [String: Any]) throws {
        position = try #require(object["position"] as? Int)
        stream = try #require(object["stream"] as? String)
        version = try #require(object["version"] as? Int)
        recordedAt = try #require(object["recorded_at"] as? String)
        correlationID = try #require(object["correlation_id"] as? String)
        let payload = try #require(object["payload"] as? [String: Any])
        tag = try #require(payload["tag"] as? String)
        command = try #require(payload["command"] as? Int)
        index = try #require(payload["index"] as? Int)
        of = try #require(payload["of"] as? Int)
    }
}

/// The events of an export, in file order.
func benchEvents(_ export: Data) throws -> [BenchEvent] {
    try jsonObjects(export).map(BenchEvent.init)
}

/// One command (one transaction of `strata-bench append`) as found in an export.
struct BenchCommand {
    let tag: String
    let command: Int
    let correlationID: String
    let firstPosition: Int
    let lastPosition: Int
    let events: Int
}

/// Positions must be exactly 1, 2, 3… in file order: gapless, distinct and sorted.
func positionProblems(_ events: [BenchEvent]) -> [String] {
    var problems: [String] = []
    for (i, e) in events.enumerated() where e.position != i + 1 {
        problems.append("line \(i + 1) has position \(e.position), expected \(i + 1)")
        if problems.count >= 10 { break }
    }
    return problems
}

/// Each stream's versions, in position order, must be 1, 2, 3…
func streamVersionProblems(_ events: [BenchEvent]) -> [String] {
    var versions: [String: Int] = [:]
    var problems: [String] = []
    for e in events {
        let expected = (versions[e.stream] ?? 0) + 1
        if e.version != expected {
            problems.append("position \(e.position): stream \(e.stream) version \(e.version), expected \(expected)")
        }
        versions[e.stream] = e.version
        if problems.count >= 10 { break }
    }
    return problems
}

/// Groups the events into commands (a command's events share one correlation id) and
/// checks each is whole: its events are at consecutive positions, there are exactly
/// `of` of them with indexes 0..<of in order, and they agree on tag, command number,
/// stream and record time. Returns the commands in position order.
func wholeCommands(_ events: [BenchEvent], problems: inout [String]) -> [BenchCommand] {
    var commands: [BenchCommand] = []
    var seen = Set<String>()
    var start = 0
    while start < events.count {
        let first = events[start]
        var end = start + 1
        while end < events.count, events[end].correlationID == first.correlationID { end += 1 }
        let group = events[start..<end]
        let name = "command \(first.tag)#\(first.command) at \(first.position)"
        if !seen.insert(first.correlationID).inserted {
            problems.append("\(name): correlation id \(first.correlationID) appears again: the command is split")
        }
        if group.count != first.of {
            problems.append("\(name): \(group.count) events, but the command has \(first.of)")
        }
        if group.map(\.index) != Array(0..<group.count) {
            problems.append("\(name): indexes \(group.map(\.index))")
        }
        if group.map(\.position) != Array(first.position..<(first.position + group.count)) {
            problems.append("\(name): positions are not consecutive: \(group.map(\.position))")
        }
        if group.contains(where: {
            $0.tag != first.tag || $0.command != first.command || $0.of != first.of || $0.stream != first.stream
                || $0.recordedAt != first.recordedAt
        }) {
            problems.append("\(name): its events disagree on tag, command, size, stream or record time")
        }
        commands.append(
            BenchCommand(
                tag: first.tag, command: first.command, correlationID: first.correlationID,
                firstPosition: first.position, lastPosition: events[end - 1].position, events: group.count))
        start = end
    }
    return commands
}

/// For tags each written by one process, one command after another: the tag's commands
/// must be 0, 1, 2… in position order, each exactly once (a killed process leaves a
/// prefix of its commands, never a hole). Returns the number of commands per tag.
func sequentialTags(_ commands: [BenchCommand], problems: inout [String]) -> [String: Int] {
    var next: [String: Int] = [:]
    for c in commands {
        let expected = next[c.tag] ?? 0
        if c.command != expected {
            problems.append("tag \(c.tag): command \(c.command) at position \(c.firstPosition), expected \(expected)")
        }
        next[c.tag] = c.command + 1
    }
    return next
}

/// The event counts at which `strata import` of this export commits, with 0 and the
/// total: after each command that brings its batch to `batchSize` events or more
/// (`strata import --help`: durable commits every 10,000 events, at a command boundary;
/// consecutive events with one correlation id and record time are one command).
func importCommitPoints(_ events: [BenchEvent], batchSize: Int = 10_000) -> Set<Int> {
    var points: Set<Int> = [0, events.count]
    var inBatch = 0
    for k in 1..<max(1, events.count) {
        inBatch += 1
        let endsCommand =
            events[k].correlationID != events[k - 1].correlationID || events[k].recordedAt != events[k - 1].recordedAt
        if endsCommand && inBatch >= batchSize {
            points.insert(k)
            inBatch = 0
        }
    }
    return points
}

/// Exports the journal and parses it (unless `parse` is false); `verify` must pass first.
func verifiedBenchExport(
    journal: String, parse: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) throws -> (data: Data, events: [BenchEvent]) {
    let verify = try strata("verify", "--journal", journal)
    #expect(verify.exited(0), "verify: \(verify.out) \(verify.err)", sourceLocation: sourceLocation)
    let export = try strata("export", "--journal", journal)
    try #require(export.exited(0), "export: \(export.err)", sourceLocation: sourceLocation)
    return (export.stdout, parse ? try benchEvents(export.stdout) : [])
}

/// Fails the test with the first few problems, if any.
func expectNoProblems(_ problems: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        problems.isEmpty, "\(what): \(problems.count) problems: \(problems.prefix(8).joined(separator: "; "))",
        sourceLocation: sourceLocation)
}
