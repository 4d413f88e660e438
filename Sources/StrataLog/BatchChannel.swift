import Foundation

/// A bounded hand-off of values from one thread to another, so import can parse on one
/// core while the other writes to LMDB. `@unchecked Sendable` because every access to its
/// state holds `condition`'s lock.
final class BatchChannel<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Value] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room and enqueues `value`; returns `false` when the channel was closed.
    func send(_ value: Value) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        queue.append(value)
        condition.broadcast()
        return true
    }

    /// Waits for a value; `nil` once the channel is closed and drained.
    func receive() -> Value? {
        if case .value(let v) = receive(waitingUntil: nil) { return v }
        return nil
    }

    /// What ``receive(waitingUntil:)`` found.
    enum Received {
        case value(Value)
        /// The channel is closed and drained.
        case closed
        /// Nothing came by the deadline.
        case timedOut
    }

    /// Waits for a value until `deadline` (`nil`: as long as it takes).
    func receive(waitingUntil deadline: Date?) -> Received {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed {
            if let deadline {
                if !condition.wait(until: deadline) && queue.isEmpty && !closed { return .timedOut }
            } else {
                condition.wait()
            }
        }
        guard !queue.isEmpty else { return .closed }
        let value = queue.removeFirst()
        condition.broadcast()
        return .value(value)
    }

    /// No more values will be sent; pending ones may still be received.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Closes and drops what is queued: the receiver gave up.
    func cancel() {
        condition.lock()
        closed = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
