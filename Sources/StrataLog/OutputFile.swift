#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A buffered writer to a file or standard output.
///
/// A regular file is written whole or not at all: the bytes go to a temporary file beside
/// it (`PATH.partial-PID`, mode 0600), which ``close()`` forces to disk and renames over
/// `PATH`. An export that is interrupted or fails leaves `PATH` as it was (absent, or the
/// previous file), never a prefix that could pass for a whole export. A path that is not
/// a regular file (a FIFO, `/dev/stdout`) is written in place.
public final class OutputFile {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    public let path: String
    /// Where the bytes go until ``close()`` renames it to ``path``; `nil` when written in place.
    public let partialPath: String?
    private var renamed = false

    /// Standard output.
    public init() throws {
        guard let f = fdopen(STDOUT_FILENO, "wb") else {
            throw FileError(path: "-", code: errno, operation: "open standard output")
        }
        file = f
        ownsFile = false
        path = "-"
        partialPath = nil
    }

    /// Writes `path` (mode 0600: exports hold sensitive sources), through a temporary file
    /// beside it when it is, or will be, a regular file.
    public init(path: String) throws {
        var st = stat()
        let inPlace = stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG
        let target = inPlace ? path : OutputFile.partialPath(for: path)
        let fd = inPlace ? open(target, O_WRONLY | O_TRUNC) : open(target, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0, let f = fdopen(fd, "wb") else {
            throw FileError(path: path, code: errno, operation: "create")
        }
        file = f
        ownsFile = true
        self.path = path
        partialPath = inPlace ? nil : target
    }

    /// The temporary file a regular file at `path` is written to before it is renamed.
    public static func partialPath(for path: String) -> String { path + ".partial-\(getpid())" }

    deinit {
        if ownsFile { fclose(file) }
        if let partialPath, !renamed { unlink(partialPath) }
    }

    public func write(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == bytes.count else { throw FileError(path: path, code: errno, operation: "write") }
    }

    /// Flushes buffers and, for a file, forces it to disk and puts it at its path.
    public func close() throws {
        guard fflush(file) == 0 else { throw FileError(path: path, code: errno, operation: "write") }
        if ownsFile, fsync(fileno(file)) != 0, errno != EINVAL {
            throw FileError(path: path, code: errno, operation: "sync")
        }
        if let partialPath, !renamed {
            guard rename(partialPath, path) == 0 else { throw FileError(path: path, code: errno, operation: "create") }
            renamed = true
        }
    }
}
