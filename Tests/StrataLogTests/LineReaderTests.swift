import Foundation
import Testing

@testable import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Every line of `path`, as text, with the line number the reader gave each.
private func lines(_ path: String, longestLine: Int = LineReader.defaultLongestLine) throws -> [(Int, String)] {
    let reader = try #require(LineReader(path: path, longestLine: longestLine))
    var out: [(Int, String)] = []
    while let line = try reader.next({ String(decoding: $0, as: UTF8.self) }) {
        out.append((reader.lineNumber, line))
    }
    return out
}

private func withFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
    let path = NSTemporaryDirectory() + "strata-lines-" + UUID().uuidString
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
}

@Suite("LineReader")
struct LineReaderTests {
    @Test("lines end at LF or CR LF; a last line without one is a line; blank lines count")
    func lineEnds() throws {
        try withFile(Array("a\r\nb\n\nc\rd\n\r\ne".utf8)) { path in
            let read = try lines(path)
            #expect(read.map(\.0) == [1, 2, 3, 4, 5, 6])
            #expect(read.map(\.1) == ["a", "b", "", "c\rd", "", "e"])
        }
        try withFile([]) { (path: String) throws in
            let read = try lines(path)
            #expect(read.isEmpty)
        }
        try withFile(Array("\n".utf8)) { (path: String) throws in
            let read = try lines(path)
            #expect(read.map(\.1) == [""])
        }
    }

    @Test(
        "lines longer than the buffer, and lines across its refills, are read whole",
        arguments: [1, 7, 65_535, 65_536, 200_001])
    func longLines(length: Int) throws {
        // Lines of several lengths around the length under test, so that their ends fall
        // at every offset of the 64 KiB reads.
        var expected: [String] = []
        var bytes: [UInt8] = []
        for i in 0..<40 {
            let line = String(repeating: Character(UnicodeScalar(UInt8(97 + i % 26))), count: length + i * 1_237)
            expected.append(line)
            bytes += Array(line.utf8) + (i % 3 == 0 ? [0x0D, 0x0A] : [0x0A])
        }
        try withFile(bytes) { path in
            let read = try lines(path)
            #expect(read.count == expected.count)
            #expect(read.map(\.1) == expected)
        }
    }

    @Test("a line longer than the limit is refused with its number once that much is read; one of the limit is not")
    func tooLong() throws {
        try withFile(Array("short\n\(String(repeating: "x", count: 100))\nnext\n".utf8)) { path in
            #expect(try lines(path, longestLine: 100).map(\.1).last == "next")
            let reader = try #require(LineReader(path: path, longestLine: 99))
            #expect(try reader.next { String(decoding: $0, as: UTF8.self) } == "short")
            #expect(throws: LineReader.LineTooLong(line: 2, limit: 99)) { try reader.next { _ in () } }
        }
        // No line break at all (as /dev/zero): refused having read about the limit, not the file.
        let reader = try #require(LineReader(path: "/dev/zero", longestLine: 1 << 20))
        #expect(throws: LineReader.LineTooLong(line: 1, limit: 1 << 20)) { try reader.next { _ in () } }
        #expect(LineReader.describe(bytes: 256 << 20) == "256 MiB")
        #expect(LineReader.describe(bytes: 64 << 10) == "64 KiB")
        #expect(LineReader.describe(bytes: 99) == "99 bytes")
    }

    @Test("a line written to a pipe is lent when it ends, before the writer closes the pipe")
    func pipeLinesComeAsWritten() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[1]) }
        let reader = try #require(LineReader(path: "/dev/fd/\(fds[0])"))
        close(fds[0])
        let written = Array("first line\nsecond".utf8)
        #expect(written.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == written.count)
        // A reader that waited for its buffer to fill, or for the end, would block here.
        #expect(try reader.next { String(decoding: $0, as: UTF8.self) } == "first line")
    }

    @Test("a directory or a missing file is not opened, with errno saying why")
    func unopenable() {
        let directory = LineReader(path: NSTemporaryDirectory())
        let isDirectory = errno
        let missing = LineReader(path: "/nonexistent/strata/file")
        let isMissing = errno
        #expect(directory == nil && isDirectory == EISDIR)
        #expect(missing == nil && isMissing == ENOENT)
    }
}
