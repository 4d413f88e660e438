import Foundation
import Testing

@testable import StrataLog

@Suite("Export and import")
struct ExportImportTests {
    /// A random journal: commands of 1–6 events over a few streams, random payloads, some
    /// with causation ids, record times moving forward by random steps (some equal).
    private func fill(_ log: EventLog, seed: UInt64, commands: Int) throws {
        var rng = SplitMix64(seed: seed)
        var time = RecordTime(iso8601: "2020-01-01T00:00:00Z")!.microseconds
        for _ in 0..<commands {
            time += Int64.random(in: 0..<5_000_000, using: &rng)
            let size = Int.random(in: 1...6, using: &rng)
            let stream = StreamID.test("s-\(Int.random(in: 0..<7, using: &rng))")
            let events = (0..<size).map { _ in
                ProposedEvent(
                    id: .make(milliseconds: UInt64(time / 1000), using: &rng), type: "test.happened.v1",
                    payload: randomPayload(&rng), causationID: Bool.random(using: &rng) ? .make() : nil)
            }
            try log.append(
                [StreamAppend(stream: stream, events: events)], recordedAt: RecordTime(microseconds: time),
                recordedBy: "analyst-\(Int.random(in: 0..<3, using: &rng))")
        }
    }

    private func exportText(_ log: EventLog, to path: String) throws -> Data {
        try log.export(to: OutputFile(path: path))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("export → import → export is byte-identical and keeps the chain", arguments: [11, 12, 13] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: seed, commands: 300)
        let first = try exportText(t.log, to: t.directory + "/one.ndjson")
        let copy = try t.sibling("copy")
        let reader = try #require(LineReader(path: t.directory + "/one.ndjson"))
        let result = try copy.importNDJSON(from: reader, batchSize: 97)
        #expect(result.imported == (try t.log.head().lastPosition.rawValue).asInt)
        let second = try exportText(copy, to: t.directory + "/two.ndjson")
        #expect(first == second)
        #expect(try copy.head() == t.log.head())
        #expect(try copy.verify().isClean)
    }

    @Test("the write path alone (importEncoded, for the benchmark) writes the same journal in many batches")
    func encodedImport() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: 21, commands: 200)
        let first = try exportText(t.log, to: t.directory + "/one.ndjson")
        let reader = try #require(LineReader(path: t.directory + "/one.ndjson"))
        var events: [EncodedEvent] = []
        while let e = try reader.next({ try Envelope(jsonLine: $0, line: reader.lineNumber) }) {
            events.append(EncodedEvent(e))
        }
        let copy = try t.sibling("copy")
        // Batches that start inside the array: its slices are not indexed from 0.
        let result = try copy.importEncoded(events, batchSize: 37)
        #expect(result.imported == events.count)
        #expect(result.transactions > 1)
        #expect(try exportText(copy, to: t.directory + "/two.ndjson") == first)
        #expect(try copy.verify().isClean)
    }

    @Test("a resumed import skips what is there and finishes the same")
    func resume() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: 5, commands: 100)
        let full = try exportText(t.log, to: t.directory + "/full.ndjson")
        let lines = full.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The first 40 lines, as a crash after a commit could leave, then the whole file.
        let part = t.directory + "/part.ndjson"
        try Data(lines[0..<40].joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: part))
        let copy = try t.sibling("copy")
        _ = try copy.importNDJSON(from: try #require(LineReader(path: part)))
        let result = try copy.importNDJSON(from: try #require(LineReader(path: t.directory + "/full.ndjson")))
        #expect(result.skipped == 40)
        #expect(try exportText(copy, to: t.directory + "/again.ndjson") == full)
    }

    @Test("a resumed import that meets a damaged stored event reports the damage, not another event")
    func resumeOverDamage() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: 6, commands: 30)
        _ = try exportText(t.log, to: t.directory + "/full.ndjson")
        let copy = try t.sibling("copy")
        _ = try copy.importNDJSON(from: try #require(LineReader(path: t.directory + "/full.ndjson")))
        // Cut the stored event at position 3 short: it no longer decodes.
        try copy.environment.write { tx throws in
            let stored = try #require(try tx.value(copy.events, key: Position(3).key))
            try tx.put(copy.events, key: Position(3).key, value: Array(stored.prefix(4)))
        }
        #expect {
            try copy.importNDJSON(from: try #require(LineReader(path: t.directory + "/full.ndjson")))
        } throws: { error in
            guard case LogError.corrupted(let position, _) = error else { return false }
            return position == Position(3)
        }
    }

    @Test("import into a journal with other events is refused")
    func conflictingImport() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: 6, commands: 10)
        _ = try exportText(t.log, to: t.directory + "/a.ndjson")
        let other = try t.sibling("other")
        try fill(other, seed: 7, commands: 10)
        do {
            _ = try other.importNDJSON(from: try #require(LineReader(path: t.directory + "/a.ndjson")))
            Issue.record("expected a refusal")
        } catch LogError.importRejected(let line, let field, _) {
            #expect(line == 1 && field == "position")
        }
    }

    @Test("a tiny map grows during a large import")
    func tinyMapGrows() throws {
        let t = try TemporaryLog()
        defer { t.remove() }
        try fill(t.log, seed: 8, commands: 400)
        _ = try exportText(t.log, to: t.directory + "/a.ndjson")
        var options = EventLog.Options()
        options.mapSize = 32 * 1024
        let small = try EventLog(path: t.directory + "/small", options: options)
        _ = try small.importNDJSON(from: try #require(LineReader(path: t.directory + "/a.ndjson")))
        #expect(try small.statistics().mapSize > 32 * 1024)
        #expect(try small.verify().isClean)
        #expect(try small.head() == t.log.head())
    }
}

extension UInt64 {
    var asInt: Int { Int(self) }
}
