import Crypto

/// The hash chain over commits: each commit's hash covers the previous one.
enum Chain {
    static func link(previous: [UInt8], first: Position, last: Position, recordedAt: RecordTime, checksums: [UInt64])
        -> [UInt8]
    {
        var h = SHA256()
        h.update(data: previous)
        withUnsafeBytes(of: first.rawValue.bigEndian) { h.update(bufferPointer: $0) }
        withUnsafeBytes(of: last.rawValue.bigEndian) { h.update(bufferPointer: $0) }
        withUnsafeBytes(of: recordedAt.rawValue.bigEndian) { h.update(bufferPointer: $0) }
        checksums.withUnsafeBytes { h.update(bufferPointer: $0) }
        return Array(h.finalize())
    }
}
