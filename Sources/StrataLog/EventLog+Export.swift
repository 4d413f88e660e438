extension EventLog {
    /// Writes every event after `position` (at most `limit`) as NDJSON lines to `output`,
    /// from one consistent snapshot. Returns how many were written.
    @discardableResult
    public func export(
        after position: Position = .zero, limit: Int? = nil, to output: OutputFile, progress: ((Int) -> Void)? = nil
    ) throws -> Int {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var n = 0
        try read(after: position, limit: limit) { e in
            e.writeJSONLine(into: &buffer)
            buffer.append(0x0A)
            n += 1
            if buffer.count >= 1 << 20 {
                try output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
                progress?(n)
            }
            return true
        }
        try output.write(buffer)
        try output.close()
        return n
    }
}
