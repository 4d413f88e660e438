import CLMDB

/// An error from the LMDB library: its return code, the operation that failed and
/// LMDB's own message for the code.
public struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The return code of the LMDB call (an `MDB_*` code or an `errno` value).
    public let code: Int32
    /// The LMDB function or operation that failed, e.g. `mdb_put`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// LMDB's message for ``code`` (`mdb_strerror`).
    public var message: String { String(cString: mdb_strerror(code)) }

    public var description: String { "\(operation): \(message) (\(code))" }

    /// The environment's map is full (`MDB_MAP_FULL`); the environment grows it and retries.
    public var isMapFull: Bool { code == MDB_MAP_FULL }
    /// The data file is not an LMDB file or is corrupted.
    public var isCorrupted: Bool {
        code == MDB_CORRUPTED || code == MDB_INVALID || code == MDB_PAGE_NOTFOUND || code == MDB_BAD_TXN
            || code == MDB_VERSION_MISMATCH
    }
    /// The reader table is full (`MDB_READERS_FULL`), a temporary condition. (A
    /// transaction with too many dirty pages, `MDB_TXN_FULL`, fails the same way every
    /// time it is retried, so it is not.)
    public var isBusy: Bool { code == MDB_READERS_FULL }

    /// Matches an error against a code, so callers can `catch LMDBError.Code.mapFull`.
    public struct Code: Sendable, Equatable {
        public let rawValue: Int32
        public static let notFound = Code(rawValue: MDB_NOTFOUND)
        public static let keyExists = Code(rawValue: MDB_KEYEXIST)
        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        public static let invalid = Code(rawValue: MDB_INVALID)

        public static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? LMDBError)?.code == pattern.rawValue
        }
    }
}

/// Every LMDB call's return code goes through here, so errors are mapped in one place.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws {
    if rc != MDB_SUCCESS { throw LMDBError(code: rc, operation: operation()) }
}
