import Foundation
import StrataLog
import Testing

/// What every event store must do (after Eventuous's store conformance suite).
@Suite("Event log conformance")
struct ConformanceTests {
    let a = StreamID.test("claim-a")
    let b = StreamID.test("claim-b")

    @Test("positions are gapless from 1 in commit order")
    func positions() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let r1 = try t.log.append([StreamAppend(stream: a, events: [event(1), event(2)])], recordedBy: "x")
        let r2 = try t.log.append([StreamAppend(stream: b, events: [event(3)])], recordedBy: "x")
        #expect(r1.positions == Position(1)...Position(2))
        #expect(r2.positions == Position(3)...Position(3))
        var seen: [UInt64] = []
        try t.log.read { e throws in
            seen.append(e.position.rawValue)
            return true
        }
        #expect(seen == [1, 2, 3])
        #expect(try t.log.head().lastPosition == Position(3))
    }

    @Test("expected version: any, no stream and exact")
    func expectedVersions() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try t.log.append([StreamAppend(stream: a, expected: .noStream, events: [event(1)])], recordedBy: "x")
        #expect(throws: LogError.wrongExpectedVersion(stream: a, expected: .noStream, actual: 1)) {
            try t.log.append([StreamAppend(stream: a, expected: .noStream, events: [event(2)])], recordedBy: "x")
        }
        #expect(throws: LogError.wrongExpectedVersion(stream: a, expected: .exact(3), actual: 1)) {
            try t.log.append([StreamAppend(stream: a, expected: .exact(3), events: [event(2)])], recordedBy: "x")
        }
        let r = try t.log.append([StreamAppend(stream: a, expected: .exact(1), events: [event(2)])], recordedBy: "x")
        #expect(r.streamVersions[a] == 2)
        try t.log.append([StreamAppend(stream: a, expected: .any, events: [event(3)])], recordedBy: "x")
        #expect(try t.log.streamVersion(a) == 3)
        #expect(try t.log.streamVersion(b) == 0)
    }

    @Test("an append planned at a position is refused, whole, once another append came after it")
    func plannedPosition() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try t.log.append([StreamAppend(stream: a, events: [event(1)])], recordedBy: "x")
        let planned = try t.log.head().lastPosition
        try t.log.append([StreamAppend(stream: b, events: [event(2)])], recordedBy: "y")
        #expect(throws: LogError.logMoved(planned: planned, now: Position(2))) {
            try t.log.append(
                [StreamAppend(stream: a, events: [event(3)]), StreamAppend(stream: b, events: [event(4)])],
                recordedBy: "x", planned: planned)
        }
        #expect(try t.log.head().lastPosition == Position(2))
        let r = try t.log.append([StreamAppend(stream: a, events: [event(3)])], recordedBy: "x", planned: Position(2))
        #expect(r.positions == Position(3)...Position(3))
    }

    @Test("a command is all or nothing")
    func allOrNothing() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try t.log.append([StreamAppend(stream: b, events: [event(0)])], recordedBy: "x")
        #expect(throws: LogError.self) {
            try t.log.append(
                [
                    StreamAppend(stream: a, events: [event(1), event(2)]),
                    StreamAppend(stream: b, expected: .noStream, events: [event(3)]),
                ], recordedBy: "x")
        }
        #expect(try t.log.head().lastPosition == Position(1))
        #expect(try t.log.streamVersion(a) == 0)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try t.log.append([StreamAppend(stream: a, events: [event(4)])], recordedBy: "x") { _, _ in throw Refused() }
        }
        #expect(try t.log.head().lastPosition == Position(1))
    }

    @Test("the same event again is a no-op; the same id with other content is refused")
    func idempotency() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let e1 = event(1)
        let e2 = event(2)
        let first = try t.log.append([StreamAppend(stream: a, expected: .noStream, events: [e1, e2])], recordedBy: "x")
        let again = try t.log.append([StreamAppend(stream: a, expected: .noStream, events: [e1, e2])], recordedBy: "x")
        #expect(first.appended == 2)
        #expect(again.appended == 0 && again.unchanged == 2 && again.positions == nil)
        #expect(try t.log.head().lastPosition == Position(2))
        let changed = ProposedEvent(id: e1.id, type: e1.type, payload: .object(["n": .int(99)]))
        #expect(throws: LogError.idConflict(id: e1.id, position: Position(1))) {
            try t.log.append([StreamAppend(stream: a, events: [changed])], recordedBy: "x")
        }
        #expect(throws: LogError.idConflict(id: e1.id, position: Position(1))) {
            try t.log.append([StreamAppend(stream: b, events: [e1])], recordedBy: "x")
        }
        #expect(throws: LogError.duplicateIDInBatch(e2.id)) {
            try t.log.append([StreamAppend(stream: b, events: [e2, e2])], recordedBy: "x")
        }
    }

    @Test("reads by position, id and stream")
    func reads() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let events = (1...6).map { event($0) }
        try t.log.append([StreamAppend(stream: a, events: Array(events[0..<2]))], recordedBy: "ann")
        try t.log.append([StreamAppend(stream: b, events: Array(events[2..<4]))], recordedBy: "bob")
        try t.log.append([StreamAppend(stream: a, events: Array(events[4..<6]))], recordedBy: "ann")
        let e5 = try #require(try t.log.event(at: Position(5)))
        #expect(e5.id == events[4].id && e5.stream == a && e5.version == 3 && e5.recordedBy == "ann")
        #expect(e5.payload == events[4].payload && e5.type.schemaVersion == 1)
        #expect(try t.log.event(id: events[2].id)?.position == Position(3))
        #expect(try t.log.event(at: Position(7)) == nil)
        #expect(try t.log.event(id: .make()) == nil)
        #expect(try t.log.stream(a).map(\.position.rawValue) == [1, 2, 5, 6])
        #expect(try t.log.stream(a).map(\.version) == [1, 2, 3, 4])
        #expect(try t.log.stream(StreamID.test("claim")).isEmpty)
        var after: [UInt64] = []
        try t.log.read(after: Position(2), limit: 3) { e throws in
            after.append(e.position.rawValue)
            return true
        }
        #expect(after == [3, 4, 5])
        #expect(try t.log.streamCount(category: "claim") == 2)
        #expect(try t.log.streamCount(category: "report") == 0)
    }

    @Test("events of one command share record time and correlation id")
    func commandMetadata() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let correlation = EventID.make()
        let cause = EventID.make()
        let caused = ProposedEvent(type: "test.followed.v2", payload: .null, causationID: cause)
        try t.log.append(
            [StreamAppend(stream: a, events: [event(1)]), StreamAppend(stream: b, events: [caused])],
            recordedBy: "x", correlationID: correlation)
        let e1 = try #require(try t.log.event(at: Position(1)))
        let e2 = try #require(try t.log.event(at: Position(2)))
        #expect(e1.correlationID == correlation && e2.correlationID == correlation)
        #expect(e1.recordedAt == e2.recordedAt)
        #expect(e2.causationID == cause && e1.causationID == nil)
        #expect(e2.schemaVersion == 2)
    }
}
