import Foundation
import LMDB

/// Events of the log read, decoded and transformed on a thread of its own, a chunk at a
/// time, while the caller works on the chunks before them: a fold of the whole log (a
/// rebuild of the read models) decodes on one core and writes on the other.
///
/// The reader reads in short read transactions of its own, from a position on, up to a
/// last position if given, and stops at the end of the log as it finds it: events
/// committed after that are the caller's to read. An event it cannot read or transform
/// ends it: the events before it come first, then the error.
///
/// A caller inside a write transaction must not wait on it unboundedly (see
/// ``next(waitingUntil:)``): the reader may be waiting for this process's map lock,
/// which the write transaction holds shared, to adopt a map another process grew.
/// `@unchecked Sendable`: its state is the channel's, which holds a lock.
public final class ReadAhead<Value: Sendable>: @unchecked Sendable {
    /// One event: its position, and its transformed value (`nil` for an event of a family
    /// not asked for, which is not decoded).
    public struct Item: Sendable {
        public let position: Position
        public let value: Value?
    }

    /// What ``next(waitingUntil:)`` found.
    public enum Next {
        /// The next events, in position order, after those given before.
        case items([Item])
        /// The reader has nothing more: it reached its last position or the end of the log.
        case end
        /// Nothing came by the deadline.
        case timedOut
    }

    private let channel: BatchChannel<Result<[Item], any Error>>

    init(
        log: EventLog, after position: Position, through last: Position?, families: EventFamilies, chunk: Int,
        depth: Int, transform: @escaping @Sendable (Envelope) throws -> Value
    ) {
        let channel = BatchChannel<Result<[Item], any Error>>(capacity: max(depth, 1))
        self.channel = channel
        let size = max(chunk, 1)
        // The thread holds the log (and so its environment) until it ends.
        let thread = Thread {
            var after = position
            var chunks = 0
            while last.map({ after < $0 }) ?? true {
                var items: [Item] = []
                items.reserveCapacity(size)
                var failure: (any Error)? = nil
                do {
                    try storage {
                        try log.environment.read { tx in
                            try log.read(in: tx, after: after, families: families) { p, e in
                                if let last, p > last { return false }
                                items.append(Item(position: p, value: try e.map(transform)))
                                return items.count < size
                            }
                            // A pass over the whole log: keep only recent pages mapped, as a
                            // fold does (see `releaseMappedPages`).
                            chunks += 1
                            if chunks % 2 == 0 { tx.releaseMappedPages() }
                        }
                    }
                } catch {
                    failure = error
                }
                // The events before a failure are the caller's, then the failure.
                if !items.isEmpty, !channel.send(.success(items)) { break }
                if let failure {
                    _ = channel.send(.failure(failure))
                    break
                }
                guard let end = items.last else { break }
                after = end.position
                // A short chunk: the end of the log as this reader found it.
                guard items.count == size else { break }
            }
            channel.close()
        }
        thread.start()
    }

    /// The next chunk of events, waiting until `deadline` (`nil`: as long as it takes).
    /// Throws what reading or transforming an event threw (after the events before it).
    public func next(waitingUntil deadline: Date? = nil) throws -> Next {
        switch channel.receive(waitingUntil: deadline) {
        case .value(let result): return .items(try result.get())
        case .closed: return .end
        case .timedOut: return .timedOut
        }
    }

    /// Stops the reader (also done when it is released): it ends at its next chunk, or at
    /// once if it is waiting to hand one over. Does not wait for it, so that a caller in a
    /// write transaction never waits on a reader that waits on that transaction.
    public func cancel() { channel.cancel() }

    deinit { cancel() }
}

extension EventLog {
    /// Reads the events after `position` (up to `last`, if given) on another thread,
    /// `chunk` at a time and up to `depth` chunks ahead of the caller, passing those of
    /// `families` through `transform` there (see ``ReadAhead``).
    public func readAhead<Value: Sendable>(
        after position: Position, through last: Position? = nil, families: EventFamilies, chunk: Int = 1_000,
        depth: Int = 4, _ transform: @escaping @Sendable (Envelope) throws -> Value
    ) -> ReadAhead<Value> {
        ReadAhead(
            log: self, after: position, through: last, families: families, chunk: chunk, depth: depth,
            transform: transform)
    }
}
