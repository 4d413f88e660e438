import StrataLog
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    @Test("event ids are UUIDv7 and round-trip through text")
    func eventIDs() throws {
        let id = EventID.make()
        #expect(id.bytes[6] >> 4 == 7)
        #expect(id.bytes[8] >> 6 == 2)
        #expect(EventID(id.description) == id)
        #expect(EventID(id.description.uppercased()) == id)
        #expect(EventID("not-a-uuid") == nil)
        #expect(EventID("0190f1a2-0000-7000-8000-00000000000") == nil)
        #expect(EventID("0190f1a2-0000-7000-8000-00000000000g") == nil)
        #expect(EventID("0190f1a200-00-7000-8000-000000000000") == nil)
        #expect(EventID("0190f1a2-0000-7000-8000-00000000000 ") == nil)
        #expect(EventID("0190f1a2-0000-7000-8000-0000000000:0") == nil)
        let known = EventID("00112233-4455-6677-8899-aAbBcCdDeEfF")
        #expect(
            known?.bytes == [
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
            ])
        #expect(known?.description == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(EventID(bytes: known!.bytes) == known)
        #expect(EventID(bytes: [1, 2, 3]) == nil)
    }

    @Test("ids made later sort later")
    func timeOrdered() {
        let early = EventID.make(milliseconds: 1_000)
        let late = EventID.make(milliseconds: 2_000)
        #expect(early < late)
    }

    @Test(
        "event type names carry their schema version",
        arguments: [
            ("claim.asserted.v1", UInt16?(1)), ("source.rated.v12", 12), ("a.v1", 1),
            ("claim.asserted", nil), ("Claim.asserted.v1", nil), ("claim..v1", nil), ("claim.asserted.v0", nil),
            ("claim.asserted.v01", nil), ("claim-asserted.v1", nil), ("v1", nil),
        ])
    func eventTypes(name: String, version: UInt16?) {
        #expect(EventType(name)?.schemaVersion == version)
    }

    @Test("stream ids are bounded and printable")
    func streamIDs() {
        #expect(StreamID("claim-dailynk-2020-05-minerals/c1")?.category == "claim")
        #expect(StreamID("") == nil)
        #expect(StreamID("a\u{0}b") == nil)
        #expect(StreamID(String(repeating: "x", count: 501)) == nil)
        #expect(StreamID(String(repeating: "x", count: 500)) != nil)
    }

    @Test("stream ids compare and sort as their UTF-8 bytes do, prefixes first")
    func streamIDOrderIsByteOrder() {
        var random = SplitMix64(seed: 14)
        let pieces = ["a", "b", "-", "/", "\u{E9}", "e\u{301}", "\u{D55C}", "\u{1F6A2}", "z"]
        let ids = (0..<300).map { _ in
            StreamID.test((0...Int(random.next() % 4)).map { _ in pieces[Int(random.next() % 9)] }.joined())
        }
        for a in ids {
            for b in ids.prefix(60) {
                let x = Array(a.rawValue.utf8)
                let y = Array(b.rawValue.utf8)
                #expect((a == b) == (x == y))
                #expect((a < b) == x.lexicographicallyPrecedes(y))
            }
        }
    }

    @Test("stream ids are their bytes: two spellings of one text are two streams, here as in LMDB")
    func streamIDsByBytes() throws {
        let composed = StreamID.test("caf\u{E9}-0")
        let decomposed = StreamID.test("cafe\u{301}-0")
        #expect(composed.rawValue == decomposed.rawValue)  // equal as Swift strings
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(decomposed < composed)  // "e" (0x65) before "é" (0xC3 0xA9)
        let t = try TemporaryLog()
        defer { t.remove() }
        for stream in [composed, decomposed, composed] {
            try t.log.append([StreamAppend(stream: stream, events: [event(1)])], recordedBy: "a")
        }
        #expect(try t.log.streamVersion(composed) == 2)
        #expect(try t.log.streamVersion(decomposed) == 1)
        #expect(try t.log.verify().isClean)
        var events: [EncodedEvent] = []
        try t.log.read {
            events.append(EncodedEvent($0)); return true
        }
        let copy = try t.sibling("copy")
        _ = try copy.importEncoded(events, batchSize: 1)
        #expect(try copy.streamVersion(decomposed) == 1)
        #expect(try copy.verify().isClean)
    }
}
