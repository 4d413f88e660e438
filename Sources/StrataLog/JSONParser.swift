import Foundation

/// A strict RFC 8259 parser feeding a ``JSONSink``: no comments, no trailing commas, no
/// duplicate keys, no non-finite numbers, valid UTF-8 only, nesting at most 64 deep.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var depth = 0
    /// The keys of every object being read, innermost last: where they are in the input,
    /// or (keys with escapes, decoded) in `keyArena`. Both are reused for all objects, so
    /// checking for duplicate keys copies and allocates nothing per object.
    private var openKeys: [KeyRef] = []
    private var keyArena: [UInt8] = []

    private struct KeyRef {
        let start: Int
        let count: Int
        let inArena: Bool
    }
    /// Where the last key read began.
    private(set) var keyOffset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses the whole text as one JSON value into `sink`.
    mutating func parseDocument<S: JSONSink>(into sink: inout S) throws(JSONError) {
        skipSpace()
        try parseValue(into: &sink)
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
    }

    /// Parses the whole text as one JSON value.
    mutating func parseDocument() throws(JSONError) -> Payload {
        var builder = PayloadBuilder()
        try parseDocument(into: &builder)
        guard let result = builder.result else { throw fail("expected a value") }
        return result
    }

    /// Parses a top-level object, handing each key to `field`, which must parse the value
    /// with one of the `parse…` methods. For records such as an export line, whose fields
    /// are read one way and whose payload is transcoded another.
    ///
    /// With `uniqueKeys: false` the parser does not look for duplicate keys: for callers
    /// that know every key they accept and find a repeated one themselves.
    mutating func parseObject(
        uniqueKeys: Bool = true, _ field: (UnsafeRawBufferPointer, inout JSONParser) throws(JSONError) -> Void
    ) throws(JSONError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("expected a JSON object") }
        try parseMembers(uniqueKeys: uniqueKeys) { (key, parser) throws(JSONError) in try field(key, &parser) }
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the JSON object") }
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONError {
        let end = min(offset ?? i, bytes.count)
        var line = 1
        var lineStart = 0
        for k in 0..<end where bytes[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        return JSONError(line: line, column: end - lineStart + 1, reason: reason)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// Parses one value into `sink`.
    mutating func parseValue<S: JSONSink>(into sink: inout S) throws(JSONError) {
        guard i < bytes.count else { throw fail("expected a value, found the end") }
        sink.location(i)
        switch bytes[i] {
        case UInt8(ascii: "{"):
            try enter()
            sink.beginObject()
            try parseMembers { (key, parser) throws(JSONError) in
                sink.location(parser.keyOffset)
                sink.key(key)
                try parser.parseValue(into: &sink)
            }
            sink.endObject()
            depth -= 1
        case UInt8(ascii: "["):
            try enter()
            sink.beginArray()
            try parseElements(into: &sink)
            sink.endArray()
            depth -= 1
        case UInt8(ascii: "\""): try parseString { sink.string($0) }
        case UInt8(ascii: "t"): try literal("true"); sink.bool(true)
        case UInt8(ascii: "f"): try literal("false"); sink.bool(false)
        case UInt8(ascii: "n"): try literal("null"); sink.null()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(into: &sink)
        default: throw fail("expected a value")
        }
    }

    /// Parses the next value; when it is a string, lends its UTF-8 to `body` and returns
    /// `true`, otherwise reads past it and returns `false`.
    mutating func parseStringValue(orSkip body: (UnsafeRawBufferPointer) -> Void) throws(JSONError) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
            var skip = SkipSink()
            try parseValue(into: &skip)
            return false
        }
        try parseString(body)
        return true
    }

    /// Parses the next value and returns it when it is an integer (`nil` for any other value).
    mutating func parseInteger() throws(JSONError) -> Int64? {
        var sink = SkipSink()
        try parseValue(into: &sink)
        return sink.integer
    }

    /// Reads `null` if it is the next value.
    mutating func parseNull() throws(JSONError) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Parses one value as a ``Payload``.
    mutating func parseValue() throws(JSONError) -> Payload {
        var builder = PayloadBuilder()
        try parseValue(into: &builder)
        guard let result = builder.result else { throw fail("expected a value") }
        return result
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("expected \(word)") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("expected \(word)") }
        i += n
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        guard depth <= Payload.maximumDepth else { throw fail("nested more than \(Payload.maximumDepth) deep") }
    }

    /// `{` members `}`: checks keys are unique (a linear scan over byte ranges: objects are
    /// small) and hands each key's UTF-8 to `member`, which parses its value.
    private mutating func parseMembers(
        uniqueKeys: Bool = true, _ member: (UnsafeRawBufferPointer, inout JSONParser) throws(JSONError) -> Void
    ) throws(JSONError) {
        let base = openKeys.count
        let arenaBase = keyArena.count
        defer {
            openKeys.removeSubrange(base...)
            keyArena.removeSubrange(arenaBase...)
        }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return
        }
        var first = true
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                if i < bytes.count, bytes[i] == UInt8(ascii: "}"), !first {
                    throw fail("trailing comma before '}'")
                }
                throw fail("expected a key in quotes")
            }
            let keyStart = i
            keyOffset = i
            first = false
            // The key's bytes: a slice of the input, or (with escapes) a decoded copy.
            var slice = 0..<0
            var decoded: [UInt8]? = nil
            let text = bytes
            try parseString { raw in
                if let start = raw.baseAddress, let input = text.baseAddress, start >= input, start < input + text.count
                {
                    let offset = start - input
                    slice = offset..<offset + raw.count
                } else {
                    decoded = Array(raw)
                }
            }
            if let decoded {
                // Lent from a copy that lives across the member call.
                var failure: JSONError? = nil
                decoded.withUnsafeBytes { key in
                    do throws(JSONError) {
                        if uniqueKeys { try checkUnique(key, inInput: nil, base: base, at: keyStart) }
                        try colon()
                        try member(key, &self)
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
            } else {
                let key = UnsafeRawBufferPointer(rebasing: bytes[slice])
                if uniqueKeys { try checkUnique(key, inInput: slice.lowerBound, base: base, at: keyStart) }
                try colon()
                try member(key, &self)
            }
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            i += 1
            return
        }
    }

    private mutating func colon() throws(JSONError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
        i += 1
        skipSpace()
    }

    /// Records `key` among the open object's keys (from `base`), or fails if it is there.
    /// `inInput`: where the key's bytes are in the input; `nil` for a decoded copy, which
    /// is kept in `keyArena`.
    private mutating func checkUnique(_ key: UnsafeRawBufferPointer, inInput: Int?, base: Int, at keyStart: Int)
        throws(JSONError)
    {
        let input = bytes
        let duplicate = keyArena.withUnsafeBytes { arena in
            openKeys[base...].contains { r in
                guard r.count == key.count else { return false }
                guard r.count > 0, let stored = r.inArena ? arena.baseAddress : input.baseAddress else { return true }
                return memcmp(stored + r.start, key.baseAddress!, r.count) == 0
            }
        }
        guard !duplicate else {
            let name = String(decoding: key, as: UTF8.self)
            var error = fail("duplicate key \"\(name)\"", at: keyStart)
            error.duplicateKey = name
            throw error
        }
        if let inInput {
            openKeys.append(KeyRef(start: inInput, count: key.count, inArena: false))
        } else {
            openKeys.append(KeyRef(start: keyArena.count, count: key.count, inArena: true))
            keyArena.append(contentsOf: key)
        }
    }

    private mutating func parseElements<S: JSONSink>(into sink: inout S) throws(JSONError) {
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return
        }
        var first = true
        while true {
            skipSpace()
            if !first, i < bytes.count, bytes[i] == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
            first = false
            try parseValue(into: &sink)
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            i += 1
            return
        }
    }

    private mutating func parseNumber<S: JSONSink>(into sink: inout S) throws(JSONError) {
        let start = i
        var isInteger = true
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit") }
        // The decimal digits as an integer while they fit (19 digits always do), and the
        // power of ten that scales them: most numbers need nothing more.
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw fail("leading zero in a number") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48) } else { scale += 1 }
                digits += 1
                i += 1
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit after '.'") }
            while i < bytes.count, isDigit(bytes[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                    if mantissa != 0 { digits += 1 }
                    scale -= 1
                }
                i += 1
            }
        }
        var exponent = 0
        var exponentDigits = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in the exponent") }
            while i < bytes.count, isDigit(bytes[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 48) }
                exponentDigits += 1
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if S.takesNumberText {
            sink.number(text: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            return
        }
        if isInteger, digits <= 18 {
            let v = Int64(mantissa)
            sink.int(negative ? -v : v)
            return
        }
        // Exact fast path (Clinger): an integer below 2^53 times or over an exact power of
        // ten is correctly rounded by one IEEE operation.
        let power = scale + exponent
        if !isInteger, digits <= 19, mantissa < (1 << 53), (-22...22).contains(power) {
            let m = Double(mantissa)
            let d = power < 0 ? m / JSONParser.powersOfTen[-power] : m * JSONParser.powersOfTen[power]
            sink.double(negative ? -d : d)
            return
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger {
            guard let v = Int64(text) else { throw fail("integer out of range", at: start) }
            sink.int(v)
        } else {
            guard let d = Double(text), d.isFinite else { throw fail("number out of range", at: start) }
            sink.double(d)
        }
    }

    private static let powersOfTen: [Double] = (0...22).map { (p: Int) -> Double in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Parses a string literal and lends its decoded, validated UTF-8 to `body`.
    /// Moves past string bytes eight at a time while none of them is a quote, a backslash,
    /// a control character or non-ASCII (SWAR: each test sets a byte's high bit), leaving
    /// the first such byte, or the last few, to the byte-by-byte loop.
    @inline(__always)
    private mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= bytes.count {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let zeroIn = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            let below20 = w &- (ones &* 0x20)
            guard (zeroIn | below20 | w) & highs == 0 else { return }
            i += 8
        }
    }

    private mutating func parseString(_ body: (UnsafeRawBufferPointer) -> Void) throws(JSONError) {
        i += 1
        let start = i
        // Fast path: no escapes; ASCII needs no UTF-8 validation.
        skipPlainASCII()
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                guard ascii || String(validating: raw, as: UTF8.self) != nil else {
                    throw fail("text is not UTF-8", at: start)
                }
                i += 1
                body(raw)
                return
            }
            if b >= 0x80 { ascii = false }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlCharacter(b) }
            i += 1
        }
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                guard String(validating: out, as: UTF8.self) != nil else { throw fail("text is not UTF-8", at: start) }
                out.withUnsafeBytes { body($0) }
                return
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { throw fail("unterminated string") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                        else { throw fail("unpaired surrogate") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fail("unpaired surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("invalid escape")
                }
            default:
                if b < 0x20 { throw controlCharacter(b) }
                out.append(b)
                i += 1
            }
        }
        throw fail("unterminated string")
    }

    /// A control character met inside a string: a line break there is a string the line
    /// (or the file) ends inside, which JSON writes as `\n` if it is meant.
    private func controlCharacter(_ b: UInt8) -> JSONError {
        b == 0x0A || b == 0x0D
            ? fail("unterminated string: the line ends inside it (a line break in a string is written \\n)")
            : fail("control character in a string")
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
