#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Removes scratch files when the process is interrupted (SIGINT, SIGTERM, SIGHUP), where
/// `defer` does not run: a dry run's copy of a large journal would stay in the temporary
/// directory, an export's partial file beside its output. The handler only unlinks files
/// and removes a directory (async-signal-safe calls on paths prepared beforehand), then
/// exits as the signal would have (128 + its number).
enum ScratchCleanup {
    nonisolated(unsafe) private static var files: [UnsafeMutablePointer<CChar>] = []
    nonisolated(unsafe) private static var directory: UnsafeMutablePointer<CChar>? = nil

    /// A scratch journal: the two files LMDB makes and its directory.
    static func onSignal(removing directory: String) {
        onSignal(removingFiles: ["\(directory)/data.mdb", "\(directory)/lock.mdb"], directory: directory)
    }

    static func onSignal(removingFiles names: [String], directory: String? = nil) {
        // The handler reads the paths: they change while the signals wait, and the ones
        // they replace are freed.
        var blocked = sigset_t()
        var previousMask = sigset_t()
        sigemptyset(&blocked)
        for sig in handled { sigaddset(&blocked, sig) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        for p in files { free(p) }
        if let d = self.directory { free(d) }
        files = names.compactMap { strdup($0) }
        self.directory = directory.flatMap { strdup($0) }
        for sig in handled {
            let previous = signal(sig) { sig in
                for p in ScratchCleanup.files { unlink(p) }
                if let d = ScratchCleanup.directory { rmdir(d) }
                _exit(128 + sig)
            }
            // A signal the caller ignores (`nohup` ignores SIGHUP) stays ignored.
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(sig, previous)
            }
        }
    }

    private static let handled = [SIGINT, SIGTERM, SIGHUP]
}
