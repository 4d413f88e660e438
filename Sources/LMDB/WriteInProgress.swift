import Synchronization

/// Whether this process is inside a write transaction's LMDB work (from `mdb_txn_begin`
/// to its commit or abort), for a program's `SIGABRT` handler: LMDB that follows a damaged
/// page while writing can corrupt its own heap (a free list naming a page twice), and the C
/// library then aborts the process, where a program would rather report the damage. A
/// lock-free atomic load, so a signal handler may read it.
public enum WriteInProgress {
    private static let depth = Atomic<Int>(0)

    public static var active: Bool { depth.load(ordering: .relaxed) > 0 }

    static func enter() { depth.add(1, ordering: .relaxed) }
    static func leave() { depth.subtract(1, ordering: .relaxed) }
}
