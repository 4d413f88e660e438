import Foundation
import StrataDomain
import StrataLog
import Testing

@testable import StrataViews

/// The log read and decoded on another thread (`EventLog.readAhead`, `DecodedEvents`):
/// what folds rely on when they take events from it.
@Suite("Read-ahead", .serialized)
struct ReadAheadTests {
    private struct Refused: Error {}

    private func withLog<R>(_ options: EventLog.Options = EventLog.Options(), _ body: (EventLog) throws -> R) throws
        -> R
    {
        let dir = NSTemporaryDirectory() + "strata-read-ahead-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(try EventLog(path: dir + "/j", options: options))
    }

    /// `n` events of `type` in one stream, 500 a command.
    private func append(_ log: EventLog, _ n: Int, type: EventType = "note.added.v1", stream: String = "note-1") throws
    {
        var left = n
        while left > 0 {
            let k = min(left, 500)
            let events = (0..<k).map { i in ProposedEvent(type: type, payload: .object(["i": .int(Int64(i))])) }
            try log.append([StreamAppend(stream: StreamID(stream)!, events: events)], recordedBy: "t")
            left -= k
        }
    }

    private func items<V>(_ ahead: ReadAhead<V>) throws -> [ReadAhead<V>.Item]? {
        if case .items(let chunk) = try ahead.next() { return chunk }
        return nil
    }

    @Test(
        "chunks come in order up to the last position asked for; an event it cannot transform ends it after the events before it"
    )
    func chunksAndFailure() throws {
        try withLog { log in
            try append(log, 20)
            let notes = EventFamilies(["note.added"])
            let upTo = log.readAhead(after: Position(2), through: Position(11), families: notes, chunk: 4, depth: 1) {
                Int($0.position.rawValue)
            }
            var seen: [UInt64] = []
            while let chunk = try items(upTo) { seen += chunk.map(\.position.rawValue) }
            #expect(seen == Array(3...11))
            let failing = log.readAhead(after: .zero, families: notes, chunk: 4, depth: 1) { e -> Int in
                if e.position == Position(6) { throw Refused() }
                return Int(e.position.rawValue)
            }
            #expect(try items(failing)?.map(\.value) == [1, 2, 3, 4])
            #expect(try items(failing)?.map(\.value) == [5])
            #expect(throws: Refused.self) { _ = try failing.next() }
            if case .end = try failing.next() {} else { Issue.record("not ended after the failure") }
        }
    }

    // The time limit guards against a cancel that waits for a reader blocked on a full
    // queue (it would wait forever); how fast it returns is not a test's business.
    @Test(
        "cancelling a reader that waits to hand over a chunk returns, and no chunk follows",
        .timeLimit(.minutes(5)))
    func cancelWhileBlocked() throws {
        try withLog { log in
            try append(log, 50)
            let ahead = log.readAhead(after: .zero, families: EventFamilies(["note.added"]), chunk: 1, depth: 1) { _ in
                0
            }
            Thread.sleep(forTimeInterval: 0.05)
            ahead.cancel()
            if case .items = try ahead.next() { Issue.record("a chunk after cancel") }
        }
    }

    @Test("a fold that moves on without the reader, or goes back, gets a reader from where it is")
    func readerFollowsTheFold() throws {
        try withLog { log in
            try append(log, 3_500)
            let events = DecodedEvents(log, after: .zero)
            #expect(try events.next(after: .zero)?.position == Position(1))
            // The fold read a batch itself: the reader is behind it.
            #expect(try events.next(after: Position(2_400))?.position == Position(2_401))
            // A write transaction ran again from its checkpoint: the reader is ahead of it.
            #expect(try events.next(after: Position(40))?.position == Position(41))
            #expect(try events.next(after: Position(41))?.position == Position(42))
            #expect(try events.next(after: Position(3_500)) == nil)
            #expect(events.exhausted)
        }
    }

    @Test("a view stops reading at its own position: an event after it that this version cannot read does not fail it")
    func viewIgnoresLaterEvents() throws {
        try withLog(StateStore.logOptions) { log in
            let yaml =
                "report: {id: r1, outlet: Wire, published: 2020-07-01}\nclaims:\n  - {id: c1, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05}\n"
            _ = try Journal(log: log).append(try ReportDecoder().decode(Array(yaml.utf8), json: false), by: "t")
            let head = try log.head().lastPosition
            // An event a newer version wrote: a later schema of a family the read models fold.
            try append(log, 1, type: "claim.asserted.v9", stream: "claim-r1-c9")
            var view = View()
            view.atPosition = head
            let (state, _) = try JournalState.fold(log, view: view)
            #expect(state.claims.count == 1)
            #expect(throws: (any Error).self) { _ = try JournalState.fold(log, view: View()) }
        }
    }

    @Test(
        "rebuild and catch-up over many chunks, a small map growing and another thread appending: the stored state equals a fold"
    )
    func rebuildWhileAppending() throws {
        func report(_ r: Int, claims: Int) throws -> ReportDocument {
            var lines = ["report: {id: r\(r), outlet: Wire, published: 2020-07-01}", "claims:"]
            for c in 0..<claims {
                var line =
                    "  - {id: c\(c), kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-0\(1 + c % 9), quantity: {value: \(100 + c), unit: t}"
                if c > 0 && c % 3 == 0 { line += ", links: [{relation: same-shipment, claim: c\(c - 1)}]" }
                lines.append(line + "}")
            }
            return try ReportDecoder().decode(Array((lines.joined(separator: "\n") + "\n").utf8), json: false)
        }
        var options = StateStore.logOptions
        options.durable = false
        options.mapSize = 2 << 20  // the rebuild fills it: write transactions run again
        try withLog(options) { log in
            let journal = Journal(log: log)
            for r in 0..<12 { _ = try journal.append(try report(r, claims: 250), by: "t") }
            let later = try (100..<106).map { try report($0, claims: 200) }
            let store = StateStore(log: log, batch: 700)
            let done = DispatchSemaphore(value: 0)
            let appender = Thread {
                for r in later { _ = try? journal.append(r, by: "t") }
                done.signal()
            }
            appender.start()
            try store.rebuild()
            try store.catchUp()
            done.wait()
            try store.catchUp()
            #expect(try store.problems().isEmpty)
            let (folded, _) = try JournalState.fold(log, view: View())
            #expect(folded.claims.count == 12 * 250 + 6 * 200)
            let stored = try store.state(at: try log.head().lastPosition)
            #expect(stored.claims == folded.claims)
            #expect(stored.links == folded.links)
        }
    }
}
