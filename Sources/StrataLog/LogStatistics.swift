import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sizes and counts of a log.
public struct LogStatistics: Sendable, Equatable {
    public let events: Int
    public let lastPosition: Position
    public let lastRecordedAt: RecordTime?
    public let commits: Int
    public let streams: Int
    /// Bytes in use in the data file (pages up to the last used one).
    public let usedBytes: Int
    /// Of those, bytes in pages LMDB keeps free for reuse (pages of deleted rows and old
    /// read-model generations): what later writes fill before the file grows.
    public let freeBytes: Int
    /// The size of the data file on disk.
    public let fileBytes: Int
    /// The LMDB map size (address space reserved; grows by itself).
    public let mapSize: Int
    /// Bytes in the pages of each database.
    public let databaseBytes: [String: Int]
    /// Streams of each category asked for (ids starting with `category-`).
    public let categoryStreams: [String: Int]
}

extension EventLog {
    /// Counts and sizes, from one snapshot, with the streams of each of `categories`.
    public func statistics(categories: [String] = []) throws -> LogStatistics {
        try storage {
            try environment.read { tx in
                var sizes: [String: Int] = [:]
                for db in [events, eventIDs, streams, commits, meta] {
                    sizes[db.name] = try tx.stat(db).bytes
                }
                let info = environment.info()
                var st = stat()
                let fileBytes = stat(path + "/data.mdb", &st) == 0 ? Int(st.st_size) : 0
                let commit = try lastCommit(tx)
                var categoryStreams: [String: Int] = [:]
                for c in categories { categoryStreams[c] = try streamCount(category: c, tx) }
                return LogStatistics(
                    events: try tx.stat(events).entries, lastPosition: try lastPosition(tx),
                    lastRecordedAt: commit?.recordedAt, commits: try tx.stat(commits).entries,
                    streams: try tx.stat(streams).entries + unstoredStreams(tx).count, usedBytes: info.usedBytes,
                    freeBytes: try tx.freePages() * info.pageSize, fileBytes: fileBytes,
                    mapSize: info.mapSize, databaseBytes: sizes, categoryStreams: categoryStreams)
            }
        }
    }
}
