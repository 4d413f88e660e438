import Foundation
import Testing

@testable import LMDB

/// `Transaction.releaseMappedPages` lowers the resident set by the file pages a pass read,
/// and what is read afterwards (through pointers lent before, too) is unchanged.
@Suite("LMDB mapped pages", .serialized)
struct MappedPagesTests {
    /// This process's resident file-backed memory in KiB (`RssFile` of /proc/self/status).
    private func residentFileKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test("a pass over 64 MiB of values maps them; releasing unmaps them and changes no byte")
    func releaseLowersResidentSet() throws {
        #if os(Linux)
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let env = try Environment(path: dir.path + "/env", databases: ["d"])
            let d = env.database("d")
            let count = 16_384
            func value(_ i: Int) -> [UInt8] {
                var v = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 4_000)
                v[0] = UInt8(truncatingIfNeeded: i >> 8)
                return v
            }
            try env.write { tx throws in
                for i in 0..<count {
                    try tx.put(d, key: withUnsafeBytes(of: UInt32(i).bigEndian, Array.init), value: value(i))
                }
            }
            try env.read { tx throws in
                let before = try residentFileKiB()
                var first: UnsafeRawBufferPointer?
                var sum = 0
                try tx.withCursor(d) { c throws in
                    try c.scan { _, v in
                        if first == nil { first = v }
                        sum &+= Int(v[v.count / 2])
                        return true
                    }
                }
                let mapped = try residentFileKiB()
                #expect(mapped - before > 48 * 1024, "reading 64 MiB mapped \(mapped - before) KiB")
                tx.releaseMappedPages()
                let released = try residentFileKiB()
                #expect(mapped - released > 48 * 1024, "releasing unmapped \(mapped - released) KiB")
                // Read again, through the old pointer and a new pass: the same bytes.
                #expect(Array(try #require(first)) == value(0))
                var again = 0
                try tx.withCursor(d) { c throws in
                    try c.scan { _, v in
                        again &+= Int(v[v.count / 2])
                        return true
                    }
                }
                #expect(again == sum)
            }
        #endif
    }

    @Test("a line of /proc/self/maps gives its range only when its path is the file's, spaces and all")
    func mapsLines() {
        func range(_ line: String, _ path: String) -> Range<UInt>? {
            Array(line.utf8).withUnsafeBufferPointer { MappedPages.range($0, mapping: Array(path.utf8)) }
        }
        let file = "/tmp/a journal/data.mdb"
        let line = "7f3c2a000000-7f3c6a00F000 r--s 00000000 fd:01 1234                       \(file)\n"
        #expect(range(line, file) == 0x7f3c_2a00_0000..<0x7f3c_6a00_f000)
        #expect(range(String(line.dropLast()), file) == 0x7f3c_2a00_0000..<0x7f3c_6a00_f000)
        #expect(range(line, "/tmp/a journal/data.md") == nil)
        #expect(range(line, "journal/data.mdb") == nil)
        #expect(range(line.replacingOccurrences(of: "\n", with: " (deleted)\n"), file) == nil)
        #expect(range("7f3c2a000000-7f3c2a001000 rw-p 00000000 00:00 0 \n", file) == nil)
        #expect(range("7f3c6a000000-7f3c2a000000 r--s 00000000 fd:01 1234 \(file)\n", file) == nil)
        #expect(range("7f3c2a00000g-7f3c6a000000 r--s 00000000 fd:01 1234 \(file)\n", file) == nil)
    }
}
