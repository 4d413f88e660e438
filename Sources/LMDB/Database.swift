import CLMDB

/// A named database (`MDB_dbi`) inside an ``Environment``. Handles are opened once, when
/// the environment opens, and stay valid for its lifetime.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The name the database was opened with.
    public let name: String

    /// LMDB's own record of the environment's free pages (`FREE_DBI`), to read with a
    /// cursor only (LMDB refuses writes to it): a damaged page of it shows otherwise only
    /// when a write needs a free page.
    public static let freePages = Database(dbi: 0, name: "free pages")
}

/// How `put` writes a key.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Keys are written in increasing order (`MDB_APPEND`): a fast path for logs.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    /// Do not overwrite an existing key (`MDB_NOOVERWRITE`).
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
}

/// The statistics of one database (`mdb_stat`).
public struct DatabaseStat: Sendable, Equatable {
    public let entries: Int
    public let depth: Int
    public let branchPages: Int
    public let leafPages: Int
    public let overflowPages: Int
    public let pageSize: Int
    /// Bytes held by the database's pages.
    public var bytes: Int { (branchPages + leafPages + overflowPages) * pageSize }

    init(_ s: MDB_stat) {
        entries = s.ms_entries
        depth = Int(s.ms_depth)
        branchPages = s.ms_branch_pages
        leafPages = s.ms_leaf_pages
        overflowPages = s.ms_overflow_pages
        pageSize = Int(s.ms_psize)
    }
}
