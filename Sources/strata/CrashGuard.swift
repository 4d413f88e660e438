#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// LMDB trusts its pages: a data file damaged in its B-tree structure can make it fault
/// while `verify` walks it. For `verify` only, a fault is turned into the contract's
/// message and exit 74 instead of a crash.
enum CrashGuard {
    static func install() {
        for sig in [SIGSEGV, SIGBUS] {
            signal(sig) { _ in
                let message = "error: journal corrupted: the data file is damaged beyond reading\n"
                message.utf8CString.withUnsafeBufferPointer { _ = write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
                _exit(74)
            }
        }
    }
}
