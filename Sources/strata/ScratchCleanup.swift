import ArgumentParser
import Foundation
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
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
        files = names.map { strdup($0)! }
        self.directory = directory.map { strdup($0)! }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
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
}
