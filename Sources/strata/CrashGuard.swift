import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// LMDB trusts its pages: a data file damaged in its B-tree structure can make it fail one
/// of its own consistency checks (and abort), or fault while it follows a damaged page
/// pointer through the mapped file. Both are turned into the contract's message and exit 74
/// instead of an abort or a crash, for every command: LMDB's failed checks through
/// ``LMDB/AssertionHandler``, faults (`SIGSEGV`, `SIGBUS`) by a signal handler. Swift code
/// does not fault (it traps on its own errors, which stay crashes), so a fault in this
/// program is LMDB, or code reading what LMDB returned, on a damaged file. An abort
/// (`SIGABRT`) inside a write transaction is LMDB's heap corrupted by a damaged page (the
/// C library's `double free or corruption`) and is reported the same way; any other abort
/// goes on to the handler that was there before (Swift's backtracer).
enum CrashGuard {
    /// The `SIGABRT` action before ``install()``.
    nonisolated(unsafe) private static var previousAbort = sigaction()

    static func install() {
        AssertionHandler.install { message in
            CrashGuard.fail("the data file is damaged (LMDB: \(message.map { String(cString: $0) } ?? "failed check"))")
        }
        for sig in [SIGSEGV, SIGBUS] {
            signal(sig) { _ in
                // In a signal handler only `write` and `_exit` are safe: a static message,
                // nothing allocated (the fault may have been inside malloc).
                let message: StaticString = "error: journal corrupted: the data file is damaged beyond reading\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(Exit.ioError.rawValue)
            }
        }
        var abort = sigaction()
        abort.__sigaction_handler.sa_handler = { _ in
            if WriteInProgress.active {
                let message: StaticString =
                    "error: journal corrupted: LMDB aborted while writing, as it does on a damaged data file (run strata verify)\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(Exit.ioError.rawValue)
            }
            // Not LMDB's writing: restore the handler before, and abort through it.
            sigaction(SIGABRT, &CrashGuard.previousAbort, nil)
            raise(SIGABRT)
        }
        sigemptyset(&abort.sa_mask)
        sigaction(SIGABRT, &abort, &CrashGuard.previousAbort)
    }

    /// Writes `error: journal corrupted: DETAIL` and exits 74 at once, without cleanup:
    /// the process is inside LMDB.
    private static func fail(_ detail: String) -> Never {
        "error: journal corrupted: \(detail)\n".utf8CString.withUnsafeBufferPointer {
            _ = write(STDERR_FILENO, $0.baseAddress, $0.count - 1)
        }
        _exit(Exit.ioError.rawValue)
    }
}
