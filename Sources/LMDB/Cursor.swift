import CLMDB

/// A cursor over one database, alive only inside `Transaction.withCursor`.
///
/// Stepping methods return copies of the entry; ``scan(from:reverse:_:)`` lends the bytes
/// to a closure without copying, for long scans.
public final class Cursor {
    private let handle: OpaquePointer
    private let db: Database
    private var live = true

    init(_ handle: OpaquePointer, db: Database) {
        self.handle = handle
        self.db = db
    }

    func invalidate() { live = false }

    /// A copied key and value.
    public struct Entry: Sendable, Equatable {
        public let key: [UInt8]
        public let value: [UInt8]
    }

    /// The first entry.
    public func first() throws -> Entry? { try step(MDB_FIRST) }
    /// The last entry.
    public func last() throws -> Entry? { try step(MDB_LAST) }
    /// The entry after the current one.
    public func next() throws -> Entry? { try step(MDB_NEXT) }
    /// The entry before the current one.
    public func prev() throws -> Entry? { try step(MDB_PREV) }

    /// The first entry whose key is `>= key` (`MDB_SET_RANGE`).
    public func seek(atLeast key: [UInt8]) throws -> Entry? {
        // LMDB refuses an empty key; every key is at least the empty one.
        if key.isEmpty { return try first() }
        return try key.withUnsafeBytes {
            try position(MDB_SET_RANGE, key: $0) { k, v in Entry(key: Array(k), value: Array(v)) }
        }
    }

    /// The last entry whose key is `<= key`.
    public func seek(atMost key: [UInt8]) throws -> Entry? {
        if let e = try seek(atLeast: key) {
            if e.key == key { return e }
            return try prev()
        }
        return try last()
    }

    /// Lends each entry from the first key `>= from` (or the first entry) onwards to
    /// `body`, in key order or, with `reverse`, from the last key `<= from` backwards,
    /// until `body` returns `false`. The buffers are valid only during the call.
    public func scan(
        from key: [UInt8]? = nil, reverse: Bool = false,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        precondition(live, "an LMDB cursor was used after its closure returned")
        let stepOp = reverse ? MDB_PREV : MDB_NEXT
        var started: Bool
        if reverse, key?.isEmpty == true { return }  // nothing sorts before the empty key
        if let key, !key.isEmpty {
            if reverse {
                guard let start = try seek(atMost: key) else { return }
                started = try start.key.withUnsafeBytes { k in
                    try start.value.withUnsafeBytes { v in try body(k, v) }
                }
            } else {
                started = try key.withUnsafeBytes { k in
                    try position(MDB_SET_RANGE, key: k) { k, v in try body(k, v) } ?? false
                }
            }
        } else {
            started = try position(reverse ? MDB_LAST : MDB_FIRST, key: nil) { k, v in try body(k, v) } ?? false
        }
        while started {
            started = try position(stepOp, key: nil) { k, v in try body(k, v) } ?? false
        }
    }

    /// Where ``member(_:_:)`` moves in a set database (see ``Environment/Options/sets``).
    public enum MemberMove {
        /// The first value under a key (`MDB_SET_KEY`).
        case first(key: [UInt8])
        /// The last value under a key (`MDB_SET_KEY`, then `MDB_LAST_DUP`).
        case last(key: [UInt8])
        /// The first value `>= value` under a key (`MDB_GET_BOTH_RANGE`).
        case atLeast(key: [UInt8], value: [UInt8])
        /// The next value under the current key (`MDB_NEXT_DUP`).
        case next
        /// The previous value under the current key (`MDB_PREV_DUP`).
        case previous
    }

    /// Moves within the values of one key of a set database and lends the value reached to
    /// `body`; `nil` when there is none (the key is absent, or its values end).
    public func member<R>(_ move: MemberMove, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        precondition(live, "an LMDB cursor was used after its closure returned")
        func get(_ op: MDB_cursor_op, _ key: [UInt8], _ value: [UInt8]) throws -> UnsafeRawBufferPointer? {
            try key.withUnsafeBytes { kb in
                try value.withUnsafeBytes { vb in
                    var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                    var v = MDB_val(mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress))
                    let rc = mdb_cursor_get(handle, &k, &v, op)
                    if rc == MDB_NOTFOUND { return nil }
                    try check(rc, "mdb_cursor_get \(db.name)")
                    // The value lives in the map, not in `value`: it outlives this closure.
                    return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
                }
            }
        }
        let found: UnsafeRawBufferPointer?
        switch move {
        case .first(let key), .last(let key):
            guard !key.isEmpty, let first = try get(MDB_SET_KEY, key, []) else { return nil }  // LMDB refuses an empty key
            if case .last = move { found = try get(MDB_LAST_DUP, [], []) } else { found = first }
        case .atLeast(let key, let value):
            guard !key.isEmpty else { return nil }
            found = try get(MDB_GET_BOTH_RANGE, key, value)
        case .next: found = try get(MDB_NEXT_DUP, [], [])
        case .previous: found = try get(MDB_PREV_DUP, [], [])
        }
        return try found.map(body)
    }

    private func step(_ op: MDB_cursor_op) throws -> Entry? {
        try position(op, key: nil) { k, v in Entry(key: Array(k), value: Array(v)) }
    }

    private func position<R>(
        _ op: MDB_cursor_op, key: UnsafeRawBufferPointer?,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        precondition(live, "an LMDB cursor was used after its closure returned")
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get \(db.name)")
        return try body(
            UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }
}
