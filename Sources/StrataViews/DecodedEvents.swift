import StrataLog

/// The events a fold takes from a ``ReadAhead`` decoding them on another thread, with what
/// the last transaction left of its chunk. Once it has nothing for the position a fold is
/// at (the reader found the end of the log, or another process moved the checkpoint), it
/// is exhausted and the fold reads the rest itself.
final class DecodedEvents {
    private let ahead: ReadAhead<StateEvent>
    private var pending: ArraySlice<ReadAhead<StateEvent>.Item> = []
    private(set) var exhausted = false

    init(_ log: EventLog, after position: Position) {
        ahead = log.readAhead(after: position, families: JournalState.families) { try StateEvent($0) }
    }

    /// The event after `position`, or `nil` when the reader has none to give for it.
    func next(after position: Position) throws -> ReadAhead<StateEvent>.Item? {
        guard !exhausted else { return nil }
        if pending.isEmpty {
            guard let chunk = try ahead.next() else {
                exhausted = true
                return nil
            }
            pending = chunk[...]
        }
        guard let item = pending.first, item.position == position.next else {
            exhausted = true
            ahead.cancel()
            return nil
        }
        pending = pending.dropFirst()
        return item
    }
}
