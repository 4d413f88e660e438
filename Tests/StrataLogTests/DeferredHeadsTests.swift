import Foundation
import LMDB
import Testing

@testable import StrataLog

/// An import stores stream heads every so many events and at its end, not at every commit
/// (``DeferredHeads``): a log it left with heads unstored (a crash, or an import still
/// running) must answer, take appends and verify as if they were stored.
@Suite("Deferred stream heads")
struct DeferredHeadsTests {
    /// A source journal of commands over 30 streams in two categories, and its events as
    /// an import takes them.
    private func source(_ t: TemporaryLog, commands: Int = 240) throws -> [EncodedEvent] {
        var rng = SplitMix64(seed: 0xDEF)
        for n in 0..<commands {
            let category = n % 3 == 0 ? "t" : "s"
            let stream = StreamID.test("\(category)-\(Int.random(in: 0..<15, using: &rng))")
            let events = (0..<Int.random(in: 1...4, using: &rng)).map { event(n * 10 + $0) }
            try t.log.append([StreamAppend(stream: stream, events: events)], recordedBy: "analyst")
        }
        var out: [EncodedEvent] = []
        try t.log.read {
            out.append(EncodedEvent($0)); return true
        }
        return out
    }

    private func copy(
        _ t: TemporaryLog, _ name: String, limit: UInt64 = 262_144, mapSize: Int = 1 << 26
    ) throws -> EventLog {
        var options = EventLog.Options()
        options.deferredHeadsLimit = limit
        options.mapSize = mapSize
        return try EventLog(path: t.directory + "/" + name, options: options)
    }

    /// Runs `body` with a source journal, a copy imported from it (heads stored at the
    /// end, or left unstored as a crash would leave them).
    private func withImport(
        limit: UInt64 = 262_144, mapSize: Int = 1 << 26, storingHeads: Bool,
        _ body: (TemporaryLog, EventLog) throws -> Void
    ) throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let events = try source(t)
        let copy = try copy(t, "copy", limit: limit, mapSize: mapSize)
        let result = try copy.importEncoded(events, batchSize: 37, storingHeads: storingHeads)
        #expect(result.transactions > 5)
        try body(t, copy)
    }

    /// Runs `body` with a source journal, a copy that imported the first half of it and
    /// left the heads unstored (an import stopped part-way), and the source's events.
    private func withHalfImport(_ body: (TemporaryLog, EventLog, [EncodedEvent]) throws -> Void) throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let events = try source(t)
        let copy = try copy(t, "copy")
        _ = try copy.importEncoded(Array(events[..<(events.count / 2)]), batchSize: 37, storingHeads: false)
        try body(t, copy, events)
    }

    private func headsThrough(_ log: EventLog) throws -> Position? {
        try log.environment.read { try log.headsThrough($0) }
    }

    private func storedStreams(_ log: EventLog) throws -> Int {
        try log.environment.read { try $0.stat(log.streams).entries }
    }

    /// Every reader's answer about streams, to compare two logs.
    private func answers(_ log: EventLog, _ streams: [StreamID]) throws -> [String] {
        var out: [String] = []
        for s in streams {
            out.append("\(s): version \(try log.streamVersion(s)), events \(try log.stream(s).map(\.position))")
        }
        for category in ["s", "t", "u"] {
            out.append(
                "\(category): \(try log.streams(category: category)) (\(try log.streamCount(category: category)))")
        }
        out.append("statistics: \(try log.statistics().streams) streams")
        return out
    }

    private let streams = (0..<15).flatMap { [StreamID.test("s-\($0)"), StreamID.test("t-\($0)")] }

    @Test("an import leaves every head stored, mid-way and at its end")
    func importStoresHeads() throws {
        // A limit of 60 events with batches of 37: heads are stored during the import too.
        try withImport(limit: 60, storingHeads: true) { t, copy throws in
            #expect(try headsThrough(copy) == nil)
            #expect(try storedStreams(copy) == 30)
            #expect(try answers(copy, streams) == answers(t.log, streams))
            #expect(try copy.verify().isClean)
        }
    }

    @Test("heads an import left unstored are read from the events, by every reader")
    func readersSeeUnstoredHeads() throws {
        try withImport(limit: 200, storingHeads: false) { t, copy throws in
            let through = try #require(try headsThrough(copy))
            // The limit was reached (heads stored part-way), and events are after the marker.
            #expect(through > .zero)
            #expect(try through < copy.head().lastPosition)
            // Some stored heads are behind: the answers below do not come from the table alone.
            let behind = try copy.environment.read { tx in
                try streams.filter { try copy.storedHead($0, tx)?.version ?? 0 < t.log.streamVersion($0) }
            }
            #expect(!behind.isEmpty)
            #expect(try answers(copy, streams) == answers(t.log, streams))
            let report = try copy.verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.streams == 30)
        }
    }

    @Test("the next append stores the unstored heads, then checks its expected version against them")
    func appendCatchesUp() throws {
        try withImport(storingHeads: false) { t, copy throws in
            #expect(try headsThrough(copy) == .zero)
            #expect(try storedStreams(copy) == 0)
            let stream = StreamID.test("s-3")
            let version = try t.log.streamVersion(stream)
            #expect(version > 1)
            #expect(throws: LogError.self) {
                try copy.append(
                    [StreamAppend(stream: stream, expected: .exact(version - 1), events: [event(1)])], recordedBy: "a")
            }
            try copy.append(
                [StreamAppend(stream: stream, expected: .exact(version), events: [event(2)])], recordedBy: "a")
            #expect(try headsThrough(copy) == nil)
            #expect(try storedStreams(copy) == 30)
            #expect(try copy.streamVersion(stream) == version + 1)
            #expect(try copy.verify().isClean)
        }
    }

    @Test("a resumed import reads the heads its stopped run left unstored, and stores them")
    func resumedImport() throws {
        try withHalfImport { t, copy, events throws in
            #expect(try headsThrough(copy) != nil)
            let result = try copy.importEncoded(events, batchSize: 37)
            #expect(result.skipped == events.count / 2)
            #expect(try headsThrough(copy) == nil)
            #expect(try answers(copy, streams) == answers(t.log, streams))
            #expect(try copy.verify().isClean)
        }
    }

    @Test("a reader reads unstored heads again once the log has moved on, not from what it read before")
    func readerFollowsTheLog() throws {
        try withHalfImport { t, copy, events throws in
            let before = try streams.map { try copy.streamVersion($0) }
            _ = try copy.importEncoded(events, batchSize: 37, storingHeads: false)
            #expect(try headsThrough(copy) == .zero)
            let after = try streams.map { try copy.streamVersion($0) }
            #expect(after != before)
            #expect(try after == streams.map { try t.log.streamVersion($0) })
        }
    }

    @Test("heads an import carried from batch to batch are not used once another writer has moved the log")
    func staleCarriedHeads() throws {
        try withHalfImport { t, copy, events throws in
            let through = try #require(try headsThrough(copy))
            // What the first import would carry, wrong on purpose (no heads at all)…
            let stale = DeferredHeads(through: through, end: try copy.head().lastPosition, heads: [:])
            // …and the log moved on by another import since.
            _ = try copy.importEncoded(events, batchSize: 37, storingHeads: false)
            try copy.storeDeferredHeads(stale)
            #expect(try headsThrough(copy) == nil)
            #expect(try storedStreams(copy) == 30)
            #expect(try answers(copy, streams) == answers(t.log, streams))
            #expect(try copy.verify().isClean)
        }
    }

    @Test("an import whose batches are retried as the map grows ends with the heads the events say")
    func retriedBatches() throws {
        try withImport(limit: 100, mapSize: 32 * 1024, storingHeads: true) { t, copy throws in
            #expect(try copy.statistics().mapSize > 32 * 1024)
            #expect(try headsThrough(copy) == nil)
            #expect(try answers(copy, streams) == answers(t.log, streams))
            #expect(try copy.verify().isClean)
        }
    }

    @Test("an import that finds every event there writes nothing: no marker, and a journal of format 3 stays so")
    func rerunWritesNothing() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let events = try source(t, commands: 40)
        try t.log.environment.write { tx in
            try tx.put(t.log.meta, key: EventLog.formatKey, value: Array("strata-log/3".utf8))
        }
        let result = try t.log.importEncoded(events, batchSize: 7, storingHeads: false)
        #expect(result.skipped == events.count)
        #expect(try headsThrough(t.log) == nil)
        let format = try t.log.environment.read { try $0.value(t.log.meta, key: EventLog.formatKey) }
        #expect(format == Array("strata-log/3".utf8))
    }

    @Test("a marker at the last event verifies clean, and readers take the table as it is")
    func markerAtTheEnd() throws {
        try withImport(storingHeads: true) { t, copy throws in
            try copy.environment.write { tx in try copy.setHeadsThrough(try copy.lastPosition(in: tx), tx) }
            #expect(try copy.verify().isClean)
            #expect(try answers(copy, streams) == answers(t.log, streams))
        }
    }

    @Test("verify checks the stored heads against the events up to the marker")
    func verifyChecksStoredHeads() throws {
        try withImport(limit: 200, storingHeads: false) { _, copy throws in
            let through = try #require(try headsThrough(copy))
            // A stored head one version behind what the events up to the marker say.
            let stored = try copy.environment.read { tx in
                try tx.withCursor(copy.streams) { c in try #require(try c.first()) }
            }
            let head = try #require(stored.value.withUnsafeBytes { StreamHead($0) })
            try copy.environment.write { tx in
                try tx.put(
                    copy.streams, key: stored.key,
                    value: StreamHead(version: head.version + 1, position: head.position).value)
            }
            #expect(try !copy.verify().isClean)
            // A marker past the end of the log.
            try copy.environment.write { tx in
                try tx.put(copy.streams, key: stored.key, value: head.value)
                try copy.setHeadsThrough(Position(through.rawValue + 10_000), tx)
            }
            let report = try copy.verify()
            #expect(report.problems.contains { $0.description.contains("past the last event") }, "\(report.problems)")
        }
    }

    @Test("a journal of format 3 opens, and is marked format 4 when an import first defers heads")
    func formatUpgrade() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        let events = try source(t, commands: 20)
        let path = t.directory + "/old"
        do {
            let old = try EventLog(path: path)
            try old.environment.write { tx in
                try tx.put(old.meta, key: EventLog.formatKey, value: Array("strata-log/3".utf8))
            }
        }
        let old = try EventLog(path: path)
        func format() throws -> String? {
            try old.environment.read { tx in
                try tx.value(old.meta, key: EventLog.formatKey).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(try format() == "strata-log/3")
        _ = try old.importEncoded(events, batchSize: 7, storingHeads: false)
        #expect(try format() == "strata-log/4")
        #expect(try old.verify().isClean)
    }
}
