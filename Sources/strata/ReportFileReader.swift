import ArgumentParser
import Foundation
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a report file or standard input, refusing what is missing or unreadable.
enum ReportFileReader {
    static func read(_ file: String) throws -> [UInt8] {
        guard let reader = LineReader(path: file) else {
            throw Failure.cannotOpen(file, errno)
        }
        var bytes: [UInt8] = []
        var more = true
        while more {
            more = try reader.next { (line: UnsafeRawBufferPointer) -> Void in
                bytes.append(contentsOf: line)
                bytes.append(0x0A)
            } != nil
        }
        return bytes
    }

    /// JSON by extension; standard input and other names by the first character.
    static func isJSON(_ file: String, _ bytes: [UInt8]) -> Bool {
        let lower = file.lowercased()
        if lower.hasSuffix(".json") { return true }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return false }
        return bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
    }
}
