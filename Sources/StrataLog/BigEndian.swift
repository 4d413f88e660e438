/// Big-endian integers for keys, whose byte order must equal numeric order.
enum BigEndian {
    static func bytes(_ v: UInt64) -> [UInt8] {
        withUnsafeBytes(of: v.bigEndian) { Array($0) }
    }
    static func append(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }
    static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        precondition(bytes.count >= offset + 8)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        return v
    }
    static func uint64(_ bytes: [UInt8], at offset: Int = 0) -> UInt64 {
        bytes.withUnsafeBytes { uint64($0, at: offset) }
    }
}
