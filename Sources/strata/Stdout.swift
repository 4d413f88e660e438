#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a long answer to standard output a buffer at a time, so a view of a million rows
/// never holds its whole text in memory (building one string of it took a third of the
/// command's time, most of it the kernel handing out fresh pages). C's `stdout`, which
/// `print` uses, is flushed first, so the two keep their order.
struct Stdout {
    private var buffer: [UInt8] = []
    private static let flushAt = 1 << 16

    init() { buffer.reserveCapacity(Stdout.flushAt + 4096) }

    /// Appends to the buffer with `body`, writing it out when it is full.
    mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= Stdout.flushAt { flush() }
    }

    mutating func write(_ text: String) { write { $0.append(contentsOf: text.utf8) } }

    /// Writes out what is buffered.
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        fflush(nil)
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(STDOUT_FILENO, base + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    // A closed pipe raises SIGPIPE, which ends the process as `print` would;
                    // anything else (a full disk) must not pass for a whole answer.
                    Stderr.print("error: standard output: \(String(cString: strerror(errno)))")
                    exit(Exit.ioError.rawValue)
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
