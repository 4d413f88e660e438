import Foundation
import LMDB

/// Events of the log read, decoded and transformed on a thread of its own, a chunk at a
/// time, while the caller works on the chunks before them: a fold of the whole log (a
/// rebuild of the read models) decodes on one core and writes on the other.
///
/// The reader reads in short read transactions of its own, from a position on, and stops
/// at the end of the log as it finds it: events committed after that are the caller's to
/// read. `@unchecked Sendable`: its state is the channel's, which holds a lock.
public final class ReadAhead<Value: Sendable>: @unchecked Sendable {
    /// One event: its position, and its transformed value (`nil` for an event of a family
    /// not asked for, which is not decoded).
    public struct Item: Sendable {
        public let position: Position
        public let value: Value?
    }

    private let channel: BatchChannel<Result<[Item], any Error>>
    private let finished = DispatchSemaphore(value: 0)
    private var stopped = false

    init(
        log: EventLog, after position: Position, families: EventFamilies, chunk: Int, depth: Int,
        transform: @escaping @Sendable (Envelope) throws -> Value
    ) {
        let channel = BatchChannel<Result<[Item], any Error>>(capacity: max(depth, 1))
        self.channel = channel
        let size = max(chunk, 1)
        let finished = self.finished
        let thread = Thread {
            var after = position
            var chunks = 0
            while true {
                var items: [Item] = []
                items.reserveCapacity(size)
                do {
                    try storage {
                        try log.environment.read { tx in
                            try log.read(in: tx, after: after, families: families) { p, e in
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
                    _ = channel.send(.failure(error))
                    break
                }
                guard let last = items.last else { break }
                after = last.position
                // A short chunk: the end of the log as this reader found it.
                guard channel.send(.success(items)), items.count == size else { break }
            }
            channel.close()
            finished.signal()
        }
        thread.start()
    }

    /// The next chunk of events, in position order, after those given before; `nil` at the
    /// end of what the reader found. Throws what reading or transforming an event threw.
    public func next() throws -> [Item]? {
        guard let result = channel.receive() else { return nil }
        return try result.get()
    }

    /// Stops the reader and waits for its thread to end (also done when it is released).
    public func cancel() {
        guard !stopped else { return }
        stopped = true
        channel.cancel()
        finished.wait()
    }

    deinit { cancel() }
}

extension EventLog {
    /// Reads the events after `position` on another thread, `chunk` at a time and up to
    /// `depth` chunks ahead of the caller, passing those of `families` through `transform`
    /// there (see ``ReadAhead``).
    public func readAhead<Value: Sendable>(
        after position: Position, families: EventFamilies, chunk: Int = 1_000, depth: Int = 4,
        _ transform: @escaping @Sendable (Envelope) throws -> Value
    ) -> ReadAhead<Value> {
        ReadAhead(log: self, after: position, families: families, chunk: chunk, depth: depth, transform: transform)
    }
}
