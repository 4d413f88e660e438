import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PageAuditor {
    /// Reading one free-list record (`MDB_IDL`): a count, then that many page numbers in
    /// descending order.
    struct FreeRecordReader {
        /// The record's size in bytes.
        let size: Int
        var count: Int? = nil
        var taken = 0
        var previous = UInt64.max
        var disordered = false
    }
}

extension PageAuditor {
    /// A record of the free list: under a transaction id, an `MDB_IDL` (a count, then page
    /// numbers in descending order) in the node (`inline`) or on an overflow run.
    func freeRecord(
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
    func take(_ reader: inout FreeRecordReader, _ word: UInt64, _ transaction: UInt64, _ page: UInt64) -> Bool {
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
    func free(_ page: UInt64, listedBy transaction: UInt64) {
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
    func freePagesInFreeListTree() {
        treePages.forEachCommon(with: freePages) { page in
            repeats += 1
            report("free list: lists page \(page), a page of the free list's own tree")
        }
    }
}
