import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns at LMDB's write lock for the processes writing one environment.
///
/// LMDB's write lock is a mutex. A process that commits and at once begins again (a
/// rebuild or a catch-up: a transaction of 10,000 events after another) takes it again
/// before a process waiting for it has woken, more so on a loaded machine, and keeps the
/// waiting process out until its whole run ends: an append issued during a rebuild waited
/// for most of the rebuild, and two rebuilds started together seldom shared the work.
///
/// So writers say that they wait: a shared `flock` on the environment's directory, taken
/// before they begin a write transaction and released once they have begun it
/// (``waiting(_:)``). A long run calls ``letWaitingWritersIn()`` between its transactions:
/// an exclusive `flock` there is granted only when no writer holds the shared one, that is,
/// once every writer that was waiting has LMDB's lock; the run then begins its next
/// transaction after theirs. Each hold opens the directory anew, so it is an open file
/// description of its own and threads of one process queue like processes do.
///
/// A run that must be the only writer (an import, whose positions are the file's) holds
/// the exclusive `flock` from start to end (``alone(_:)``): other writers wait for it
/// before they begin.
///
/// Locks are released with their process, so a killed writer never blocks the others. When
/// the directory cannot be opened or locked (a file system without `flock`), writers go on
/// without turns, as LMDB alone would have them.
final class WriterTurns: Sendable {
    /// The environment's directory; `nil`, no turns are taken.
    let path: String?
    /// How many ``alone(_:)`` of this environment are running: its own writes must not
    /// wait for it.
    private let aloneDepth = Atomic<Int>(0)

    init(path: String?) { self.path = path }

    /// Runs `body` announced as a writer waiting for the lock: a long run of transactions
    /// pauses at its next transaction's end until `body` returns.
    func waiting<R>(_ body: () throws -> R) rethrows -> R {
        guard aloneDepth.load(ordering: .acquiring) == 0 else { return try body() }
        let fd = lock(LOCK_SH, noticing: true)
        defer { release(fd) }
        return try WriterTurns.$holding.withValue(true) { try body() }
    }

    /// Lets the writers waiting for LMDB's write lock take it before the caller's next
    /// transaction; returns at once when none waits. Does nothing inside ``alone(_:)``, or
    /// on a thread that is itself announced as waiting (inside ``waiting(_:)``): both would
    /// wait for themselves.
    func letWaitingWritersIn() {
        guard aloneDepth.load(ordering: .acquiring) == 0, !WriterTurns.holding, let fd = openDirectory() else { return }
        defer { close(fd) }
        // At once when none waits; else granted once every waiting writer has begun its
        // transaction.
        guard WriterTurns.taken(fd, LOCK_EX) == false else { return }
        // Refused. Waiting writers hold the shared lock, which a shared request of this
        // thread's passes at once; a run writing alone (an import, started during this
        // run) holds the exclusive one, which it does not: the wait is then that run's
        // whole length, so it is announced (``Environment/waitNotice``) as any writer's
        // is, and the run waits it out on the shared lock.
        release(lock(LOCK_SH, noticing: true))
        _ = WriterTurns.block(fd, LOCK_EX)
    }

    /// Runs `body` as the only writer of the environment: the writers waiting now go first;
    /// writers that come later, through this library in any process, wait until `body`
    /// returns before they begin. This environment's own writes in `body`, on any thread,
    /// do not wait.
    func alone<R>(_ body: () throws -> R) rethrows -> R {
        guard !WriterTurns.holding, aloneDepth.load(ordering: .acquiring) == 0 else { return try body() }
        let fd = lock(LOCK_EX)
        defer { release(fd) }
        aloneDepth.add(1, ordering: .releasing)
        defer { aloneDepth.subtract(1, ordering: .releasing) }
        return try body()
    }

    /// Whether this thread is inside ``waiting(_:)``.
    @TaskLocal private static var holding = false

    /// The directory opened and locked with `operation`, or -1 when either fails. With
    /// `noticing`, a shared lock that a writer alone keeps waiting (not a run's passing
    /// exclusive hold, which lasts microseconds) calls ``Environment/waitNotice`` first.
    private func lock(_ operation: Int32, noticing: Bool = false) -> Int32 {
        guard let fd = openDirectory() else { return -1 }
        if noticing, let notice = Environment.waitNotice {
            var taken = WriterTurns.taken(fd, operation)
            if taken == false {
                usleep(20_000)
                taken = WriterTurns.taken(fd, operation)
            }
            switch taken {
            case true?: return fd
            case false?: notice()
            case nil: break  // no flock here: `block` says so
            }
        }
        guard WriterTurns.block(fd, operation) else {
            close(fd)
            return -1
        }
        return fd
    }

    /// The directory opened for a lock of its own, or `nil` when there are no turns or it
    /// cannot be opened.
    private func openDirectory() -> Int32? {
        guard let path else { return nil }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Whether `operation` was taken on `fd` without waiting: `false` when another holder
    /// is in the way, `nil` when `flock` fails otherwise (a file system without it).
    private static func taken(_ fd: Int32, _ operation: Int32) -> Bool? {
        if flock(fd, operation | LOCK_NB) == 0 { return true }
        return errno == EWOULDBLOCK ? false : nil
    }

    /// Waits for `operation` on `fd`; `false` when `flock` fails (a file system without it).
    private static func block(_ fd: Int32, _ operation: Int32) -> Bool {
        while flock(fd, operation) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }

    /// Closing the descriptor releases its lock.
    private func release(_ fd: Int32) {
        if fd >= 0 { close(fd) }
    }
}
