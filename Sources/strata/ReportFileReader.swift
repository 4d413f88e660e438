import ArgumentParser
import Foundation
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a report file or standard input, refusing what is missing or unreadable, and what
/// is larger than ``largest`` before more of it is read (an endless `-`, `/dev/zero`).
enum ReportFileReader {
    /// 256 MiB: a report of a million claims is smaller.
    static let largest = LineReader.defaultLongestLine

    static func read(_ file: String) throws -> [UInt8] {
        guard let reader = LineReader(path: file, longestLine: largest) else {
            throw Failure.cannotOpen(file, errno)
        }
        let tooLarge = InputError(
            file: file, "the file is larger than \(LineReader.describe(bytes: largest)), the most a report file may be")
        var bytes: [UInt8] = []
        var more = true
        while more {
            do {
                more =
                    try reader.next { (line: UnsafeRawBufferPointer) -> Void in
                        bytes.append(contentsOf: line)
                        bytes.append(0x0A)
                    } != nil
            } catch is LineReader.LineTooLong {
                throw tooLarge
            }
            if bytes.count > largest { throw tooLarge }
        }
        return bytes
    }

    /// JSON or YAML by the file's extension (`.json`; `.yaml`, `.yml`), as report-format.md
    /// names them. Standard input and names without an extension (`/dev/fd/63` from a shell's
    /// `<(…)`) are read by their first character, `{` for JSON. Any other extension is
    /// refused: `article.txt` is most likely the article itself, given in place of its report,
    /// and read as YAML it failed on whatever its prose looked like.
    static func isJSON(_ file: String, _ bytes: [UInt8]) throws(InputError) -> Bool {
        let name = file.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            switch name[name.index(after: dot)...].lowercased() {
            case "json": return true
            case "yaml", "yml": return false
            case let other:
                throw InputError(
                    "a report file is YAML (.yaml, .yml) or JSON (.json), not .\(other) (rename it if it holds a report)"
                )
            }
        }
        return bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
    }
}
