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

    @Test("128-bit zigzag varints round-trip at every width, in the 64-bit bytes when they fit")
    func zigzag128() throws {
        var values: [Int128] = [0, 1, -1, 63, -64, 64, Int128(Int64.max), Int128(Int64.min), Int128.max, Int128.min]
        for bits in stride(from: 55, through: 126, by: 1) {
            let p = Int128(1) << bits
            values += [p, -p, p - 1, -p + 1, p + 12345]
        }
        for v in values {
            var w = ByteWriter()
            w.zigzag(v)
            let (back, left) = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return (try r.zigzag128(), r.remaining)
            }
            #expect(back == v && left == 0, "\(v)")
            if let small = Int64(exactly: v) {
                var w64 = ByteWriter()
                w64.zigzag(small)
                #expect(w64.bytes == w.bytes, "\(v)")
            }
        }
        // Damaged forms are refused rather than read as something else: bits past 128 in
        // the 19th byte, and 10 bytes or more for a value nine hold.
        func read(_ bytes: [UInt8]) throws -> Int128 {
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw); return try r.zigzag128()
            }
        }
        #expect(throws: (any Error).self) { _ = try read([UInt8](repeating: 0xFF, count: 18) + [0x7F]) }
        #expect(throws: (any Error).self) { _ = try read([UInt8](repeating: 0x80, count: 10) + [0x00]) }
        #expect(throws: (any Error).self) {
            _ = try read([0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        }
        #expect(try read([UInt8](repeating: 0xFF, count: 18) + [0x03]) == Int128.min)
        // Cut short, it is refused rather than read as something else.
        var w = ByteWriter()
        w.zigzag(Int128.max)
        let cut = Array(w.bytes.dropLast())
        #expect(throws: (any Error).self) {
            try cut.withUnsafeBytes { raw in
                var r = ByteReader(raw); _ = try r.zigzag128()
            }
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

    @Test("decimal text is read as Swift's Double(String) reads it", arguments: [11, 12, 13] as [UInt64])
    func decimalsMatchTheStandardLibrary(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            // Random digits, point and exponent, inside and outside the exact fast path.
            var text = rng.next() % 2 == 0 ? "-" : ""
            let intDigits = Int(rng.next() % 12)
            text +=
                intDigits == 0
                ? "0" : String(1 + rng.next() % 9) + (0..<intDigits).map { _ in String(rng.next() % 10) }.joined()
            let fracDigits = Int(rng.next() % 22)
            if fracDigits > 0 || rng.next() % 3 == 0 {
                text += "." + (0...fracDigits).map { _ in String(rng.next() % 10) }.joined()
            }
            if rng.next() % 3 == 0 {
                text += "e" + (rng.next() % 2 == 0 ? "-" : "") + String(rng.next() % 40)
            }
            guard text.contains(".") || text.contains("e") else { continue }
            let expected = Double(text)!
            #expect(try Payload(json: text) == .double(expected), "\(text)")
        }
        #expect(try Payload(json: "0.1") == .double(0.1))
        #expect(try Payload(json: "-0.0") == .double(-0.0))
        #expect(try Payload(json: "123456789012345678.5") == .double(123456789012345678.5))
        #expect(try Payload(json: "9007199254740993.0") == .double(9007199254740993.0))
        #expect(try Payload(json: "1e-400") == .double(0))
        #expect(throws: JSONError.self) { try Payload(json: "1e400") }
        #expect(try Payload(json: "999999999999999999") == .int(999_999_999_999_999_999))
        #expect(try Payload(json: "9223372036854775807") == .int(.max))
        #expect(throws: JSONError.self) { try Payload(json: "9223372036854775808") }
    }

    @Test("keys with escapes are keys like any other: kept, and caught when repeated")
    func escapedKeys() throws {
        #expect(
            try Payload(json: #"{"a\u0062":1,"ab\"":2}"#) == .object([.init("ab", .int(1)), .init("ab\"", .int(2))]))
        #expect(throws: JSONError.self) { try Payload(json: #"{"ab":1,"a\u0062":2}"#) }
        #expect(throws: JSONError.self) { try Payload(json: #"{"a\u0062":1,"ab":2}"#) }
        // The same key in nested objects is not a duplicate; in the same object it is.
        #expect(try Payload(json: #"{"k":{"k":{"k":1}},"j":{"k":2}}"#).json == #"{"k":{"k":{"k":1}},"j":{"k":2}}"#)
        #expect(throws: JSONError.self) { try Payload(json: #"{"k":{"x":1},"j":2,"k":3}"#) }
        #expect(try Payload(json: #"{"":1}"#) == .object([.init("", .int(1))]))
        #expect(throws: JSONError.self) { try Payload(json: #"{"":1,"":2}"#) }
    }

    @Test("a quote, escape, control or non-ASCII byte is found wherever it falls in an 8-byte word")
    func specialBytesAtEveryOffset() throws {
        for offset in 0..<17 {
            let pad = String(repeating: "a", count: offset)
            let tail = String(repeating: "z", count: 11)
            #expect(try Payload(json: "\"\(pad)\(tail)\"") == .string(pad + tail))
            #expect(try Payload(json: "\"\(pad)\\n\(tail)\"") == .string(pad + "\n" + tail))
            #expect(try Payload(json: "\"\(pad)\\\"\(tail)\"") == .string(pad + "\"" + tail))
            #expect(try Payload(json: "\"\(pad)é\(tail)\"") == .string(pad + "é" + tail))
            #expect(try Payload(json: "[\"\(pad)\",\"\(tail)\"]") == .array([.string(pad), .string(tail)]))
            #expect(throws: JSONError.self) { try Payload(json: "\"\(pad)\u{1}\(tail)\"") }
            #expect(throws: JSONError.self) { try Payload(json: "\"\(pad)\u{7F}\(tail)\u{1F}\"") }
            // Invalid UTF-8 after `offset` ASCII bytes.
            let bytes = Array("\"\(pad)".utf8) + [0xC3, 0x28] + Array("\(tail)\"".utf8)
            #expect(throws: JSONError.self) { try bytes.withUnsafeBytes { try Payload(json: $0) } }
        }
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

    @Test(
        "invalid JSON is refused",
        arguments: [
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
