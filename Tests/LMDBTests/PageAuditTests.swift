import Foundation
import LMDB
import Testing

/// `Environment.pageAudit` on real LMDB files: healthy ones, with several kinds of
/// tables, report nothing; pages damaged in the file (found with ``DataFile``, a reader
/// of just enough of LMDB 0.9's layout) are reported, and no damage makes it trap.
@Suite("LMDB page audit")
struct PageAuditTests {
    private static let names = ["events", "ids", "blobs", "members"]

    private static func options() -> Environment.Options {
        var options = Environment.Options()
        options.mapSize = 1 << 26
        options.sets = ["members"]
        return options
    }

    private static func eventKey(_ i: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(i).bigEndian, Array.init) }

    /// Fills an environment over several commits: `events` (thousands of rows, so branch
    /// pages, overwritten in part), `ids` (rows deleted), `blobs` (values over a page, on
    /// overflow pages) and the set `members` (small sets inline in their node, one large
    /// enough for a sub-database); deletions and overwrites leave the free list not empty.
    /// With `small`, a few hundred rows: a file of some dozens of pages.
    private static func fill(_ env: Environment, small: Bool = false) throws {
        let events = env.database("events")
        let ids = env.database("ids")
        let blobs = env.database("blobs")
        let members = env.database("members")
        let rows = small ? 600 : 6_000
        try env.write { tx throws in
            for i in 0..<rows {
                try tx.put(events, key: eventKey(i), value: [UInt8](repeating: UInt8(i % 251), count: 60))
            }
            for i in 0..<(rows / 2) {
                try tx.put(ids, key: Array(String(format: "id-%06d", i).utf8), value: eventKey(i))
            }
            for i in 0..<(small ? 3 : 12) {
                try tx.put(blobs, key: [UInt8(i)], value: [UInt8](repeating: UInt8(i), count: 3_000 + 2_500 * i))
            }
            for k in 0..<(small ? 20 : 200) {
                for m in 0..<3 {
                    try tx.putMember(members, key: eventKey(k), value: eventKey(k * 10 + m) + [0, 0, 0, 0])
                }
            }
            for m in 0..<(small ? 600 : 3_000) {
                try tx.putMember(members, key: Array("large".utf8), value: eventKey(m * 7) + eventKey(m))
            }
        }
        try env.write { tx throws in
            for i in stride(from: 0, to: rows, by: 3) {
                try tx.put(events, key: eventKey(i), value: [UInt8](repeating: 0xEE, count: 90))
            }
            for i in stride(from: 0, to: rows / 2, by: 7) {
                try tx.delete(ids, key: Array(String(format: "id-%06d", i).utf8))
            }
            try tx.delete(blobs, key: [1])
            try tx.put(blobs, key: [2], value: [UInt8](repeating: 0x22, count: 12_000))
        }
        try env.write { tx throws in
            for k in stride(from: 0, to: small ? 20 : 200, by: 5) { try tx.delete(members, key: eventKey(k)) }
            for i in rows..<(rows + rows / 10) {
                try tx.put(events, key: eventKey(i), value: [UInt8](repeating: 1, count: 60))
            }
        }
        try env.write { tx throws in
            for i in stride(from: 1, to: rows, by: 11) { try tx.delete(events, key: eventKey(i)) }
        }
    }

    /// A filled environment at `path`, closed when this returns.
    private static func makeEnvironment(at path: String, small: Bool = false) throws {
        let env = try Environment(path: path, databases: names, options: options())
        try fill(env, small: small)
        #expect(try env.read { try $0.freePages() } > 0, "the free list should not be empty")
    }

    private func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try body(dir.path + "/env")
    }

    @Test("a healthy environment, with overflow pages, a set with sub-pages and a sub-database, has no problems")
    func healthy() throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path)
            // What the test relies on: branch pages, overflow pages, both kinds of sets.
            let file = try DataFile(path: path)
            #expect(file.isBranch(try #require(file.root(of: "events"))))
            let sets = try file.nodeFlags(ofLeavesOf: #require(file.root(of: "members")))
            #expect(sets.contains(DataFile.dupData), "no set inline in its node")
            #expect(sets.contains(DataFile.dupData | DataFile.subData), "no set in a sub-database")
            #expect(try file.nodeFlags(ofLeavesOf: #require(file.root(of: "blobs"))).contains(DataFile.bigData))

            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            #expect(try env.read { try $0.stat(env.database("events")).depth } >= 2)
            #expect(try env.pageAudit() == [])
        }
    }

    @Test("the audit holds while a reader keeps an old snapshot and writers commit")
    func concurrentReader() throws {
        try withDirectory { path throws in
            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            try Self.fill(env, small: true)
            let events = env.database("events")
            try env.read { _ throws in
                for round in 0..<20 {
                    try env.write { tx throws in
                        for i in 0..<200 {
                            try tx.put(
                                events, key: Self.eventKey(i), value: [UInt8](repeating: UInt8(round), count: 70))
                        }
                    }
                }
                #expect(try env.pageAudit() == [])
            }
            #expect(try env.pageAudit() == [])
        }
    }

    @Test("a separator key changed by one byte in a branch page: rows still scan, lookups miss, the audit reports it")
    func separatorKey() throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path)
            var file = try DataFile(path: path)
            let root = try #require(file.root(of: "events"))
            #expect(file.isBranch(root))
            // A separator equal to the first key of its child, whose last byte can grow by
            // one: the child's first row then sorts before the separator that leads to it.
            var found: (node: Int, key: [UInt8])? = nil
            for i in 1..<file.keyCount(root) where found == nil {
                let node = file.node(root, i)
                let child = file.child(node)
                guard !file.isBranch(child), file.keyCount(child) > 0 else { continue }
                let first = file.key(file.node(child, 0))
                if file.key(node) == first, first.count == 4, first[3] < 0xFF { found = (node, first) }
            }
            let (node, firstKey) = try #require(found)
            file.bytes[node + 8 + 3] += 1
            try file.write(to: path)

            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            let events = env.database("events")
            #expect(try env.read { try $0.value(events, key: firstKey) } == nil, "the damage should hide the row")
            // A cursor scan still reads every row, in order: only the audit sees the damage.
            let (scanned, inOrder) = try env.read { tx throws in
                try tx.withCursor(events) { c throws in
                    var rows = 0
                    var previous: [UInt8] = []
                    var ordered = true
                    try c.scan { key, _ in
                        ordered = ordered && previous.lexicographicallyPrecedes(key)
                        previous = Array(key)
                        rows += 1
                        return true
                    }
                    return (rows, ordered)
                }
            }
            #expect(try scanned == env.read { try $0.stat(events).entries } && inOrder)
            let problems = try env.pageAudit()
            #expect(
                problems.contains { $0.hasPrefix("database \"events\"") && $0.contains("branch page \(root)") },
                "\(problems)")
        }
    }

    enum FreeListDamage: String, CaseIterable, Sendable {
        /// A record lists one of its pages twice.
        case listedTwice
        /// A record lists the root page of `events`.
        case livePage
        /// A record lists the root page of the free list itself.
        case freeListPage
    }

    @Test(
        "a free list that lists a page twice, a live page or a page of its own is reported",
        arguments: FreeListDamage.allCases)
    func freeList(damage: FreeListDamage) throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path)
            var file = try DataFile(path: path)
            // A record of at least two pages, inline in a leaf node of the free list.
            var page = try #require(file.freeRoot)
            while file.isBranch(page) { page = file.child(file.node(page, 0)) }
            var record: Int? = nil
            for i in 0..<file.keyCount(page) where record == nil {
                let node = file.node(page, i)
                if file.u16(node + 4) == 0 && file.u64(file.dataStart(node)) >= 2 { record = node }
            }
            let node = try #require(record)
            let pages = file.dataStart(node) + 8
            let expected: String
            switch damage {
            case .listedTwice:
                let listed = file.u64(pages)
                file.set64(pages + 8, listed)
                expected = "lists page \(listed), listed already"
            case .livePage:
                let live = try #require(file.root(of: "events"))
                file.set64(pages, live)
                expected = "lists page \(live), which a tree uses"
            case .freeListPage:
                let root = try #require(file.freeRoot)
                file.set64(pages, root)
                expected = "lists page \(root), which a tree uses"
            }
            try file.write(to: path)

            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            let problems = try env.pageAudit()
            #expect(problems.contains { $0.hasPrefix("free list") && $0.contains(expected) }, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("pages: ") }, "\(problems)")
        }
    }

    @Test("a database record whose depth and entries disagree with its tree is reported")
    func databaseRecord() throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path)
            var file = try DataFile(path: path)
            let record = try #require(file.record(of: "events"))
            let depth = file.u16(record + 6)
            let entries = file.u64(record + 32)
            file.set16(record + 6, depth + 1)
            file.set64(record + 32, entries + 1)
            try file.write(to: path)

            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            let problems = try env.pageAudit()
            #expect(
                problems.contains {
                    $0.hasPrefix(
                        "database \"events\": records depth \(depth + 1), but its leaf pages lie at depth \(depth)")
                }, "\(problems)")
            #expect(
                problems.contains {
                    $0.hasPrefix("database \"events\": records ")
                        && $0.contains("\(entries + 1) entries; the walk found")
                        && $0.hasSuffix(" and \(entries)")
                }, "\(problems)")
        }
    }

    enum BranchTarget: String, CaseIterable, Sendable {
        case beyondTheFile, metaPage, pageOfAnotherSubtree
    }

    @Test(
        "a branch node pointing outside the pages in use, at a meta page or at a page reached already",
        arguments: BranchTarget.allCases)
    func branchPageNumber(target: BranchTarget) throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path)
            var file = try DataFile(path: path)
            let root = try #require(file.root(of: "events"))
            try #require(file.isBranch(root) && file.keyCount(root) >= 3)
            let node = file.node(root, 1)
            let child: UInt64
            let expected: String
            switch target {
            case .beyondTheFile:
                child = 0xFFFF_FFFF
                expected = "points to page 4294967295, beyond the last page"
            case .metaPage:
                child = 1
                expected = "points to page 1, a meta page"
            case .pageOfAnotherSubtree:
                child = file.child(file.node(root, 2))
                expected = "which a tree reached already"
            }
            file.set16(node, Int(child & 0xFFFF))
            file.set16(node + 2, Int(child >> 16 & 0xFFFF))
            file.set16(node + 4, Int(child >> 32 & 0xFFFF))
            try file.write(to: path)

            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            let problems = try env.pageAudit()
            #expect(
                problems.contains { $0.hasPrefix("database \"events\"") && $0.contains(expected) }, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("pages: ") && $0.contains("unaccounted") }, "\(problems)")
        }
    }

    // The time limit guards against a hang (a damaged page number that sends the walk round
    // in a circle); how long an audit takes is for the benchmarks.
    @Test(
        "single-byte changes to every page header and at random across every page never trap or hang the audit",
        .timeLimit(.minutes(10)))
    func randomDamage() throws {
        try withDirectory { path throws in
            try Self.makeEnvironment(at: path, small: true)
            let original = try DataFile(path: path)
            let pages = original.pagesInUse
            #expect(pages > 30, "a small environment of \(pages) pages")
            // The environment stays open; each change is written into the file, audited
            // (the audit reads the file, not LMDB's map) and undone: a fresh copy each time.
            let env = try Environment(path: path, databases: Self.names, options: Self.options())
            let handle = try #require(FileHandle(forUpdatingAtPath: path + "/data.mdb"))
            defer { try? handle.close() }
            var random = SplitMix64(seed: 0x5EED_0F_A0D17)
            // On every page: each byte of its header (page number, flags, free-space bounds
            // or overflow length, and a meta page's magic and version), then random bytes
            // anywhere in it (node offsets, node headers, keys, values, free space).
            let offsets = (0..<pages).flatMap { page -> [Int] in
                let base = page * original.pageSize
                return Array(base..<(base + 16))
                    + (0..<6).map { _ in base + Int(random.next() % UInt64(original.pageSize)) }
            }
            var reported = 0
            for offset in offsets {
                let byte = original.bytes[offset] ^ UInt8(truncatingIfNeeded: random.next() % 255 + 1)
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [byte])
                if !(try env.pageAudit()).isEmpty { reported += 1 }
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [original.bytes[offset]])
            }
            // Most bytes are values, free space within pages or free pages, which no check
            // can see change; a page header changed in a tree is seen.
            #expect(reported > offsets.count / 5, "\(reported) of \(offsets.count) changes reported")
            #expect(try env.pageAudit() == [])
        }
    }
}

/// A small, seedable random number generator (SplitMix64), so a failure can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An LMDB 0.9 data file (64-bit) in memory, read with just enough of its layout (mdb.c)
/// to find pages to damage: meta pages, page headers and the nodes of branch and leaf
/// pages. Offsets are into `bytes`.
private struct DataFile {
    static let bigData = 0x01, subData = 0x02, dupData = 0x04

    var bytes: [UInt8]
    let pageSize: Int

    init(path: String) throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb")))
        // The page size is the free list record's md_pad in meta page 0.
        pageSize = Int(bytes[40]) | Int(bytes[41]) << 8 | Int(bytes[42]) << 16
    }

    func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path + "/data.mdb")) }

    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    mutating func set16(_ at: Int, _ value: Int) {
        bytes[at] = UInt8(value & 0xFF)
        bytes[at + 1] = UInt8(value >> 8 & 0xFF)
    }
    mutating func set64(_ at: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    /// The offset of the current meta page: the one with the later transaction id.
    var meta: Int { u64(144) >= u64(pageSize + 144) ? 0 : pageSize }
    var pagesInUse: Int { Int(u64(meta + 136)) + 1 }
    /// The root of the free list, `nil` when it is empty.
    var freeRoot: UInt64? {
        let root = u64(meta + 40 + 40)
        return root == .max ? nil : root
    }
    var mainRoot: UInt64 { u64(meta + 88 + 40) }

    func isBranch(_ page: UInt64) -> Bool { u16(Int(page) * pageSize + 10) & 0x01 != 0 }
    func keyCount(_ page: UInt64) -> Int { (u16(Int(page) * pageSize + 12) - 16) / 2 }
    /// The offset of node `i` of `page`.
    func node(_ page: UInt64, _ i: Int) -> Int { Int(page) * pageSize + u16(Int(page) * pageSize + 16 + 2 * i) }
    func key(_ node: Int) -> [UInt8] { Array(bytes[(node + 8)..<(node + 8 + u16(node + 6))]) }
    func dataStart(_ node: Int) -> Int { node + 8 + u16(node + 6) }
    /// The child page of a branch node.
    func child(_ node: Int) -> UInt64 { UInt64(u16(node)) | UInt64(u16(node + 2)) << 16 | UInt64(u16(node + 4)) << 32 }

    /// The offset of the `MDB_db` record of the named database `name` (the main
    /// database's root is a leaf for a few databases), `nil` when it is absent.
    func record(of name: String) -> Int? {
        let main = mainRoot
        for i in 0..<keyCount(main) where key(node(main, i)) == Array(name.utf8) { return dataStart(node(main, i)) }
        return nil
    }

    /// The root page of the named database `name`, `nil` when it is empty or absent.
    func root(of name: String) -> UInt64? {
        guard let record = record(of: name) else { return nil }
        let root = u64(record + 40)
        return root == .max ? nil : root
    }

    /// The node flags found on the leaf pages of the tree at `root`.
    func nodeFlags(ofLeavesOf root: UInt64) -> Set<Int> {
        if isBranch(root) {
            return (0..<keyCount(root)).reduce(into: []) { $0.formUnion(nodeFlags(ofLeavesOf: child(node(root, $1)))) }
        }
        return Set((0..<keyCount(root)).map { u16(node(root, $0) + 4) })
    }
}
