import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Transaction {
    /// Rows or events a long read goes between two calls of ``releaseMappedPages()``:
    /// a few megabytes of pages stay mapped, and each call costs little beside them.
    public static let releaseInterval = 2_000

    /// Drops this process's mappings of the data file's pages. The pages stay in the
    /// operating system's page cache and are mapped again when next read, so a long pass
    /// over the whole file (a rebuild, a catch-up) that calls it now and then keeps a
    /// resident set of its working set rather than of every page it has read.
    ///
    /// Safe at any point of the transaction: the map cannot move while a transaction is
    /// open (the environment holds its map lock), it is read-only (LMDB writes with
    /// `pwrite`, and a write transaction's dirty pages are in its own memory), and a page
    /// read again through a pointer lent earlier comes back from the page cache unchanged.
    /// LMDB does not say where it mapped the file (`mdb_env_info` gives an address only
    /// for `MDB_FIXEDMAP`), so the mapping is found in `/proc/self/maps`; elsewhere than
    /// Linux this does nothing.
    public func releaseMappedPages() {
        ensureLive()
        #if os(Linux)
            var dir: UnsafePointer<CChar>?
            guard mdb_env_get_path(mdb_txn_env(handle), &dir) == 0, let dir,
                let resolved = realpath(String(cString: dir) + "/data.mdb", nil)
            else { return }
            let dataFile = String(cString: resolved)
            free(resolved)
            for range in MappedPages.ranges(of: dataFile) {
                _ = madvise(
                    UnsafeMutableRawPointer(bitPattern: range.lowerBound), Int(range.upperBound - range.lowerBound),
                    MADV_DONTNEED)
            }
        #endif
    }
}

enum MappedPages {
    /// The address ranges at which this process maps `file` (an absolute, resolved path),
    /// from the lines of `/proc/self/maps`: `start-end perms offset dev inode path`.
    static func ranges(of file: String) -> [Range<UInt>] {
        guard let maps = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(maps) }
        var out: [Range<UInt>] = []
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), maps) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let fields = text.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).dropLast(while: { $0 == "\n" }) == file else {
                continue
            }
            let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            if bounds.count == 2, bounds[0] < bounds[1] { out.append(bounds[0]..<bounds[1]) }
        }
        return out
    }
}

extension Substring {
    fileprivate func dropLast(while predicate: (Character) -> Bool) -> Substring {
        var s = self
        while let c = s.last, predicate(c) { s = s.dropLast() }
        return s
    }
}
