/// Appends little-endian integers, varints and bytes to an array.
public struct ByteWriter {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A signed integer as a zigzag varint: small magnitudes of either sign take few bytes.
    public mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// A 128-bit signed integer as a zigzag varint: the same bytes as ``zigzag(_:)-(Int64)``
    /// gives a value that fits in 64 bits.
    public mutating func zigzag(_ v: Int128) {
        let small = Int64(truncatingIfNeeded: v)
        if Int128(small) == v { return zigzag(small) }  // the usual case, without 128-bit shifts
        var z = UInt128(bitPattern: (v << 1) ^ (v >> 127))
        while z >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: z) | 0x80)
            z >>= 7
        }
        bytes.append(UInt8(z))
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    public mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    public mutating func id(_ id: EventID) { id.withUnsafeBytes { bytes.append(contentsOf: $0) } }
}

/// Reads what ``ByteWriter`` wrote, from lent bytes; every read is bounds-checked and
/// throws ``ByteReader/Truncated`` rather than reading past the end.
public struct ByteReader {
    /// Bytes that end, or say something impossible, where a value was expected: at
    /// `offset`, and why.
    public struct Truncated: Error {
        public let offset: Int
        public let reason: String

        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    public let base: UnsafeRawBufferPointer
    public var offset: Int

    public init(_ base: UnsafeRawBufferPointer, offset: Int = 0) {
        self.base = base
        self.offset = offset
    }

    public var remaining: Int { base.count - offset }

    public mutating func u8() throws -> UInt8 {
        guard offset < base.count else { throw Truncated(offset: offset, reason: "unexpected end") }
        defer { offset += 1 }
        return base[offset]
    }

    public mutating func u64() throws -> UInt64 {
        guard remaining >= 8 else { throw Truncated(offset: offset, reason: "unexpected end") }
        let v = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: v)
    }

    public mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 64 else { throw Truncated(offset: offset, reason: "varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// A 128-bit signed integer written by ``ByteWriter/zigzag(_:)-(Int128)`` (or a 64-bit one).
    public mutating func zigzag128() throws -> Int128 {
        // Nine bytes or fewer hold 63 bits: a 64-bit zigzag value, read as one.
        var end = offset
        while end < base.count, base[end] >= 0x80 { end += 1 }
        if end - offset < 9 { return Int128(try zigzag()) }
        var low: UInt64 = 0
        var high: UInt64 = 0
        var shift = 0
        while true {
            let b = try u8()
            // The 19th byte holds bits 126 and 127 only.
            guard shift < 126 || (shift == 126 && b <= 0x03) else {
                throw Truncated(offset: offset, reason: "varint too long")
            }
            let bits = UInt64(b & 0x7F)
            if shift < 64 {
                low |= bits << UInt64(shift)
                if shift > 57 { high |= bits >> UInt64(64 - shift) }
            } else {
                high |= bits << UInt64(shift - 64)
            }
            if b < 0x80 { break }
            shift += 7
        }
        // Ten bytes or more for what nine hold is not how it was written: damaged.
        guard high != 0 || low >= 1 << 63 else { throw Truncated(offset: offset, reason: "overlong varint") }
        let z = UInt128(high) << 64 | UInt128(low)
        return Int128(bitPattern: z >> 1) ^ -Int128(bitPattern: z & 1)
    }

    /// A signed integer written by ``ByteWriter/zigzag(_:)``.
    public mutating func zigzag() throws -> Int64 {
        let z = try varint()
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    public mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, remaining >= n, let start = base.baseAddress else {
            if n == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
            throw Truncated(offset: offset, reason: "length \(n) past the end")
        }
        defer { offset += n }
        return UnsafeRawBufferPointer(start: start + offset, count: n)
    }

    public mutating func array(_ n: Int) throws -> [UInt8] { Array(try bytes(n)) }
    public mutating func id() throws -> EventID { EventID(raw: try bytes(16)) }

    public func peek() throws -> UInt8 {
        guard offset < base.count else { throw Truncated(offset: offset, reason: "unexpected end") }
        return base[offset]
    }

    public mutating func string() throws -> String { try string(count: try varint()) }

    public mutating func string(count n: UInt64) throws -> String {
        guard n <= UInt64(remaining) else { throw Truncated(offset: offset, reason: "string length \(n) past the end") }
        // Stored strings were valid UTF-8 when written and the event's checksum has been
        // checked, so decoding (which would repair, never trap) needs no second validation.
        return String(decoding: try bytes(Int(n)), as: UTF8.self)
    }
}
