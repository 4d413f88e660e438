import ArgumentParser
import Foundation
import StrataDomain
import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// Removes a dry run's scratch journal when the process is interrupted (SIGINT, SIGTERM,
/// SIGHUP), where `defer` does not run: a copy of a large journal would stay in the
/// temporary directory. The handler only unlinks the two files LMDB makes and the
/// directory (async-signal-safe calls on paths prepared beforehand), then exits 130.
enum ScratchCleanup {
    nonisolated(unsafe) private static var paths: [UnsafeMutablePointer<CChar>] = []

    static func onSignal(removing directory: String) {
        let names: [String] = ["\(directory)/data.mdb", "\(directory)/lock.mdb", directory]
        paths = names.map { strdup($0)! }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { _ in
                for (i, p) in ScratchCleanup.paths.enumerated() {
                    if i < 2 { unlink(p) } else { rmdir(p) }
                }
                _exit(130)
            }
        }
    }
}
