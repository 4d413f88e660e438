#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that could not be read or written.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public let operation: String
    public var description: String {
        "\(path.isEmpty ? "" : path + ": ")cannot \(operation): \(String(cString: strerror(code)))"
    }
}
