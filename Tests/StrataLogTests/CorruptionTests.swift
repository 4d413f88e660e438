import Foundation
import LMDB
import Testing

@testable import StrataLog

@Suite("Corruption and tampering are detected")
struct CorruptionTests {
    /// A log of 50 events whose payloads carry a findable marker, closed after writing.
    private func makeLog() throws -> TemporaryLog {
        let t = try TemporaryLog()
        for i in 0..<10 {
            let events = (0..<5).map { j in
                ProposedEvent(
                    type: "test.happened.v1",
                    payload: .object(["marker": .string("MARK-\(i * 5 + j)-END"), "pad": .string("pppppppp")]))
            }
            try t.log.append([StreamAppend(stream: .test("s-\(i % 3)"), events: events)], recordedBy: "x")
        }
        return t
    }

    private func flip(in file: String, at offset: Int) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let byte = try #require(try handle.read(upToCount: 1)).first ?? 0
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte ^ 0x20])
    }

    @Test("a flipped byte in a stored event is reported at its position", arguments: [0, 17, 33, 49])
    func flippedEventByte(n: Int) throws {
        let t = try makeLog()
        defer { t.remove() }
        let data = try Data(contentsOf: URL(fileURLWithPath: t.path + "/data.mdb"))
        let marker = Data("MARK-\(n)-END".utf8)
        // LMDB copies pages on write, so stale copies of the event may sit in free pages:
        // damage every copy so the live one is damaged too.
        var from = data.startIndex
        var copies = 0
        while let range = data.range(of: marker, in: from..<data.endIndex) {
            try flip(in: t.path + "/data.mdb", at: range.lowerBound + 5)
            from = range.upperBound
            copies += 1
        }
        #expect(copies >= 1)
        let reopened = try EventLog(path: t.path)
        let report = try reopened.verify()
        #expect(!report.isClean)
        #expect(report.problems.contains { $0.position == Position(UInt64(n + 1)) && $0.what.contains("checksum") })
        #expect(throws: LogError.self) { _ = try reopened.event(at: Position(UInt64(n + 1))) }
    }

    @Test("an event rewritten with a valid checksum still breaks the chain")
    func tamperedWithChecksum() throws {
        let t = try makeLog()
        defer { t.remove() }
        let log = t.log
        let original = try #require(try log.event(at: Position(7)))
        let previous = try log.environment.read { tx in
            try Position(7).key.withUnsafeBytes { key in
                try tx.withValue(log.events, key: key) { stored in
                    try EnvelopeCodec.decode(position: Position(7), stored: try #require(stored)).previous
                }
            }
        }
        let header = EnvelopeCodec.header(
            id: original.id, type: original.type, stream: original.stream, version: original.version,
            previous: previous,
            recordedAt: original.recordedAt, recordedBy: "mallory", correlationID: original.correlationID,
            causationID: original.causationID)
        var body = header.bytes + original.payload.encode()
        let sum = body.withUnsafeBytes { EnvelopeCodec.checksum(position: Position(7), body: $0) }
        withUnsafeBytes(of: sum) { body.append(contentsOf: $0) }
        _ = try log.environment.write { tx in try tx.put(log.events, key: Position(7).key, value: body) }
        #expect(try log.event(at: Position(7))?.recordedBy == "mallory")
        let report = try log.verify()
        #expect(report.problems.contains { $0.what.contains("chain") })
    }

    @Test("a missing or wrong index entry is reported")
    func damagedIndexes() throws {
        let t = try makeLog()
        defer { t.remove() }
        let log = t.log
        let e = try #require(try log.event(at: Position(12)))
        try log.environment.write { tx throws in
            try tx.delete(log.eventIDs, key: e.id.bytes)
            try tx.put(
                log.streams, key: LogKeys.stream(e.stream), value: StreamHead(version: 99, position: Position(12)).value
            )
        }
        let problems = try log.verify().problems.map(\.description)
        #expect(problems.contains { $0.contains("position 12") && $0.contains("event id") })
        #expect(problems.contains { $0.contains("head says version 99") })
        #expect(problems.contains { $0.contains("event ids indexed for 50 events") })
    }

    @Test("a malformed index entry is one problem listed, and the rest of the log is still checked")
    func malformedIndexEntry() throws {
        let t = try makeLog()
        defer { t.remove() }
        let log = t.log
        let e = try #require(try log.event(at: Position(12)))
        _ = try log.environment.write { tx in try tx.put(log.eventIDs, key: e.id.bytes, value: [1, 2, 3]) }
        _ = try log.environment.write { tx in try tx.delete(log.events, key: Position(30).key) }
        let problems = try log.verify().problems.map(\.description)
        #expect(problems.contains { $0.contains("position 12") && $0.contains("event id") }, "\(problems)")
        #expect(problems.contains { $0.contains("position 31: gap") }, "checked past it: \(problems)")
    }

    @Test(
        "a damaged format key: the journal does not open as some format by guess, and verify names a key the journal does not write"
    )
    func damagedFormatKey() throws {
        let t = try makeLog()
        defer { t.remove() }
        let log = t.log
        // The key changed by damage, its value kept: one flipped byte, as the audit made it.
        _ = try log.environment.write { tx in
            try tx.delete(log.meta, key: EventLog.formatKey)
            try tx.put(log.meta, key: Array("forma.".utf8), value: EventLog.formatVersion)
        }
        let problems = try log.verify().problems.map(\.description)
        #expect(problems.contains { $0.contains("the meta table holds a key the journal does not write: \"forma.\"") })
        #expect {
            _ = try EventLog(path: t.path)
        } throws: { error in
            "\(error)".contains("the journal's format marker (\"format\" in its meta table) is missing")
        }
        // A new journal still takes its format at first open.
        let fresh = try TemporaryLog()
        defer { fresh.remove() }
        #expect(try fresh.log.environment.read { try $0.value(fresh.log.meta, key: EventLog.formatKey) } != nil)
    }

    @Test("a deleted event is a gap")
    func deletedEvent() throws {
        let t = try makeLog()
        defer { t.remove() }
        let log = t.log
        _ = try log.environment.write { tx in try tx.delete(log.events, key: Position(20).key) }
        let problems = try log.verify().problems.map(\.description)
        #expect(problems.contains { $0.contains("position 21: gap") })
    }

    @Test("a clean log verifies clean")
    func clean() throws {
        let t = try makeLog()
        defer { t.remove() }
        let report = try t.log.verify()
        #expect(report.isClean)
        #expect(report.events == 50 && report.commits == 10 && report.streams == 3)
    }
}
