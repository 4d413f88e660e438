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
    /// from the lines of `/proc/self/maps`: `start-end perms offset dev inode path`. Read
    /// as bytes: a rebuild calls this every ``Transaction/releaseInterval`` events, and
    /// splitting each line into `Character`s took a twentieth of its fold.
    static func ranges(of file: String) -> [Range<UInt>] {
        guard let maps = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(maps) }
        let path = Array(file.utf8)
        var out: [Range<UInt>] = []
        var line = [UInt8](repeating: 0, count: 4096)
        while line.withUnsafeMutableBufferPointer({ fgets($0.baseAddress!, Int32($0.count), maps) }) != nil {
            let n = line.firstIndex(of: 0) ?? line.count
            let range = line.withUnsafeBufferPointer { MappedPages.range(.init(rebasing: $0[..<n]), mapping: path) }
            if let range { out.append(range) }
        }
        return out
    }

    /// The range of one line of `/proc/self/maps` when it maps `path`.
    static func range(_ line: UnsafeBufferPointer<UInt8>, mapping path: [UInt8]) -> Range<UInt>? {
        let space = UInt8(ascii: " ")
        var i = 0
        // Five fields, each followed by spaces, then the path.
        for _ in 0..<5 {
            while i < line.count, line[i] != space { i += 1 }
            while i < line.count, line[i] == space { i += 1 }
        }
        var end = line.count
        if end > i, line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        guard i < end, end - i == path.count, line[i..<end].elementsEqual(path) else { return nil }
        // The first field: `start-end` in hexadecimal.
        let field = line[..<(line.firstIndex(of: space) ?? line.count)]
        guard let dash = field.firstIndex(of: UInt8(ascii: "-")),
            let start = UInt(String(decoding: field[..<dash], as: UTF8.self), radix: 16),
            let stop = UInt(String(decoding: field[(dash + 1)...], as: UTF8.self), radix: 16), start < stop
        else { return nil }
        return start..<stop
    }
}
