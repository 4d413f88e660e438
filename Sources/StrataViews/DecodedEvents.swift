import Foundation
import StrataLog

/// The events a fold takes from a ``ReadAhead`` decoding them on another thread, in
/// order, with what it has received and not yet given.
///
/// It gives the event after the position the fold is at, or `nil`, and the fold then
/// reads what it needs itself: `nil` when the reader has ended (``exhausted``), and, with
/// a `patience`, when nothing came in that time. A fold inside a write transaction must
/// have a patience: the reader may be waiting for the map lock its transaction holds (see
/// ``ReadAhead``). When the reader is not where the fold is — behind it, after a batch the
/// fold read itself, or ahead of it, after a write transaction ran again from its
/// checkpoint (the map grew) or another process moved the checkpoint — it starts a new
/// reader from the fold's position.
final class DecodedEvents {
    typealias Item = ReadAhead<StateEvent>.Item

    private let log: EventLog
    private let last: Position?
    private let patience: TimeInterval?
    private var ahead: ReadAhead<StateEvent>
    private var pending: ArraySlice<Item> = []
    private(set) var exhausted = false

    /// Events after `position`, up to `last` if given; `patience`: how long ``next(after:)``
    /// waits for the reader (`nil`: as long as it takes).
    init(_ log: EventLog, after position: Position, through last: Position? = nil, patience: TimeInterval? = nil) {
        self.log = log
        self.last = last
        self.patience = patience
        ahead = DecodedEvents.reader(log, after: position, through: last)
    }

    private static func reader(_ log: EventLog, after position: Position, through last: Position?) -> ReadAhead<
        StateEvent
    > {
        log.readAhead(after: position, through: last, families: JournalState.families) { try StateEvent($0) }
    }

    /// Calls `body` with each event after `position` up to `last`, in order: those the
    /// reader gives, then the rest read here (events committed after the reader found the
    /// end). For folds outside a write transaction; `last` must not be past the log's head.
    func forEach(after position: Position, through last: Position, _ body: (StateEvent) throws -> Void) throws {
        var at = position
        while at < last, let item = try next(after: at) {
            if let e = item.value { try body(e) }
            at = item.position
        }
        guard at < last else { return }
        try log.read(after: at, limit: Int(last.rawValue - at.rawValue), families: JournalState.families) { e in
            try body(try StateEvent(e))
            return true
        }
    }

    /// The event after `position`, or `nil` when the reader has none to give for it now.
    func next(after position: Position) throws -> Item? {
        var restarted = false
        while !exhausted {
            while let first = pending.first, first.position <= position { pending = pending.dropFirst() }
            if let first = pending.first {
                if first.position == position.next {
                    pending = pending.dropFirst()
                    return first
                }
            } else {
                switch try ahead.next(waitingUntil: patience.map { Date(timeIntervalSinceNow: $0) }) {
                case .items(let chunk):
                    pending = chunk[...]
                    // Behind the fold by more than this chunk: start again where it is.
                    guard let end = chunk.last, end.position <= position else { continue }
                case .end:
                    exhausted = true
                    return nil
                case .timedOut:
                    return nil
                }
            }
            // The reader is not where the fold is: one new reader from the fold's position.
            guard !restarted else { return nil }
            restarted = true
            ahead.cancel()
            pending = []
            ahead = DecodedEvents.reader(log, after: position, through: last)
        }
        return nil
    }
}
