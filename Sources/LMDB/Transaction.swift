import CLMDB

/// Operations shared by read and write transactions. A transaction lives only inside the
/// closure that received it; using it afterwards is a programming error and traps.
public class Transaction {
    let handle: OpaquePointer
    private var live = true

    init(_ handle: OpaquePointer) { self.handle = handle }

    func invalidate() { live = false }

    @inline(__always)
    func ensureLive() { precondition(live, "an LMDB transaction was used after its closure returned") }

    /// Lends the value stored under `key` to `body` (`nil` when absent). The buffer is
    /// valid only inside `body`.
    public func withValue<R>(
        _ db: Database, key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        ensureLive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, db.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc, "mdb_get \(db.name)")
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// A copy of the value stored under `key`, or `nil` when there is none.
    public func value(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in try withValue(db, key: k) { $0.map { Array($0) } } }
    }

    /// Runs `body` with a cursor over `db`; the cursor is closed when `body` returns.
    public func withCursor<R>(_ db: Database, _ body: (Cursor) throws -> R) throws -> R {
        ensureLive()
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open \(db.name)")
        guard let cursor else { preconditionFailure("mdb_cursor_open returned no cursor") }
        let c = Cursor(cursor, db: db)
        defer {
            c.invalidate()
            mdb_cursor_close(cursor)
        }
        return try body(c)
    }

    /// The statistics of `db` as this transaction sees it.
    public func stat(_ db: Database) throws -> DatabaseStat {
        ensureLive()
        var s = MDB_stat()
        try check(mdb_stat(handle, db.dbi, &s), "mdb_stat \(db.name)")
        // The counts are those the database's record holds, which damage can make any
        // number; used as sizes they trapped on overflow or asked for exabytes. A record
        // that claims more pages than the map has, or more rows than its pages' bytes, is
        // corrupted.
        var info = MDB_envinfo()
        mdb_env_info(mdb_txn_env(handle), &info)
        let pageSize = Int(s.ms_psize)
        let mapPages = pageSize > 0 ? info.me_mapsize / pageSize : 0
        let pages = [s.ms_branch_pages, s.ms_leaf_pages, s.ms_overflow_pages]
        let total = pages.allSatisfy { (0...mapPages).contains($0) } ? pages.reduce(0, +) : Int.max
        guard total <= mapPages, (0...(total * pageSize)).contains(s.ms_entries) else {
            throw LMDBError(code: MDB_CORRUPTED, operation: "mdb_stat \(db.name): page or row counts out of range")
        }
        return DatabaseStat(s)
    }

    /// Pages of the data file that LMDB holds free for reuse (its free list, database 0),
    /// as this transaction sees it: the part of the file that later writes fill before
    /// the file grows. Each free-list record is a list of page numbers led by its length.
    public func freePages() throws -> Int {
        ensureLive()
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, 0, &cursor), "mdb_cursor_open free list")
        guard let cursor else { preconditionFailure("mdb_cursor_open returned no cursor") }
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val()
        var v = MDB_val()
        var pages = 0
        while true {
            let rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
            if rc == MDB_NOTFOUND { return pages }
            try check(rc, "mdb_cursor_get free list")
            guard v.mv_size >= MemoryLayout<Int>.size, let data = v.mv_data else { continue }
            // The length leads as many page numbers: one the record cannot hold is damage.
            let count = data.loadUnaligned(as: Int.self)
            guard (0...(v.mv_size / MemoryLayout<Int>.size - 1)).contains(count) else {
                throw LMDBError(
                    code: MDB_CORRUPTED, operation: "free list record of \(v.mv_size) bytes lists \(count) pages")
            }
            pages += count
        }
    }

    /// The id of this transaction (`mdb_txn_id`).
    public var id: Int { mdb_txn_id(handle) }
}

/// A read-only snapshot of the environment (`MDB_RDONLY`).
public final class ReadTransaction: Transaction {}

/// A write transaction; one at a time over all processes. It commits when its closure
/// returns and aborts when it throws.
public final class WriteTransaction: Transaction {
    /// Stores `value` under `key`. Returns `false`, writing nothing, when `.noOverwrite`
    /// is given and the key exists.
    @discardableResult
    public func put(
        _ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []
    ) throws -> Bool {
        ensureLive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let rc = mdb_put(handle, db.dbi, &k, &v, flags.rawValue)
        if rc == MDB_KEYEXIST && flags.contains(.noOverwrite) { return false }
        try check(rc, "mdb_put \(db.name)")
        return true
    }

    /// Stores `value` under `key`, taking `MDB_APPEND`'s fast path when `key` sorts after
    /// every key in `db`, and an ordinary put otherwise. For tables whose keys mostly grow
    /// (logs keyed by position): appended rows fill their pages, where ordinary puts split
    /// the last page in half and leave every page half empty.
    public func putAppending(_ db: Database, key: [UInt8], value: [UInt8]) throws {
        try check(put(db, key: key, value: value, trying: UInt32(MDB_APPEND), else: 0), "mdb_put \(db.name)")
    }

    /// `mdb_put` with the `fast` flags, and with `fallback` when those refuse the key or
    /// value (`MDB_KEYEXIST`, as `MDB_APPEND` does out of order); LMDB's last return code.
    private func put(_ db: Database, key: [UInt8], value: [UInt8], trying fast: UInt32, else fallback: UInt32) -> Int32
    {
        ensureLive()
        return key.withUnsafeBytes { key in
            value.withUnsafeBytes { value in
                var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
                var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
                let rc = mdb_put(handle, db.dbi, &k, &v, fast)
                return rc == MDB_KEYEXIST ? mdb_put(handle, db.dbi, &k, &v, fallback) : rc
            }
        }
    }

    /// Stores `value` under `key` (array convenience).
    @discardableResult
    public func put(_ db: Database, key: [UInt8], value: [UInt8], flags: PutFlags = []) throws -> Bool {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try put(db, key: k, value: v, flags: flags) } }
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place
    /// (`MDB_RESERVE`), saving a copy of large values. Returns `false` without calling
    /// `fill` when `.noOverwrite` is given and the key exists.
    @discardableResult
    public func put(
        _ db: Database, key: UnsafeRawBufferPointer, reserving count: Int, flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws -> Bool {
        ensureLive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        let rc = mdb_put(handle, db.dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE))
        if rc == MDB_KEYEXIST && flags.contains(.noOverwrite) { return false }
        try check(rc, "mdb_put \(db.name)")
        try fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
        return true
    }

    /// Adds `value` to the set under `key` in a database opened as a set (see
    /// ``Environment/Options/sets``); nothing changes when it is there already. Values
    /// that sort after the set's last take `MDB_APPENDDUP`'s fast path, which fills pages
    /// rather than splitting them in half.
    public func putMember(_ db: Database, key: [UInt8], value: [UInt8]) throws {
        let rc = put(db, key: key, value: value, trying: UInt32(MDB_APPENDDUP), else: UInt32(MDB_NODUPDATA))
        if rc != MDB_KEYEXIST { try check(rc, "mdb_put \(db.name)") }  // KEYEXIST: a member already
    }

    /// Deletes `key`; returns whether it existed.
    @discardableResult
    public func delete(_ db: Database, key: [UInt8]) throws -> Bool {
        ensureLive()
        return try key.withUnsafeBytes { kb in
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            let rc = mdb_del(handle, db.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "mdb_del \(db.name)")
            return true
        }
    }

    /// Deletes the named database if it exists (`mdb_drop` with 1), for a database of an
    /// older layout that the environment no longer opens (a database cannot change its
    /// flags: a new layout takes a new name). Returns whether it existed.
    @discardableResult
    public func dropDatabase(named name: String) throws -> Bool {
        ensureLive()
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(handle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_dbi_open \(name)")
        try check(mdb_drop(handle, dbi, 1), "mdb_drop \(name)")
        return true
    }

    /// Removes every entry of `db`, keeping the database (`mdb_drop` with 0).
    public func empty(_ db: Database) throws {
        ensureLive()
        try check(mdb_drop(handle, db.dbi, 0), "mdb_drop \(db.name)")
    }
}
