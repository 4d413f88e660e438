#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file (or standard input) line by line, lending each line's bytes, without its
/// newline (LF or CR LF), to a closure.
///
/// A line may be at most ``longestLine`` bytes: a longer one throws ``LineTooLong`` once
/// that much of it is read, so an input with no line breaks (`/dev/zero`, a binary piped
/// in) is refused rather than read into memory until there is none. The file is read with
/// `read(2)` as its bytes come, so a line written to a pipe is lent as soon as it ends.
public final class LineReader {
    /// A line longer than ``LineReader/longestLine``.
    public struct LineTooLong: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based number of the line.
        public let line: Int
        public let limit: Int
        public var description: String { "line \(line) is longer than \(LineReader.describe(bytes: limit))" }
    }

    /// 256 MiB: far more than an event or a report needs.
    public static let defaultLongestLine = 256 << 20

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let path: String
    public let longestLine: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// The unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// The 1-based number of the last line read.
    public private(set) var lineNumber = 0

    /// Opens `path` (`-` is standard input). Returns `nil` with `errno` set when it cannot.
    public init?(path: String, longestLine: Int = LineReader.defaultLongestLine) {
        self.path = path
        self.longestLine = longestLine
        var st = stat()
        if path != "-", stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            errno = EISDIR
            return nil
        }
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            descriptor = fd
            ownsDescriptor = true
        }
        capacity = 1 << 16
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    /// Lends the next line to `body`; returns `nil` at the end of the file.
    public func next<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var searched = start
        while true {
            if let found = memchr(buffer + searched, 0x0A, end - searched) {
                let newline = buffer.distance(to: found)
                return try lend(start..<newline, resumingAt: newline + 1, body)
            }
            searched = end
            if end - start > longestLine { throw LineTooLong(line: lineNumber + 1, limit: longestLine) }
            if atEnd {
                guard start < end else { return nil }
                return try lend(start..<end, resumingAt: end, body)
            }
            let kept = start
            try fill()
            searched -= kept - start
        }
    }

    private func lend<R>(
        _ line: Range<Int>, resumingAt next: Int, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        lineNumber += 1
        start = next
        var n = line.count
        if n > longestLine { throw LineTooLong(line: lineNumber, limit: longestLine) }
        if n > 0, buffer.load(fromByteOffset: line.lowerBound + n - 1, as: UInt8.self) == 0x0D { n -= 1 }
        return try body(UnsafeRawBufferPointer(start: buffer + line.lowerBound, count: n))
    }

    /// Reads more: moves the unread bytes to the front, grows the buffer when they fill it,
    /// and reads what the file has (at least a byte, or its end).
    private func fill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            // A line needs at most one byte past the longest, to be found too long.
            let size = min(capacity * 2, max(capacity + 1, longestLine + 1))
            let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            grown.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = grown
            capacity = size
        }
        while true {
            let n = read(descriptor, buffer + end, capacity - end)
            if n > 0 {
                end += n
                return
            }
            if n == 0 {
                atEnd = true
                return
            }
            if errno != EINTR { throw FileError(path: path, code: errno, operation: "read") }
        }
    }

    /// `256 MiB`, `64 KiB` or `100 bytes`.
    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
