import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One audit (``Environment/pageAudit(maximumProblems:)``), inside one read transaction:
/// the snapshot's pages stay as they are while it runs, since LMDB reuses no page that an
/// open reader's snapshot holds. Its parts: reading the meta page and accounting for every
/// page (here), walking trees and checking keys (`PageAuditor+Trees`), leaf pages,
/// sub-pages and overflow runs (`+Leaves`), the free list's records (`+FreeList`), and
/// LMDB's on-disk format (`+Layout`).
final class PageAuditor {
    let fd: Int32
    let pageSize: Int
    let snapshot: UInt64
    let maximumProblems: Int

    var lastPage = 0
    var treePages = PageSet(pages: 0)
    var freePages = PageSet(pages: 0)
    /// One page buffer for each level of nesting, so the keys of the pages above the one
    /// being read stay in place as bounds.
    var levels: [UnsafeMutableRawBufferPointer] = []
    /// For meta pages and the headers of overflow runs.
    let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
    /// For free-list records on overflow pages, read a piece at a time.
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)

    var problems: [String] = []
    var unlisted = 0
    /// References to pages in `2...lastPage` from the trees and from the free list (a
    /// page reached twice counts twice), and how many of them were repeats.
    var treeReferences = 0
    var freeReferences = 0
    var repeats = 0

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

    func report(_ problem: @autoclosure () -> String) {
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
    func read(
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
    func buffer(_ level: Int) -> UnsafeMutableRawBufferPointer {
        while levels.count <= level {
            levels.append(UnsafeMutableRawBufferPointer.allocate(byteCount: pageSize, alignment: 8))
        }
        return levels[level]
    }

    /// Pages in trees + free pages + 2 meta pages must be every page up to the last.
    func account() {
        let inUse = lastPage + 1
        let counted = treeReferences + freeReferences + 2
        let distinct = counted - repeats
        guard counted != inUse || distinct != inUse else { return }
        report(
            "pages: \(treeReferences) in trees + \(freeReferences) free + 2 meta = \(counted), but the snapshot uses "
                + "\(inUse) (pages 0 to \(lastPage)): \(inUse - distinct) unaccounted for, \(repeats) counted twice")
    }
}
