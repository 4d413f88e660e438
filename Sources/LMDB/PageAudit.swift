import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Environment {
    /// Audits the raw pages of the current snapshot, as LMDB's own `mdb_audit` and
    /// `mdb_chk` do, and returns the problems found, each a sentence naming the database
    /// and the page (`database "events": branch page 25: key 3 sorts before key 2`). An
    /// empty array means the snapshot is consistent.
    ///
    /// A cursor scan reads a table in key order and so misses damage that lookups by key
    /// meet: a branch page's separator key changed in place (rows still scan in order, but
    /// `mdb_get` descends into the wrong leaf), or a page number changed in LMDB's free list
    /// (a later write then reuses a live page). This walks every tree from the meta page
    /// of its own read transaction (the free list, the main database, each named database
    /// and each sub-database of sorted values) and checks that:
    ///
    /// - every page reached (branch, leaf, each page of an overflow run, sub-database
    ///   pages) lies in `2...last_pg` of the meta page, has the page number it was reached
    ///   by in its header and the flags its place in the tree needs, and is reached once;
    /// - the keys of each page are in the database's order (bytes, or native unsigned
    ///   integers for `MDB_INTEGERKEY` such as the free list's transaction ids), every key
    ///   of a subtree lies within the separators that lead to it, and the sorted values
    ///   under one key (`MDB_DUPSORT` sub-pages and sub-databases) are in order;
    /// - each database's recorded depth, page counts and entries match the walk;
    /// - each free-list record is a count and page numbers in descending order, each page
    ///   in range, not a meta page, not in a tree and not listed twice;
    /// - pages in trees + free pages + 2 meta pages = `last_pg + 1`.
    ///
    /// A page of an old snapshot that a reader still holds is free in this accounting, so
    /// the audit holds while other readers and a writer work. Pages are read with `pread`
    /// from the data file, not through LMDB's map (LMDB 0.9 reports the map's address only
    /// for `MDB_FIXEDMAP`): a damaged page number or offset reads short or is refused by a
    /// bounds check instead of faulting, and the resident set does not grow with the file.
    /// Every offset, count and size read from a page is checked against the page before
    /// use. It takes about as long as a cursor scan of every table.
    ///
    /// - Parameter maximumProblems: how many problems to list one by one; any further are
    ///   counted in a last line (a damaged branch page can cut off thousands of pages).
    /// - Throws: ``LMDBError`` only for what is not damage: a read transaction that
    ///   cannot begin, or a data file whose descriptor or size cannot be had.
    public func pageAudit(maximumProblems: Int = 1_000) throws -> [String] {
        var fd: mdb_filehandle_t = -1
        try check(mdb_env_get_fd(handle, &fd), "mdb_env_get_fd")
        var stat = MDB_stat()
        try check(mdb_env_stat(handle, &stat), "mdb_env_stat")
        let pageSize = Int(stat.ms_psize)
        // Each meta page names the transaction that wrote it; when neither names this
        // snapshot's, a writer committed between the two reads: look again.
        let attempts = 8
        for _ in 0..<attempts {
            let found: [String]? = try read { tx in
                try PageAuditor(fd: fd, pageSize: pageSize, snapshot: UInt64(tx.id), maximumProblems: maximumProblems)
                    .run()
            }
            if let found { return found }
        }
        return ["meta pages: neither records the transaction id of the read snapshot (\(attempts) tries)"]
    }
}

/// The on-disk layout of LMDB 0.9 on a 64-bit host (`mdb.c`, `MDB_DEVEL` off).
private enum Layout {
    /// `PAGEHDRSZ`: `mp_pgno` (8), `mp_pad` (2), `mp_flags` (2), `mp_lower`/`mp_upper`
    /// (2 + 2) or `mp_pages` (4); `mp_ptrs` follow.
    static let pageHeader = 16
    /// `NODESIZE`: `mn_lo`, `mn_hi`, `mn_flags`, `mn_ksize` (2 each); key and data follow.
    static let nodeHeader = 8
    /// `sizeof(MDB_db)`.
    static let dbRecord = 48
    /// The meta page fields read, from the start of the page: `MDB_meta` at 16.
    static let metaMagic = 16, metaVersion = 20, metaDatabases = 40, metaLastPage = 136, metaTransaction = 144
    static let metaBytes = 152

    static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, meta: UInt16 = 0x08
    static let leaf2: UInt16 = 0x20, subPage: UInt16 = 0x40
    /// The page flags that say what a page is (`P_DIRTY`, `P_LOOSE`, `P_KEEP` do not).
    static let kind: UInt16 = branch | leaf | overflow | meta | leaf2 | subPage

    static let bigData: UInt16 = 0x01, subData: UInt16 = 0x02, dupData: UInt16 = 0x04

    static let magic: UInt32 = 0xBEEF_C0DE
    static let version: UInt32 = 1
    /// `P_INVALID`: the root of an empty tree.
    static let noPage = UInt64.max
    /// `CURSOR_STACK`: no tree is deeper.
    static let maximumDepth = 32
}

/// An `MDB_db` record: a tree's root and what it holds.
private struct DatabaseRecord {
    var pad: UInt32
    var flags: UInt16
    var depth: Int
    var branchPages: UInt64
    var leafPages: UInt64
    var overflowPages: UInt64
    var entries: UInt64
    var root: UInt64

    /// Reads the record at `offset`; the caller has checked that 48 bytes are there.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        pad = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        flags = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
        depth = Int(bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self))
        branchPages = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
        leafPages = bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
        overflowPages = bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
        entries = bytes.loadUnaligned(fromByteOffset: offset + 32, as: UInt64.self)
        root = bytes.loadUnaligned(fromByteOffset: offset + 40, as: UInt64.self)
    }
}

/// How a tree orders its keys (or a sorted set its values).
private enum KeyOrder {
    /// `memcmp`, the shorter first on a tie.
    case bytes
    /// `memcmp` from the last byte backwards (`MDB_REVERSEKEY`, `MDB_REVERSEDUP`).
    case reversedBytes
    /// Native unsigned integers of 4 or 8 bytes (`MDB_INTEGERKEY`, `MDB_INTEGERDUP`).
    case integer

    init(keys flags: UInt16) {
        if flags & UInt16(MDB_INTEGERKEY) != 0 {
            self = .integer
        } else if flags & UInt16(MDB_REVERSEKEY) != 0 {
            self = .reversedBytes
        } else {
            self = .bytes
        }
    }

    init(values flags: UInt16) {
        if flags & UInt16(MDB_INTEGERDUP) != 0 {
            self = .integer
        } else if flags & UInt16(MDB_REVERSEDUP) != 0 {
            self = .reversedBytes
        } else {
            self = .bytes
        }
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b`.
    func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        switch self {
        case .integer where a.count == b.count && a.count == 8:
            let x = a.loadUnaligned(as: UInt64.self)
            let y = b.loadUnaligned(as: UInt64.self)
            return x < y ? -1 : x == y ? 0 : 1
        case .integer where a.count == b.count && a.count == 4:
            let x = a.loadUnaligned(as: UInt32.self)
            let y = b.loadUnaligned(as: UInt32.self)
            return x < y ? -1 : x == y ? 0 : 1
        case .reversedBytes:
            var i = a.count
            var j = b.count
            while i > 0 && j > 0 {
                i -= 1
                j -= 1
                if a[i] != b[j] { return Int(a[i]) - Int(b[j]) }
            }
            return a.count - b.count
        case .bytes, .integer:
            let n = min(a.count, b.count)
            if n > 0, let p = a.baseAddress, let q = b.baseAddress {
                let c = memcmp(p, q, n)
                if c != 0 { return Int(c) }
            }
            return a.count - b.count
        }
    }
}

/// One tree being walked: what its record says and what the walk found.
private struct Tree {
    /// How problems name it: `free list`, `main database`, `database "events"`.
    let name: String
    let record: DatabaseRecord
    let keyOrder: KeyOrder
    let valueOrder: KeyOrder
    /// Sorted values under each key (`MDB_DUPSORT`).
    let sortedValues: Bool
    /// Values of one size (`MDB_DUPFIXED`): sub-pages and sub-database leaves are
    /// `P_LEAF2`, keys without node headers.
    let fixedValues: Bool
    /// Leaves are `P_LEAF2` pages of `record.pad`-byte keys (a sub-database of fixed-size
    /// values).
    let leaf2: Bool
    let isFreeList: Bool
    let isMain: Bool

    var branchPages: UInt64 = 0
    var leafPages: UInt64 = 0
    var overflowPages: UInt64 = 0
    var entries: UInt64 = 0
    var shallowestLeaf = Int.max
    var deepestLeaf = 0

    init(
        name: String, record: DatabaseRecord, isFreeList: Bool = false, isMain: Bool = false,
        valuesOf parent: KeyOrder? = nil
    ) {
        self.name = name
        self.record = record
        self.isFreeList = isFreeList
        self.isMain = isMain
        // A sub-database's keys are its parent's values, in the parent's value order.
        keyOrder = isFreeList ? .integer : parent ?? KeyOrder(keys: record.flags)
        valueOrder = KeyOrder(values: record.flags)
        sortedValues = record.flags & UInt16(MDB_DUPSORT) != 0
        fixedValues = record.flags & UInt16(MDB_DUPFIXED) != 0
        leaf2 = record.flags & UInt16(MDB_DUPSORT | MDB_DUPFIXED) == UInt16(MDB_DUPFIXED)
    }
}

/// A key that bounds a subtree: the separator in a branch page that leads to it (a lower
/// bound) or to its right-hand neighbour (an upper bound, exclusive).
private struct Bound {
    let key: UnsafeRawBufferPointer
    let page: UInt64
    let index: Int
}

/// A set of page numbers, one bit each.
/// Where a check of one page's keys stands (see `PageAuditor.check`).
private struct KeySequence {
    var previous: (key: UnsafeRawBufferPointer, index: Int)? = nil
    var disordered = false
    var breached = false
}

private struct PageSet {
    private var words: [UInt64]

    init(pages: Int) { words = [UInt64](repeating: 0, count: (pages + 63) / 64) }

    /// Adds `page`; `false` when it was there already.
    mutating func insert(_ page: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(page & 63)
        let old = words[page >> 6]
        words[page >> 6] = old | bit
        return old & bit == 0
    }

    func contains(_ page: Int) -> Bool { words[page >> 6] & (1 << UInt64(page & 63)) != 0 }

    /// Calls `body` with each page in both sets, in ascending order.
    func forEachCommon(with other: PageSet, _ body: (Int) -> Void) {
        for (i, word) in words.enumerated() {
            var both = word & other.words[i]
            while both != 0 {
                body(i << 6 | both.trailingZeroBitCount)
                both &= both - 1
            }
        }
    }
}

/// A leaf or branch node: where it starts in the buffer, its key, its flags and
/// `mn_lo | mn_hi << 16` (a leaf's data size; with the flags, a branch's child page).
private struct Node {
    let start: Int
    let key: UnsafeRawBufferPointer
    let flags: UInt16
    let low: UInt64
    /// Where the data follows the key.
    var data: Int { start + Layout.nodeHeader + key.count }
}

/// Reading one free-list record (`MDB_IDL`): a count, then that many page numbers in
/// descending order.
private struct FreeRecordReader {
    /// The record's size in bytes.
    let size: Int
    var count: Int? = nil
    var taken = 0
    var previous = UInt64.max
    var disordered = false
}

/// One audit, inside one read transaction: the snapshot's pages stay as they are while
/// it runs, since LMDB reuses no page that an open reader's snapshot holds.
private final class PageAuditor {
    private let fd: Int32
    private let pageSize: Int
    private let snapshot: UInt64
    private let maximumProblems: Int

    private var lastPage = 0
    private var treePages = PageSet(pages: 0)
    private var freePages = PageSet(pages: 0)
    /// One page buffer for each level of nesting, so the keys of the pages above the one
    /// being read stay in place as bounds.
    private var levels: [UnsafeMutableRawBufferPointer] = []
    /// For meta pages and the headers of overflow runs.
    private let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
    /// For free-list records on overflow pages, read a piece at a time.
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)

    private var problems: [String] = []
    private var unlisted = 0
    /// References to pages in `2...lastPage` from the trees and from the free list (a
    /// page reached twice counts twice), and how many of them were repeats.
    private var treeReferences = 0
    private var freeReferences = 0
    private var repeats = 0

    init(fd: Int32, pageSize: Int, snapshot: UInt64, maximumProblems: Int) {
        self.fd = fd
        self.pageSize = pageSize
        self.snapshot = snapshot
        self.maximumProblems = maximumProblems
    }

    deinit {
        for level in levels { level.deallocate() }
        small.deallocate()
        chunk.deallocate()
    }

    private func report(_ problem: @autoclosure () -> String) {
        if problems.count < maximumProblems { problems.append(problem()) } else { unlisted += 1 }
    }

    /// The problems, or `nil` when neither meta page is this snapshot's. Throws only when
    /// the data file's size cannot be read.
    func run() throws -> [String]? {
        guard pageSize >= 512, pageSize <= 1 << 16 else {
            return ["environment: page size \(pageSize) is not one LMDB uses"]
        }
        // The meta page of this snapshot: LMDB writes transaction N's to page N % 2.
        var chosen: Int? = nil
        for m in [Int(snapshot & 1), Int(snapshot & 1) ^ 1] {
            guard read(into: small, count: Layout.metaBytes, at: m * pageSize, what: "meta page \(m)") else { continue }
            if UnsafeRawBufferPointer(small).loadUnaligned(fromByteOffset: Layout.metaTransaction, as: UInt64.self)
                == snapshot
            {
                chosen = m
                break
            }
        }
        guard let chosen else { return nil }
        let meta = UnsafeRawBufferPointer(small)
        let name = "meta page \(chosen) (transaction \(snapshot))"
        if meta.loadUnaligned(fromByteOffset: 10, as: UInt16.self) & Layout.kind != Layout.meta {
            report("\(name): its flags are not those of a meta page")
        }
        if meta.loadUnaligned(fromByteOffset: Layout.metaMagic, as: UInt32.self) != Layout.magic {
            report("\(name): its magic number is not LMDB's")
        }
        let version = meta.loadUnaligned(fromByteOffset: Layout.metaVersion, as: UInt32.self)
        if version != Layout.version { report("\(name): data format version \(version), not \(Layout.version)") }
        let freeRecord = DatabaseRecord(meta, at: Layout.metaDatabases)
        if Int(freeRecord.pad) != pageSize { report("\(name): records page size \(freeRecord.pad), not \(pageSize)") }
        let mainRecord = DatabaseRecord(meta, at: Layout.metaDatabases + Layout.dbRecord)
        let last = meta.loadUnaligned(fromByteOffset: Layout.metaLastPage, as: UInt64.self)

        // The file must hold every page up to the last.
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw LMDBError(code: errno, operation: "fstat of the data file") }
        let filePages = Int(status.st_size) / pageSize
        if last < 1 || last >= UInt64(filePages) {
            report("\(name): its last page \(last) is not within the data file's \(filePages) pages")
        }
        lastPage = Int(min(max(last, 1), UInt64(max(filePages - 1, 1))))
        treePages = PageSet(pages: lastPage + 1)
        freePages = PageSet(pages: lastPage + 1)

        // The free list last: each page it lists is checked as it is read, against every
        // tree but its own, which is checked at the end.
        var main = Tree(name: "main database", record: mainRecord, isMain: true)
        walk(tree: &main, nesting: 0)
        var free = Tree(name: "free list", record: freeRecord, isFreeList: true)
        walk(tree: &free, nesting: 0)
        freePagesInFreeListTree()
        account()
        if unlisted > 0 { problems.append("and \(unlisted) more problems") }
        return problems
    }

    // MARK: Reading

    /// Reads `count` bytes at `offset` of the data file; reports and returns `false` when
    /// they are not all there.
    private func read(
        into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int, what: @autoclosure () -> String
    ) -> Bool {
        guard let base = buffer.baseAddress, count <= buffer.count else { return false }
        var done = 0
        while done < count {
            let n = pread(fd, base + done, count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                report("\(what()): lies beyond the end of the data file")
                return false
            } else if errno != EINTR {
                let reason = String(cString: strerror(errno))
                report("\(what()): cannot be read (\(reason))")
                return false
            }
        }
        return true
    }

    /// The page buffer of nesting level `level`.
    private func buffer(_ level: Int) -> UnsafeMutableRawBufferPointer {
        while levels.count <= level {
            levels.append(UnsafeMutableRawBufferPointer.allocate(byteCount: pageSize, alignment: 8))
        }
        return levels[level]
    }

    // MARK: Trees

    /// Walks `tree` from its root, then compares what it found with its record.
    private func walk(tree: inout Tree, nesting: Int) {
        let r = tree.record
        if r.root == Layout.noPage {
            if r.depth != 0 || r.branchPages != 0 || r.leafPages != 0 || r.overflowPages != 0 || r.entries != 0 {
                report(
                    "\(tree.name): has no root page but records depth \(r.depth), \(r.branchPages) branch, "
                        + "\(r.leafPages) leaf and \(r.overflowPages) overflow pages and \(r.entries) entries")
            }
            return
        }
        walk(&tree, page: r.root, level: 1, nesting: nesting, lower: nil, upper: nil, from: nil)
        if tree.branchPages != r.branchPages || tree.leafPages != r.leafPages || tree.overflowPages != r.overflowPages
            || tree.entries != r.entries
        {
            report(
                "\(tree.name): records \(r.branchPages) branch, \(r.leafPages) leaf and \(r.overflowPages) overflow "
                    + "pages and \(r.entries) entries; the walk found \(tree.branchPages), \(tree.leafPages), "
                    + "\(tree.overflowPages) and \(tree.entries)")
        }
        if tree.deepestLeaf > 0 && (tree.shallowestLeaf != r.depth || tree.deepestLeaf != r.depth) {
            let found =
                tree.shallowestLeaf == tree.deepestLeaf
                ? "at depth \(tree.deepestLeaf)" : "at depths \(tree.shallowestLeaf) to \(tree.deepestLeaf)"
            report("\(tree.name): records depth \(r.depth), but its leaf pages lie \(found)")
        }
    }

    /// Where a page was reached from, for problems.
    private static func origin(_ from: (page: UInt64, index: Int)?) -> String {
        guard let from else { return "its root" }
        return "key \(from.index) of branch page \(from.page)"
    }

    /// Checks that `page`, reached from `from`, is in range and reached for the first
    /// time, and marks it.
    private func claim(_ page: UInt64, of tree: Tree, from: @autoclosure () -> String) -> Bool {
        guard page >= 2, page <= UInt64(lastPage) else {
            report(
                "\(tree.name): \(from()) points to page \(page), "
                    + (page < 2 ? "a meta page" : "beyond the last page \(lastPage)"))
            return false
        }
        treeReferences += 1
        guard treePages.insert(Int(page)) else {
            repeats += 1
            report("\(tree.name): \(from()) points to page \(page), which a tree reached already")
            return false
        }
        return true
    }

    private func walk(
        _ tree: inout Tree, page: UInt64, level: Int, nesting: Int, lower: Bound?, upper: Bound?,
        from: (page: UInt64, index: Int)?
    ) {
        guard claim(page, of: tree, from: Self.origin(from)) else { return }
        guard level <= Layout.maximumDepth else {
            report("\(tree.name): page \(page) lies deeper than the \(Layout.maximumDepth) levels LMDB reaches")
            return
        }
        let buffer = buffer(nesting)
        guard read(into: buffer, count: pageSize, at: Int(page) * pageSize, what: "\(tree.name): page \(page)") else {
            return
        }
        let p = UnsafeRawBufferPointer(buffer)
        let number = p.loadUnaligned(as: UInt64.self)
        if number != page { report("\(tree.name): page \(page) records page number \(number) in its header") }
        let kind = p.loadUnaligned(fromByteOffset: 10, as: UInt16.self) & Layout.kind
        if kind == Layout.branch {
            branch(&tree, p, page: page, level: level, nesting: nesting, lower: lower, upper: upper)
        } else if kind == (tree.leaf2 ? Layout.leaf | Layout.leaf2 : Layout.leaf) {
            tree.leafPages += 1
            tree.shallowestLeaf = min(tree.shallowestLeaf, level)
            tree.deepestLeaf = max(tree.deepestLeaf, level)
            if tree.leaf2 {
                leaf2(&tree, p, page: page, lower: lower, upper: upper)
            } else {
                leaf(&tree, p, page: page, nesting: nesting, lower: lower, upper: upper)
            }
        } else {
            report(
                "\(tree.name): page \(page) (reached from \(Self.origin(from))) has flags 0x\(String(kind, radix: 16)), "
                    + "not those of a branch or \(tree.leaf2 ? "fixed-size leaf" : "leaf") page")
        }
    }

    /// The number of nodes of the page (or sub-page) at `base` of `size` bytes, from its
    /// `mp_lower`, and its `mp_upper`; `nil`, reported, when they are not within it.
    private func geometry(
        _ p: UnsafeRawBufferPointer, base: Int, size: Int, what: @autoclosure () -> String
    ) -> (count: Int, upper: Int)? {
        let lower = Int(p.loadUnaligned(fromByteOffset: base + 12, as: UInt16.self))
        let upper = Int(p.loadUnaligned(fromByteOffset: base + 14, as: UInt16.self))
        guard lower >= Layout.pageHeader, lower <= upper, upper <= size, lower % 2 == 0 else {
            report("\(what()): its free space (bytes \(lower) to \(upper)) is not within its \(size) bytes")
            return nil
        }
        let count = (lower - Layout.pageHeader) / 2
        if count == 0 { report("\(what()): holds no keys") }
        return (count, upper)
    }

    /// Node `index` of the page (or sub-page) at `base` of `size` bytes; `nil` when it is
    /// not within the page's node area (`mp_upper` to the end).
    private func node(_ p: UnsafeRawBufferPointer, base: Int, size: Int, upper: Int, index: Int) -> Node? {
        let offset = Int(p.loadUnaligned(fromByteOffset: base + Layout.pageHeader + 2 * index, as: UInt16.self))
        guard offset >= upper, offset + Layout.nodeHeader <= size else { return nil }
        let start = base + offset
        let keySize = Int(p.loadUnaligned(fromByteOffset: start + 6, as: UInt16.self))
        guard offset + Layout.nodeHeader + keySize <= size else { return nil }
        let low =
            UInt64(p.loadUnaligned(fromByteOffset: start, as: UInt16.self))
            | UInt64(p.loadUnaligned(fromByteOffset: start + 2, as: UInt16.self)) << 16
        return Node(
            start: start,
            key: UnsafeRawBufferPointer(
                rebasing: p[(start + Layout.nodeHeader)..<(start + Layout.nodeHeader + keySize)]),
            flags: p.loadUnaligned(fromByteOffset: start + 4, as: UInt16.self), low: low)
    }

    /// Checks the next key of a page's sequence: after the one before it, and within the
    /// bounds of the page's subtree. Each kind of fault is reported once a page.
    private func check(
        _ keys: inout KeySequence, _ key: UnsafeRawBufferPointer, index i: Int, _ order: KeyOrder, lower: Bound?,
        upper: Bound?, what: String
    ) {
        if let previous = keys.previous, !keys.disordered, order.compare(previous.key, key) >= 0 {
            report("\(what): key \(i) sorts before key \(previous.index)")
            keys.disordered = true
        }
        if !keys.breached {
            keys.breached = !within(key, order, lower: lower, upper: upper, what: "\(what): key \(i)")
        }
        keys.previous = (key, i)
    }

    /// Checks `key` against the bounds of its subtree, reporting a breach.
    private func within(
        _ key: UnsafeRawBufferPointer, _ order: KeyOrder, lower: Bound?, upper: Bound?, what: @autoclosure () -> String
    ) -> Bool {
        if let lower, order.compare(key, lower.key) < 0 {
            report(
                "\(what()) sorts before key \(lower.index) of branch page \(lower.page), the separator that leads to it"
            )
            return false
        }
        if let upper, order.compare(key, upper.key) >= 0 {
            report(
                "\(what()) does not sort before key \(upper.index) of branch page \(upper.page), "
                    + "the separator of the next subtree")
            return false
        }
        return true
    }

    private func branch(
        _ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, level: Int, nesting: Int, lower: Bound?,
        upper: Bound?
    ) {
        tree.branchPages += 1
        let name = tree.name
        guard let (count, top) = geometry(p, base: 0, size: pageSize, what: "\(name): branch page \(page)") else {
            return
        }
        // The keys: in order, and within the page's bounds. LMDB ignores key 0 of a branch
        // page (it is empty): the bound from above stands in for it.
        var keys = KeySequence()
        for i in 0..<count {
            guard let n = node(p, base: 0, size: pageSize, upper: top, index: i) else {
                report("\(name): branch page \(page): node \(i) is not within the page")
                keys.previous = nil
                continue
            }
            guard i > 0 else { continue }
            check(
                &keys, n.key, index: i, tree.keyOrder, lower: lower, upper: upper, what: "\(name): branch page \(page)")
        }
        prefetchChildren(p, count: count, upper: top)
        // The children, each bounded by its separator and the next one.
        for i in 0..<count {
            guard let n = node(p, base: 0, size: pageSize, upper: top, index: i) else { continue }
            let child = n.low | UInt64(n.flags) << 32
            let below = i == 0 ? lower : Bound(key: n.key, page: page, index: i)
            var above = upper
            if i + 1 < count, let next = node(p, base: 0, size: pageSize, upper: top, index: i + 1) {
                above = Bound(key: next.key, page: page, index: i + 1)
            }
            walk(
                &tree, page: child, level: level + 1, nesting: nesting + 1, lower: below, upper: above, from: (page, i))
        }
    }

    /// Asks the kernel to start reading the children of a branch page, runs of
    /// consecutive pages in one request, so that the walk's reads, one page at a time,
    /// find them in the page cache (as a cursor scan gets readahead on LMDB's map).
    private func prefetchChildren(_ p: UnsafeRawBufferPointer, count: Int, upper: Int) {
        #if os(Linux)
            var run = 0..<0
            func request(_ pages: Range<Int>) {
                if !pages.isEmpty {
                    _ = posix_fadvise(
                        fd, off_t(pages.lowerBound * pageSize), off_t(pages.count * pageSize), POSIX_FADV_WILLNEED)
                }
            }
            for i in 0..<count {
                guard let n = node(p, base: 0, size: pageSize, upper: upper, index: i) else { continue }
                let child = n.low | UInt64(n.flags) << 32
                guard child >= 2, child <= UInt64(lastPage) else { continue }
                if Int(child) == run.upperBound {
                    run = run.lowerBound..<(run.upperBound + 1)
                } else {
                    request(run)
                    run = Int(child)..<(Int(child) + 1)
                }
            }
            request(run)
        #endif
    }

    /// A `P_LEAF2` page of a sub-database of fixed-size values: keys only, end to end.
    private func leaf2(_ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, lower: Bound?, upper: Bound?) {
        let name = tree.name
        guard let (count, _) = geometry(p, base: 0, size: pageSize, what: "\(name): leaf page \(page)") else { return }
        let size = Int(tree.record.pad)
        guard size > 0, Layout.pageHeader + count * size <= pageSize else {
            report("\(name): leaf page \(page): \(count) values of \(size) bytes do not fit the page")
            return
        }
        tree.entries += UInt64(count)
        fixedSize(
            p, base: 0, count: count, size: size, tree.keyOrder, lower: lower, upper: upper,
            what: "\(name): leaf page \(page)")
    }

    /// Checks `count` keys of `size` bytes, end to end from `base + 16`, for order and
    /// bounds.
    private func fixedSize(
        _ p: UnsafeRawBufferPointer, base: Int, count: Int, size: Int, _ order: KeyOrder, lower: Bound?,
        upper: Bound?, what: @autoclosure () -> String
    ) {
        var breached = false
        for i in 0..<count {
            let start = base + Layout.pageHeader + i * size
            let key = UnsafeRawBufferPointer(rebasing: p[start..<(start + size)])
            if i > 0, order.compare(UnsafeRawBufferPointer(rebasing: p[(start - size)..<start]), key) >= 0 {
                report("\(what()): value \(i) sorts before value \(i - 1)")
                return
            }
            if !breached, lower != nil || upper != nil {
                breached = !within(key, order, lower: lower, upper: upper, what: "\(what()): value \(i)")
            }
        }
    }

    private func leaf(
        _ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, nesting: Int, lower: Bound?, upper: Bound?
    ) {
        let name = tree.name
        guard let (count, top) = geometry(p, base: 0, size: pageSize, what: "\(name): leaf page \(page)") else {
            return
        }
        var keys = KeySequence()
        for i in 0..<count {
            guard let n = node(p, base: 0, size: pageSize, upper: top, index: i) else {
                report("\(name): leaf page \(page): node \(i) is not within the page")
                keys.previous = nil
                continue
            }
            check(&keys, n.key, index: i, tree.keyOrder, lower: lower, upper: upper, what: "\(name): leaf page \(page)")
            let size = Int(n.low)
            if n.flags & ~(Layout.bigData | Layout.subData | Layout.dupData) != 0 {
                report("\(name): leaf page \(page): key \(i) has node flags 0x\(String(n.flags, radix: 16))")
                continue
            }
            if n.flags & Layout.bigData != 0 {
                guard n.flags == Layout.bigData, n.data + 8 <= pageSize else {
                    report("\(name): leaf page \(page): key \(i) has an overflow page number not within the page")
                    continue
                }
                let first = p.loadUnaligned(fromByteOffset: n.data, as: UInt64.self)
                let pages = overflow(&tree, first: first, size: size, from: "leaf page \(page), key \(i)")
                if tree.isFreeList {
                    freeRecord(
                        &tree, key: n.key, inline: nil, overflow: pages.map { (first, $0) }, size: size, page: page)
                } else {
                    tree.entries += 1
                }
                continue
            }
            guard n.data + size <= pageSize else {
                report("\(name): leaf page \(page): key \(i) has a \(size)-byte value not within the page")
                continue
            }
            let value = UnsafeRawBufferPointer(rebasing: p[n.data..<(n.data + size)])
            switch n.flags {
            case 0 where tree.isFreeList:
                freeRecord(&tree, key: n.key, inline: value, overflow: nil, size: size, page: page)
            case 0:
                tree.entries += 1
            case Layout.subData where tree.isMain:
                tree.entries += 1
                guard size == Layout.dbRecord else {
                    report("\(name): leaf page \(page): key \(i) has a database record of \(size) bytes")
                    continue
                }
                let named = String(decoding: n.key, as: UTF8.self)
                var sub = Tree(name: "database \"\(named)\"", record: DatabaseRecord(value, at: 0))
                walk(tree: &sub, nesting: nesting + 1)
            case Layout.dupData where tree.sortedValues:
                tree.entries += subPage(
                    tree, p, at: n.data, size: size, what: "\(name): leaf page \(page): the values of key \(i)")
            case Layout.dupData | Layout.subData where tree.sortedValues:
                let what = "\(name): leaf page \(page): the values of key \(i)"
                guard size == Layout.dbRecord else {
                    report("\(what): a sub-database record of \(size) bytes")
                    continue
                }
                let record = DatabaseRecord(value, at: 0)
                let expected = tree.fixedValues ? UInt16(MDB_DUPFIXED) : 0
                if record.flags & UInt16(MDB_DUPSORT | MDB_DUPFIXED) != expected {
                    report("\(what): its sub-database has flags 0x\(String(record.flags, radix: 16))")
                }
                var sub = Tree(name: what, record: record, valuesOf: tree.valueOrder)
                if sub.leaf2 && record.pad == 0 { report("\(what): its sub-database records values of 0 bytes") }
                walk(tree: &sub, nesting: nesting + 1)
                tree.entries += sub.entries
            default:
                report(
                    "\(name): leaf page \(page): key \(i) has node flags 0x\(String(n.flags, radix: 16)), "
                        + "which do not belong in this database")
            }
        }
    }

    /// A sorted set of values inline in a leaf node (`P_LEAF|P_SUBP`, with `P_LEAF2` for
    /// fixed-size values); returns how many values it holds.
    private func subPage(
        _ tree: Tree, _ p: UnsafeRawBufferPointer, at base: Int, size: Int, what: @autoclosure () -> String
    ) -> UInt64 {
        guard size >= Layout.pageHeader else {
            report("\(what()): a sub-page of \(size) bytes")
            return 0
        }
        let kind = p.loadUnaligned(fromByteOffset: base + 10, as: UInt16.self) & Layout.kind
        let expected = Layout.leaf | Layout.subPage | (tree.fixedValues ? Layout.leaf2 : 0)
        guard kind == expected else {
            report("\(what()): sub-page flags 0x\(String(kind, radix: 16)), not 0x\(String(expected, radix: 16))")
            return 0
        }
        guard let (count, top) = geometry(p, base: base, size: size, what: what()) else { return 0 }
        if tree.fixedValues {
            let valueSize = Int(p.loadUnaligned(fromByteOffset: base + 8, as: UInt16.self))
            guard valueSize > 0, Layout.pageHeader + count * valueSize <= size else {
                report("\(what()): \(count) values of \(valueSize) bytes do not fit a \(size)-byte sub-page")
                return 0
            }
            fixedSize(
                p, base: base, count: count, size: valueSize, tree.valueOrder, lower: nil, upper: nil, what: what())
            return UInt64(count)
        }
        var previous: UnsafeRawBufferPointer? = nil
        for i in 0..<count {
            guard let n = node(p, base: base, size: size, upper: top, index: i),
                n.data - base + Int(n.low) <= size
            else {
                report("\(what()): value \(i) is not within its sub-page")
                return UInt64(count)
            }
            if let previous, tree.valueOrder.compare(previous, n.key) >= 0 {
                report("\(what()): value \(i) sorts before value \(i - 1)")
                return UInt64(count)
            }
            previous = n.key
        }
        return UInt64(count)
    }

    /// Claims the overflow run at `first` that holds a `size`-byte value; returns how
    /// many pages it has, or `nil` when it is unusable.
    private func overflow(_ tree: inout Tree, first: UInt64, size: Int, from: @autoclosure () -> String) -> Int? {
        guard claim(first, of: tree, from: from()) else { return nil }
        let name = tree.name
        guard read(into: small, count: Layout.pageHeader, at: Int(first) * pageSize, what: "\(name): page \(first)")
        else { return nil }
        let header = UnsafeRawBufferPointer(small)
        let number = header.loadUnaligned(as: UInt64.self)
        if number != first {
            report("\(name): overflow page \(first) records page number \(number) in its header")
        }
        let kind = header.loadUnaligned(fromByteOffset: 10, as: UInt16.self) & Layout.kind
        guard kind == Layout.overflow else {
            report(
                "\(name): page \(first) (reached from \(from())) has flags 0x\(String(kind, radix: 16)), "
                    + "not those of an overflow page")
            return nil
        }
        let pages = Int(header.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let needed = (Layout.pageHeader - 1 + size) / pageSize + 1
        guard pages >= needed else {
            report("\(name): overflow page \(first): a run of \(pages) pages cannot hold its \(size)-byte value")
            return nil
        }
        guard Int(first) + pages - 1 <= lastPage else {
            report("\(name): overflow page \(first): its \(pages) pages run past the last page \(lastPage)")
            return nil
        }
        tree.overflowPages += UInt64(pages)
        var reported = false
        for page in (Int(first) + 1)..<(Int(first) + pages) {
            treeReferences += 1
            if !treePages.insert(page) {
                repeats += 1
                if !reported {
                    report("\(name): overflow page \(first): its page \(page) is one a tree reached already")
                    reported = true
                }
            }
        }
        return pages
    }

    // MARK: The free list

    /// A record of the free list: under a transaction id, an `MDB_IDL` (a count, then page
    /// numbers in descending order) in the node (`inline`) or on an overflow run.
    private func freeRecord(
        _ tree: inout Tree, key: UnsafeRawBufferPointer, inline: UnsafeRawBufferPointer?,
        overflow run: (first: UInt64, pages: Int)?, size: Int, page: UInt64
    ) {
        tree.entries += 1
        guard key.count == 8 else {
            report("free list: leaf page \(page): a key of \(key.count) bytes, not the 8 of a transaction id")
            return
        }
        let transaction = key.loadUnaligned(as: UInt64.self)
        if transaction > snapshot {
            report("free list: leaf page \(page): transaction \(transaction) is later than the snapshot's \(snapshot)")
        }
        var reader = FreeRecordReader(size: size)
        if let inline {
            var offset = 0
            while offset + 8 <= inline.count,
                take(&reader, inline.loadUnaligned(fromByteOffset: offset, as: UInt64.self), transaction, page)
            {
                offset += 8
            }
        } else if let run {
            // The run holds at least `size` bytes (checked when it was claimed).
            let total = size & ~7
            var offset = 0
            reading: while offset < total {
                let count = min(chunk.count, total - offset)
                let at = Int(run.first) * pageSize + Layout.pageHeader + offset
                guard read(into: chunk, count: count, at: at, what: "free list: overflow page \(run.first)") else {
                    return
                }
                let words = UnsafeRawBufferPointer(chunk)
                var i = 0
                while i < count {
                    guard take(&reader, words.loadUnaligned(fromByteOffset: i, as: UInt64.self), transaction, page)
                    else {
                        break reading
                    }
                    i += 8
                }
                offset += count
            }
        } else {
            return  // an unusable overflow run, reported
        }
        if reader.count == nil {
            report("free list: leaf page \(page): the record of transaction \(transaction) has \(size) bytes, no count")
        }
    }

    /// Takes the next word of a free-list record; `false` when the record is done.
    private func take(_ reader: inout FreeRecordReader, _ word: UInt64, _ transaction: UInt64, _ page: UInt64) -> Bool {
        guard let count = reader.count else {
            let room = UInt64(max(reader.size / 8 - 1, 0))
            guard word <= room else {
                report(
                    "free list: leaf page \(page): the record of transaction \(transaction) counts \(word) pages, "
                        + "but its \(reader.size) bytes hold at most \(room)")
                return false
            }
            reader.count = Int(word)
            return word > 0
        }
        reader.taken += 1
        if word >= reader.previous && !reader.disordered {
            report(
                "free list: leaf page \(page): the record of transaction \(transaction) lists page \(word) "
                    + "after page \(reader.previous), out of descending order")
            reader.disordered = true
        }
        reader.previous = word
        free(word, listedBy: transaction)
        return reader.taken < count
    }

    /// Checks a free page number: in range, not a meta page, in no tree, listed once.
    private func free(_ page: UInt64, listedBy transaction: UInt64) {
        guard page >= 2, page <= UInt64(lastPage) else {
            report(
                "free list: the record of transaction \(transaction) lists page \(page), "
                    + (page < 2 ? "a meta page" : "beyond the last page \(lastPage)"))
            return
        }
        freeReferences += 1
        if treePages.contains(Int(page)) {
            repeats += 1
            report("free list: the record of transaction \(transaction) lists page \(page), which a tree uses")
        } else if !freePages.insert(Int(page)) {
            repeats += 1
            report("free list: the record of transaction \(transaction) lists page \(page), listed already")
        }
    }

    /// Free pages that the free list's own tree reached after a record listed them.
    private func freePagesInFreeListTree() {
        treePages.forEachCommon(with: freePages) { page in
            repeats += 1
            report("free list: lists page \(page), a page of the free list's own tree")
        }
    }

    /// Pages in trees + free pages + 2 meta pages must be every page up to the last.
    private func account() {
        let inUse = lastPage + 1
        let counted = treeReferences + freeReferences + 2
        let distinct = counted - repeats
        guard counted != inUse || distinct != inUse else { return }
        report(
            "pages: \(treeReferences) in trees + \(freeReferences) free + 2 meta = \(counted), but the snapshot uses "
                + "\(inUse) (pages 0 to \(lastPage)): \(inUse - distinct) unaccounted for, \(repeats) counted twice")
    }
}
