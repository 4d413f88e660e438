import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// The environment is opened with `MDB_NOTLS`, so read transactions are not tied to a
/// thread, and it checks for stale readers left by dead processes when it opens. Its
/// named databases are opened once, at open. When a write fills the map, the
/// environment grows the map and runs the write again; when another process grew the
/// map, it adopts the new size (`MDB_MAP_RESIZED`).
///
/// It is `@unchecked Sendable` because LMDB environments opened with `MDB_NOTLS` are safe
/// to share between threads, and the one mutable operation, resizing the map, is
/// serialised against open transactions by ``mapLock``.
public final class Environment: @unchecked Sendable {
    /// Options for opening an environment.
    public struct Options: Sendable {
        /// The initial map size in bytes; the map grows by doubling when it is full.
        public var mapSize: Int = 1 << 30
        /// The largest map the environment may grow to.
        public var maximumMapSize: Int = 1 << 40
        /// The most named databases the environment may hold.
        public var maxDatabases: UInt32 = 64
        /// The most concurrent read transactions over all processes.
        public var maxReaders: UInt32 = 126
        /// Flush to disk at each commit (`false` sets `MDB_NOSYNC`: fast, not crash-safe).
        public var durable: Bool = true
        /// Databases (among those named) that hold, under each key, a sorted set of values
        /// of one fixed size (`MDB_DUPSORT | MDB_DUPFIXED`): see
        /// ``WriteTransaction/putMember(_:key:value:)`` and ``Cursor/member(_:_:)``.
        public var sets: Set<String> = []
        /// Take turns with the environment's other writers (``WriterTurns``). Off, writes
        /// go as LMDB alone would have them, as an older program's would.
        public var takesTurns: Bool = true
        public init() {}
    }

    let handle: OpaquePointer
    /// The directory of the environment.
    public let path: String
    private let databases: [String: Database]
    private let mapLock = ReadWriteLock()
    private let maximumMapSize: Int
    private let turns: WriterTurns

    /// Opens or creates the environment at `path` (a directory, created 0700 with any
    /// missing parents; files 0600) with the named databases, creating the databases that
    /// do not exist.
    public init(path: String, databases names: [String], options: Options = Options()) throws {
        try Environment.makeDirectory(path)
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: EINVAL, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            // A no-op when liblmdb is built with NDEBUG (its asserts are compiled out).
            _ = mdb_env_set_assert(env, AssertionHandler.forward)
            var flags = UInt32(MDB_NOTLS)
            if !options.durable { flags |= UInt32(MDB_NOSYNC) }
            try check(mdb_env_open(env, path, flags, 0o600), "mdb_env_open \(path)")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "mdb_reader_check")
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.maximumMapSize = options.maximumMapSize
        self.turns = WriterTurns(path: options.takesTurns ? path : nil)
        do {
            self.databases = try Environment.openDatabases(env, names, sets: options.sets)
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit { mdb_env_close(handle) }

    /// The handle of a database named when the environment was opened.
    public func database(_ name: String) -> Database {
        guard let db = databases[name] else { preconditionFailure("database \(name) was not opened") }
        return db
    }

    /// Writes a compacted copy of the environment (`mdb_env_copy2` with `MDB_CP_COMPACT`:
    /// a consistent snapshot, free pages left out) into the directory `path`, created
    /// 0700 if missing; it must not hold an environment already.
    public func copy(to path: String) throws {
        try Environment.makeDirectory(path)
        try check(mdb_env_copy2(handle, path, UInt32(MDB_CP_COMPACT)), "mdb_env_copy2 \(path)")
    }

    /// The current map size and last used page (`mdb_env_info`).
    public func info() -> (mapSize: Int, usedBytes: Int, lastTransaction: Int, pageSize: Int) {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return (info.me_mapsize, (info.me_last_pgno + 1) * Int(stat.ms_psize), info.me_last_txnid, Int(stat.ms_psize))
    }

    /// Flushes buffers to disk (`mdb_env_sync`), for environments opened without durability.
    public func sync() throws { try check(mdb_env_sync(handle, 1), "mdb_env_sync") }

    /// Creates `path` and its missing parents, each 0700, like `mkdir -p`.
    private static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        let failure = errno
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard failure == ENOENT, let slash = trimmed.lastIndex(of: "/"), slash != trimmed.startIndex else {
            throw LMDBError(code: failure, operation: "mkdir \(path)")
        }
        try makeDirectory(String(trimmed[..<slash]))
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw LMDBError(code: errno, operation: "mkdir \(path)")
        }
    }

    /// Opens the databases in a read transaction when they all exist, so a reader does not
    /// wait for the writer lock; creates them in one write transaction otherwise.
    private static func openDatabases(_ env: OpaquePointer, _ names: [String], sets: Set<String>) throws -> [String:
        Database]
    {
        for create in [false, true] {
            var txn: OpaquePointer?
            try check(mdb_txn_begin(env, nil, create ? 0 : UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
            var result: [String: Database] = [:]
            var missing = false
            for name in names {
                var dbi: MDB_dbi = 0
                let setFlags = sets.contains(name) ? UInt32(MDB_DUPSORT | MDB_DUPFIXED) : 0
                let rc = mdb_dbi_open(txn, name, (create ? UInt32(MDB_CREATE) : 0) | setFlags, &dbi)
                if rc == MDB_NOTFOUND && !create {
                    missing = true
                    break
                }
                if rc != MDB_SUCCESS {
                    mdb_txn_abort(txn)
                    throw LMDBError(code: rc, operation: "mdb_dbi_open \(name)")
                }
                result[name] = Database(dbi: dbi, name: name)
            }
            if missing {
                mdb_txn_abort(txn)
                continue
            }
            try check(mdb_txn_commit(txn), "mdb_txn_commit")
            return result
        }
        preconditionFailure("unreachable: the create pass returns or throws")
    }
}

extension Environment {
    /// Runs `body` in a read-only transaction and returns its result. The transaction and
    /// every buffer it lends end when `body` returns.
    ///
    /// Transactions are not nested: one begun inside another's `body` on the same thread
    /// works only while the map need not change size, since growing or adopting another
    /// process's size waits for every transaction of this process to end, the outer one
    /// included (the library begins none inside another).
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        mapLock.lockShared()
        defer { mapLock.unlock() }
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        let tx = ReadTransaction(txn)
        defer {
            tx.invalidate()
            mdb_txn_abort(txn)
        }
        return try body(tx)
    }

    /// Reads every page of `db`, in a read transaction of its own (LMDB invalidates a
    /// transaction that meets a damaged page), dropping its mapped pages every
    /// `releaseEvery` entries. Returns the error LMDB gives for a damaged page it meets
    /// (``LMDBError/isCorrupted``), or `nil` when the whole database reads; other errors
    /// are thrown.
    public func damage(in db: Database, releaseEvery: Int = Transaction.releaseInterval) throws -> LMDBError? {
        // LMDB keys its record of free pages by transaction id, a native integer
        // (`MDB_INTEGERKEY`), not by bytes: 255 comes before 256 there.
        let integerKeys = db.dbi == Database.freePages.dbi
        do {
            var disorder: LMDBError? = nil
            try read { tx in
                var n = 0
                // The previous row, where LMDB keeps it: the map stays valid for the
                // whole read transaction.
                var previousKey = UnsafeRawBufferPointer(start: nil, count: 0)
                var previousValue = UnsafeRawBufferPointer(start: nil, count: 0)
                try tx.withCursor(db) { c in
                    try c.scan { key, value in
                        // Rows come in key order (memcmp, then the values of a sorted
                        // set): a key changed in place by damage breaks the order, while the
                        // page still reads.
                        if n > 0 {
                            let ordered =
                                integerKeys
                                ? key.count == MemoryLayout<Int>.size && previousKey.count == MemoryLayout<Int>.size
                                    && previousKey.loadUnaligned(as: Int.self) < key.loadUnaligned(as: Int.self)
                                : previousKey.lexicographicallyPrecedes(key)
                                    || (previousKey.elementsEqual(key)
                                        && previousValue.lexicographicallyPrecedes(value))
                            if !ordered {
                                disorder = LMDBError(code: MDB_CORRUPTED, operation: "row \(n + 1) out of key order")
                                return false
                            }
                        }
                        previousKey = key
                        previousValue = value
                        n += 1
                        if n % releaseEvery == 0 { tx.releaseMappedPages() }
                        return true
                    }
                }
            }
            return disorder
        } catch let e as LMDBError where e.isCorrupted {
            return e
        }
    }

    /// Runs `body` in a write transaction, committing when it returns and aborting when it
    /// throws. If the map fills, the transaction is aborted, the map grown and `body` run
    /// again, so `body` must only change the database through `tx`. Not to be begun inside
    /// another transaction's `body` on the same thread (see ``read(_:)``).
    public func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        while true {
            switch try attemptWrite(body) {
            case .done(let result): return result
            case .mapFull: try growMap()
            }
        }
    }

    /// Lets the writers waiting for LMDB's write lock, in this process or others, take it
    /// before this thread's next write transaction (``WriterTurns``); returns at once when
    /// none waits. For a long run of write transactions, between two of them: LMDB alone
    /// would let the run take the lock again before a waiting writer wakes. Not to be called
    /// inside a transaction's `body`, where the waiting writers would wait for this one.
    public func letWaitingWritersIn() { turns.letWaitingWritersIn() }

    /// Runs `body`, which reads the environment and then writes, with this thread's turn
    /// held: it waits until LMDB's write lock is free, and from then until `body` returns a
    /// long run of transactions in another process stays paused between two of them
    /// (``letWaitingWritersIn()``), so what `body` read is still what it writes to, unless
    /// another short writer came first. For a writer whose plan went stale: without it, a
    /// plan made while a long run writes goes stale at every one of its commits.
    public func withTurn<R>(_ body: () throws -> R) throws -> R {
        try turns.waiting {
            // The lock, free: a long run in progress has ended its transaction and now
            // waits for this thread's turn to end.
            do {
                mapLock.lockShared()
                defer { mapLock.unlock() }
                mdb_txn_abort(try begin(flags: 0))
            }
            return try body()
        }
    }

    /// Called when a write waits for another process writing alone (an import), before
    /// it waits: a program tells its user why it stands still. Set it at start-up, on one
    /// thread, before any environment opens (``installWaitNotice(_:)``).
    nonisolated(unsafe) public private(set) static var waitNotice: (@Sendable () -> Void)? = nil

    /// Installs ``waitNotice``.
    public static func installWaitNotice(_ notice: @escaping @Sendable () -> Void) { waitNotice = notice }

    /// Runs `body` as the only writer of the environment (``WriterTurns``): the writers
    /// waiting now go first; writers that come later, in any process, wait until `body`
    /// returns before they begin a transaction. This environment's own writes in `body`, on
    /// any thread, do not wait. For a run whose writes must follow each other with nothing
    /// between (an import, whose positions are its file's). Readers are not held up.
    public func writingAlone<R>(_ body: () throws -> R) rethrows -> R { try turns.alone(body) }

    private enum WriteOutcome<R> {
        case done(R)
        case mapFull
    }

    private func attemptWrite<R>(_ body: (WriteTransaction) throws -> R) throws -> WriteOutcome<R> {
        mapLock.lockShared()
        defer { mapLock.unlock() }
        // Said to be waiting while it waits, so that a long run lets it in.
        let txn = try turns.waiting { try begin(flags: 0) }
        WriteInProgress.enter()
        defer { WriteInProgress.leave() }
        let tx = WriteTransaction(txn)
        let result: R
        do {
            result = try body(tx)
        } catch let error as LMDBError where error.isMapFull {
            tx.invalidate()
            mdb_txn_abort(txn)
            return .mapFull
        } catch {
            tx.invalidate()
            mdb_txn_abort(txn)
            throw error
        }
        tx.invalidate()
        let rc = mdb_txn_commit(txn)
        if rc == MDB_MAP_FULL { return .mapFull }
        try check(rc, "mdb_txn_commit")
        return .done(result)
    }

    /// Begins a transaction; the caller holds `mapLock` shared. When another process has
    /// grown the map, adopts its size and begins again.
    private func begin(flags: UInt32) throws -> OpaquePointer {
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, flags, &txn)
            if rc == MDB_MAP_RESIZED {
                // Resizing needs no transaction open in this process: trade the shared
                // hold for an exclusive one while adopting the size.
                mapLock.unlock()
                mapLock.lockExclusive()
                let adopt = mdb_env_set_mapsize(handle, 0)
                mapLock.unlock()
                mapLock.lockShared()
                try check(adopt, "mdb_env_set_mapsize")
                continue
            }
            try check(rc, "mdb_txn_begin")
            guard let txn else { throw LMDBError(code: EINVAL, operation: "mdb_txn_begin") }
            return txn
        }
    }

    private func growMap() throws {
        mapLock.lockExclusive()
        defer { mapLock.unlock() }
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        guard info.me_mapsize < maximumMapSize else {
            throw LMDBError(code: MDB_MAP_FULL, operation: "grow map beyond \(maximumMapSize) bytes")
        }
        let next = min(info.me_mapsize * 2, maximumMapSize)
        try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize")
    }
}
