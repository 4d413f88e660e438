import LMDB

/// Everything the event log refuses or fails at.
public enum LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream's version is not what the writer expected: someone else wrote first.
    case wrongExpectedVersion(stream: StreamID, expected: ExpectedVersion, actual: UInt64)
    /// Events were appended after the position a command was planned at (another writer
    /// came first); the command should be checked again against the log as it now is.
    case logMoved(planned: Position, now: Position)
    /// An event with this id is already in the log with other content.
    case idConflict(id: EventID, position: Position)
    /// The requested record time is earlier than the last one in the log.
    case recordTimeBackwards(requested: RecordTime, last: RecordTime)
    /// The requested record time is later than the clock (beyond ``EventLog/clockSkew``).
    case recordTimeInFuture(requested: RecordTime, clock: RecordTime)
    /// The same event id appears twice in one append.
    case duplicateIDInBatch(EventID)
    /// A stored event or index is damaged.
    case corrupted(position: Position?, reason: String)
    /// A line of an NDJSON import is invalid or does not fit the journal.
    case importRejected(line: Int, field: String?, reason: String)
    /// The storage layer failed.
    case storage(LMDBError)

    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            return "stream \(stream): expected \(expected), but it is at version \(actual)"
        case .logMoved(let planned, let now):
            return
                "the journal changed while the command was checked (position \(planned) → \(now)): another process appended; try again"
        case .idConflict(let id, let position):
            return "event \(id) is already recorded at position \(position) with other content"
        case .recordTimeBackwards(let requested, let last):
            return "record time \(requested) is earlier than the journal's last record time \(last)"
        case .recordTimeInFuture(let requested, let clock):
            return
                "record time \(requested) is later than the clock (\(clock)); it may be set back for back-filling, and at most \(EventLog.clockSkew / 60_000_000) minutes ahead (another machine's clock)"
        case .duplicateIDInBatch(let id):
            return "event id \(id) appears twice in one append"
        case .corrupted(let position, let reason):
            return position.map { "position \($0): \(reason)" } ?? reason
        case .importRejected(_, _, let reason):
            return reason
        case .storage(let error):
            return "storage: \(error)"
        }
    }
}

/// Runs `body`, turning LMDB's errors into ``LogError/storage(_:)``.
@inline(__always)
func storage<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as LMDBError {
        throw error.isCorrupted ? LogError.corrupted(position: nil, reason: error.description) : LogError.storage(error)
    }
}
