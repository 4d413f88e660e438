import StrataLog
import Testing

@Suite("Payload codecs")
struct PayloadTests {
    @Test("binary and JSON round-trip random payloads", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let p = randomPayload(&rng, depth: 4)
            #expect(try Payload(binary: p.encode()) == p)
            let json = p.json
            let parsed = try Payload(json: json)
            #expect(parsed == p)
            #expect(parsed.json == json)
        }
    }

    @Test("integers and doubles stay distinct in JSON")
    func numberKinds() throws {
        #expect(Payload.double(1).json == "1.0")
        #expect(Payload.int(1).json == "1")
        #expect(try Payload(json: "1.0") == .double(1))
        #expect(try Payload(json: "1") == .int(1))
        #expect(try Payload(json: "-9223372036854775808") == .int(.min))
        #expect(try Payload(json: "1e2") == .double(100))
    }

    @Test("strings are escaped and unescaped")
    func strings() throws {
        let s = Payload.string("a\"b\\c\n\t\u{1}é😀")
        #expect(s.json == "\"a\\\"b\\\\c\\n\\t\\u0001é😀\"")
        #expect(try Payload(json: "\"\\ud83d\\ude00 \\u00e9 \\/\"") == .string("😀 é /"))
    }

    @Test("object key order is kept")
    func keyOrder() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"y":"x"}}"#
        #expect(try Payload(json: text).json == text)
    }

    @Test("invalid JSON is refused", arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "NaN", "Infinity", "1e999",
        "99999999999999999999", "\"abc", "\"a\u{1}b\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"",
        "{\"a\":1,\"a\":2}", "{a:1}", "[1 2]", "tru", "nul", "[1]x", "// c\n1", "'a'",
        String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
    ])
    func invalidJSON(text: String) {
        #expect(throws: JSONError.self) { try Payload(json: text) }
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONError.self) { try bytes.withUnsafeBytes { try Payload(json: $0) } }
    }

    @Test("errors give line and column")
    func errorPosition() {
        do {
            _ = try Payload(json: "{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
        }
    }

    @Test("damaged binary payloads are refused, not trusted")
    func damagedBinary() throws {
        let good = Payload.object(["a": .array([.string("xyz"), .int(5)])]).encode()
        for cut in 0..<good.count {
            #expect(throws: (any Error).self) { try Payload(binary: Array(good[0..<cut])) }
        }
        #expect(throws: (any Error).self) { try Payload(binary: good + [0]) }
        #expect(throws: (any Error).self) { try Payload(binary: [9]) }
        // A non-finite double is not a payload number.
        var nan: [UInt8] = [4]
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { nan.append(contentsOf: $0) }
        #expect(throws: (any Error).self) { try Payload(binary: nan) }
    }
}
