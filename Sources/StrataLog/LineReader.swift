#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file (or standard input) line by line with `getline`, lending each line's
/// bytes, without its newline, to a closure.
public final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>? = nil
    private var capacity = 0
    /// The 1-based number of the last line read.
    public private(set) var lineNumber = 0
    private let path: String

    /// Opens `path` (`-` is standard input). Returns `nil` with `errno` set when it cannot.
    public init?(path: String) {
        self.path = path
        var st = stat()
        if path != "-", stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            errno = EISDIR
            return nil
        }
        if path == "-" {
            guard let f = fdopen(STDIN_FILENO, "rb") else { return nil }
            file = f
            ownsFile = false
        } else {
            guard let f = fopen(path, "rb") else { return nil }
            file = f
            ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// Lends the next line to `body`; returns `nil` at the end of the file.
    public func next<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else {
            if ferror(file) != 0 { throw FileError(path: path, code: errno, operation: "read") }
            return nil
        }
        lineNumber += 1
        if n > 0, buffer[n - 1] == 0x0A { n -= 1 }
        if n > 0, buffer[n - 1] == 0x0D { n -= 1 }
        return try body(UnsafeRawBufferPointer(start: buffer, count: n))
    }
}
