import Foundation
import Testing

/// The checkers the concurrency, crash and round-trip tests rely on must report broken
/// journals, or those tests could pass on anything. Synthetic exports, no processes.
@Suite("whole-command checkers")
struct BenchJournalCheckTests {
    /// An export line's fields for event `index` of command `command` (size `of`) of `tag`.
    private func event(
        _ position: Int, _ tag: String, _ command: Int, _ index: Int, of: Int, stream: String? = nil,
        version: Int, correlation: String? = nil, recordedAt: String = "2026-01-01T00:00:00.000000Z"
    ) throws -> BenchEvent {
        try BenchEvent([
            "position": position, "stream": stream ?? "\(tag)-0", "version": version, "recorded_at": recordedAt,
            "correlation_id": correlation ?? "\(tag)-\(command)",
            "payload": ["tag": tag, "command": command, "index": index, "of": of],
        ])
    }

    /// Two commands of tag a (sizes 2 and 1) and one of tag b (size 2), all whole.
    private func wellFormed() throws -> [BenchEvent] {
        [
            try event(1, "a", 0, 0, of: 2, version: 1), try event(2, "a", 0, 1, of: 2, version: 2),
            try event(3, "b", 0, 0, of: 2, version: 1), try event(4, "b", 0, 1, of: 2, version: 2),
            try event(5, "a", 1, 0, of: 1, version: 3),
        ]
    }

    private func commandProblems(_ events: [BenchEvent]) -> [String] {
        var problems: [String] = []
        let commands = wholeCommands(events, problems: &problems)
        _ = sequentialTags(commands, problems: &problems)
        return problems
    }

    @Test("a well-formed journal has no problems")
    func wellFormedPasses() throws {
        let events = try wellFormed()
        #expect(positionProblems(events).isEmpty)
        #expect(streamVersionProblems(events).isEmpty)
        var problems: [String] = []
        let commands = wholeCommands(events, problems: &problems)
        #expect(problems.isEmpty)
        #expect(commands.map(\.events) == [2, 2, 1])
        #expect(sequentialTags(commands, problems: &problems) == ["a": 2, "b": 1])
        #expect(problems.isEmpty)
    }

    @Test("a position gap or repeat is reported")
    func positions() throws {
        var events = try wellFormed()
        events.remove(at: 2)
        #expect(!positionProblems(events).isEmpty)
        let repeated = try wellFormed() + [try event(5, "a", 2, 0, of: 1, version: 4)]
        #expect(!positionProblems(repeated).isEmpty)
    }

    @Test("a skipped or repeated stream version is reported")
    func versions() throws {
        var events = try wellFormed()
        events[4] = try event(5, "a", 1, 0, of: 1, version: 4)
        #expect(!streamVersionProblems(events).isEmpty)
        events[4] = try event(5, "a", 1, 0, of: 1, version: 2)
        #expect(!streamVersionProblems(events).isEmpty)
    }

    @Test("a command missing its last event is reported")
    func truncatedCommand() throws {
        let events = Array(try wellFormed().prefix(3))  // b#0 has 1 of its 2 events
        #expect(!commandProblems(events).isEmpty)
    }

    @Test("a command interleaved with another is reported")
    func interleaved() throws {
        let events = [
            try event(1, "a", 0, 0, of: 2, version: 1), try event(2, "b", 0, 0, of: 1, version: 1),
            try event(3, "a", 0, 1, of: 2, version: 2),
        ]
        #expect(!commandProblems(events).isEmpty)
    }

    @Test("a command whose events disagree on record time is reported")
    func splitRecordTime() throws {
        let events = [
            try event(1, "a", 0, 0, of: 2, version: 1),
            try event(2, "a", 0, 1, of: 2, version: 2, recordedAt: "2026-01-01T00:00:01.000000Z"),
        ]
        #expect(!commandProblems(events).isEmpty)
    }

    @Test("a hole or repeat in a tag's command numbers is reported")
    func holes() throws {
        let hole = [try event(1, "a", 0, 0, of: 1, version: 1), try event(2, "a", 2, 0, of: 1, version: 2)]
        #expect(!commandProblems(hole).isEmpty)
        let repeated = [
            try event(1, "a", 0, 0, of: 1, version: 1),
            try event(2, "a", 0, 0, of: 1, version: 2, correlation: "again"),
        ]
        #expect(!commandProblems(repeated).isEmpty)
    }
}
