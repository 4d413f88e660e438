import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PageAuditor {
    /// One tree being walked: what its record says and what the walk found.
    struct Tree {
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
    struct Bound {
        let key: UnsafeRawBufferPointer
        let page: UInt64
        let index: Int
    }

    /// Where a check of one page's keys stands (see `PageAuditor.check`).
    struct KeySequence {
        var previous: (key: UnsafeRawBufferPointer, index: Int)? = nil
        var disordered = false
        var breached = false
    }
}

extension PageAuditor {
    /// Walks `tree` from its root, then compares what it found with its record.
    func walk(tree: inout Tree, nesting: Int) {
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
    static func origin(_ from: (page: UInt64, index: Int)?) -> String {
        guard let from else { return "its root" }
        return "key \(from.index) of branch page \(from.page)"
    }

    /// Checks that `page`, reached from `from`, is in range and reached for the first
    /// time, and marks it.
    func claim(_ page: UInt64, of tree: Tree, from: @autoclosure () -> String) -> Bool {
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

    func walk(
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
    func geometry(
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

    /// The nodes of a whole page, in order, read once for every pass over them; a node not
    /// within the page is reported and `nil`. `nil` when the page's geometry is not usable.
    func nodes(_ p: UnsafeRawBufferPointer, what: String) -> [Node?]? {
        guard let (count, top) = geometry(p, base: 0, size: pageSize, what: what) else { return nil }
        return (0..<count).map { i in
            let n = node(p, base: 0, size: pageSize, upper: top, index: i)
            if n == nil { report("\(what): node \(i) is not within the page") }
            return n
        }
    }

    /// Node `index` of the page (or sub-page) at `base` of `size` bytes; `nil` when it is
    /// not within the page's node area (`mp_upper` to the end).
    func node(_ p: UnsafeRawBufferPointer, base: Int, size: Int, upper: Int, index: Int) -> Node? {
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
    func check(
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
    func within(
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

    func branch(
        _ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, level: Int, nesting: Int, lower: Bound?,
        upper: Bound?
    ) {
        tree.branchPages += 1
        let what = "\(tree.name): branch page \(page)"
        guard let nodes = nodes(p, what: what) else { return }
        // The keys: in order, and within the page's bounds. LMDB ignores key 0 of a branch
        // page (it is empty): the bound from above stands in for it.
        var keys = KeySequence()
        for (i, n) in nodes.enumerated() {
            guard let n else {
                keys.previous = nil
                continue
            }
            guard i > 0 else { continue }
            check(&keys, n.key, index: i, tree.keyOrder, lower: lower, upper: upper, what: what)
        }
        prefetchChildren(nodes)
        // The children, each bounded by its separator and the next one.
        for (i, n) in nodes.enumerated() {
            guard let n else { continue }
            let below = i == 0 ? lower : Bound(key: n.key, page: page, index: i)
            var above = upper
            if i + 1 < nodes.count, let next = nodes[i + 1] {
                above = Bound(key: next.key, page: page, index: i + 1)
            }
            walk(
                &tree, page: n.child, level: level + 1, nesting: nesting + 1, lower: below, upper: above,
                from: (page, i))
        }
    }

    /// Asks the kernel to start reading the children of a branch page, runs of
    /// consecutive pages in one request, so that the walk's reads, one page at a time,
    /// find them in the page cache (as a cursor scan gets readahead on LMDB's map).
    func prefetchChildren(_ nodes: [Node?]) {
        #if os(Linux)
            var run = 0..<0
            func request(_ pages: Range<Int>) {
                if !pages.isEmpty {
                    _ = posix_fadvise(
                        fd, off_t(pages.lowerBound * pageSize), off_t(pages.count * pageSize), POSIX_FADV_WILLNEED)
                }
            }
            for case let n? in nodes {
                let child = n.child
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
}
