import Foundation
import LMDB
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Turns at LMDB's write lock: a long run of write transactions lets a waiting writer in at
/// its next commit, keeps still while a writer holds its turn, and a writer alone lets its
/// own threads write. Threads of one process queue as processes do (each hold is an open
/// file description of its own); the CLI tests show it between processes.
@Suite("LMDB writer turns")
struct WriterTurnsTests {
    /// Transactions in the run; each holds the lock 20 ms.
    private static let transactions = 40

    private final class Shared: Sendable {
        /// How many of the run's transactions have committed.
        let committed = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
    }

    private static func number(_ bytes: [UInt8]?) -> Int {
        guard let bytes, bytes.count == 8 else { return -1 }
        return bytes.withUnsafeBytes { Int(littleEndian: $0.loadUnaligned(as: Int.self)) }
    }

    private static func bytes(_ n: Int) -> [UInt8] { withUnsafeBytes(of: n.littleEndian) { Array($0) } }

    /// Runs `body` while a thread commits ``transactions`` transactions, each storing its
    /// number under key `run` and holding the lock 20 ms, and calls `letWaitingWritersIn()`
    /// between them as a rebuild does. `body` starts once three have committed; the run is
    /// waited for before this returns.
    private func whileARunWrites(_ body: (Environment, Database, Shared) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.path + "/env", databases: ["a"])
        let db = env.database("a")
        let shared = Shared()
        let run = Thread {
            for i in 1...WriterTurnsTests.transactions {
                try? env.write { tx in
                    try tx.put(db, key: Array("run".utf8), value: WriterTurnsTests.bytes(i))
                    usleep(20_000)
                }
                shared.committed.store(i, ordering: .sequentiallyConsistent)
                env.letWaitingWritersIn()
            }
            shared.finished.store(true, ordering: .sequentiallyConsistent)
        }
        run.start()
        while shared.committed.load(ordering: .sequentiallyConsistent) < 3 { usleep(1_000) }
        try body(env, db, shared)
        while !shared.finished.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
        let last = try env.read { tx in WriterTurnsTests.number(try tx.value(db, key: Array("run".utf8))) }
        #expect(last == WriterTurnsTests.transactions, "the run did not finish its transactions")
    }

    @Test("a writer that waits for the lock during a run of transactions gets it at the run's next commit")
    func waitingWriterGoesNext() throws {
        try whileARunWrites { env, db, shared in
            let before = shared.committed.load(ordering: .sequentiallyConsistent)
            // The run's transaction in progress when this writer began waiting, and at most
            // the one it began before this writer announced itself, come first.
            let seen = try env.write { tx in WriterTurnsTests.number(try tx.value(db, key: Array("run".utf8))) }
            #expect(
                seen <= before + 2,
                "the writer waited for \(seen - before) of the run's transactions (\(WriterTurnsTests.transactions) in all)"
            )
        }
    }

    @Test("while a writer holds its turn, reading and then writing, the run does not commit")
    func turnHoldsTheRun() throws {
        try whileARunWrites { env, db, _ in
            let (first, second) = try env.withTurn { () throws -> (Int, Int) in
                let read = { try env.read { tx in WriterTurnsTests.number(try tx.value(db, key: Array("run".utf8))) } }
                let first = try read()
                // As long as seven of the run's transactions.
                usleep(150_000)
                let second = try read()
                try env.write { tx in try tx.put(db, key: Array("turn".utf8), value: WriterTurnsTests.bytes(first)) }
                return (first, second)
            }
            #expect(first == second, "the run committed \(second - first) transactions during the turn")
            #expect(first < WriterTurnsTests.transactions)
        }
    }

    @Test("a writer alone writes from its other threads, and a run's pauses inside it do not wait for it")
    func aloneWritesFromItsThreads() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.path + "/env", databases: ["a"])
        let db = env.database("a")
        let done = Shared()
        try env.writingAlone {
            // As an import writes: on a thread of its own, committing batch after batch.
            let writer = Thread {
                for i in 1...5 {
                    try? env.write { tx in try tx.put(db, key: Array("alone".utf8), value: WriterTurnsTests.bytes(i)) }
                    env.letWaitingWritersIn()
                    done.committed.store(i, ordering: .sequentiallyConsistent)
                }
                done.finished.store(true, ordering: .sequentiallyConsistent)
            }
            writer.start()
            let start = ContinuousClock.now
            while !done.finished.load(ordering: .sequentiallyConsistent), ContinuousClock.now - start < .seconds(30) {
                usleep(1_000)
            }
            #expect(done.committed.load(ordering: .sequentiallyConsistent) == 5, "the writer's thread was held up")
            // A turn taken inside does not wait for the writer alone either.
            try env.withTurn { try env.write { tx in try tx.put(db, key: Array("turn".utf8), value: [1]) } }
        }
        let stored = try env.read { tx in WriterTurnsTests.number(try tx.value(db, key: Array("alone".utf8))) }
        #expect(stored == 5)
    }
}
