import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PageAuditor {
    /// A `P_LEAF2` page of a sub-database of fixed-size values: keys only, end to end.
    func leaf2(_ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, lower: Bound?, upper: Bound?) {
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
    func fixedSize(
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

    func leaf(
        _ tree: inout Tree, _ p: UnsafeRawBufferPointer, page: UInt64, nesting: Int, lower: Bound?, upper: Bound?
    ) {
        let name = tree.name
        guard let nodes = nodes(p, what: "\(name): leaf page \(page)") else { return }
        var keys = KeySequence()
        for (i, n) in nodes.enumerated() {
            guard let n else {
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
    func subPage(
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
    func overflow(_ tree: inout Tree, first: UInt64, size: Int, from: @autoclosure () -> String) -> Int? {
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
}
