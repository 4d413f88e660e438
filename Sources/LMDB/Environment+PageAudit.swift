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
