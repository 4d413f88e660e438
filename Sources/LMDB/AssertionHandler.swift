import CLMDB

/// What happens when one of LMDB's own consistency checks fails, as it can when a data
/// file's B-tree pages are damaged: LMDB calls the handler with its message, then prints
/// the message and aborts the process. A handler that ends the process itself (`_exit`)
/// replaces the abort, so a program can report damage its own way.
///
/// Set it once, before environments are opened; every environment opened afterwards calls
/// it. (LMDB takes a C function, which cannot capture anything: hence one handler for the
/// process.)
public enum AssertionHandler {
    public typealias Handler = @convention(c) (UnsafePointer<CChar>?) -> Void

    nonisolated(unsafe) public private(set) static var handler: Handler? = nil

    /// Installs `handler`. Call it at start-up, on one thread, before any environment opens.
    public static func install(_ handler: @escaping Handler) { AssertionHandler.handler = handler }

    /// Passed to `mdb_env_set_assert` for every environment.
    static let forward: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { _, message in
        AssertionHandler.handler?(message)
    }
}
