import LMDB
import StrataLog

/// The intelligence journal: records reports and corrections as events in the log, after
/// checking them against what the log already holds. One command is one transaction.
public final class Journal: Sendable {
    public let log: EventLog
    public let gazetteer: Gazetteer
    public let taxonomy: CommodityTaxonomy

    /// Runs in every recording transaction after its events are written, so read models
    /// commit with the events they fold.
    public typealias Projector = @Sendable (WriteTransaction, [Envelope]) throws -> Void
    let projector: Projector?

    public init(
        log: EventLog, gazetteer: Gazetteer = .bundled, taxonomy: CommodityTaxonomy = .bundled, projector: Projector? = nil
    ) {
        self.log = log
        self.projector = projector
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
    }

    /// What a recording command did.
    public struct Outcome: Sendable, Equatable {
        /// Events appended (0: everything was already recorded).
        public let appended: Int
        /// Events that were already in the journal.
        public let unchanged: Int
        /// Where the new events are.
        public let positions: ClosedRange<Position>?
        public let recordedAt: RecordTime
        /// What was accepted but probably not meant (see ``ReportPlan/warnings``).
        public var warnings: [InputError] = []
    }

    /// Appends one command's events, turning the log's refusals into bad-input errors.
    func record(
        _ parts: [StreamAppend], recordedAt: RecordTime?, by analyst: String,
        conflict: (EventID) -> InputError
    ) throws -> Outcome {
        do {
            let r = try log.append(parts, recordedAt: recordedAt, recordedBy: analyst, alsoWrite: projector)
            return Outcome(appended: r.appended, unchanged: r.unchanged, positions: r.positions, recordedAt: r.recordedAt)
        } catch LogError.idConflict(let id, _) {
            throw conflict(id)
        } catch LogError.recordTimeBackwards(let requested, let last) {
            throw Journal.backwards(requested, last)
        } catch LogError.recordTimeInFuture(let requested, let clock) {
            throw Journal.ahead(requested, clock)
        }
    }

    /// Throws what an append at `requested` would: the journal's record time never goes
    /// backwards, nor ahead of the clock. For dry runs, which write nothing.
    public func checkRecordTime(_ requested: RecordTime?) throws {
        guard let requested else { return }
        if let last = try log.head().lastRecordedAt, requested < last {
            throw Journal.backwards(requested, last)
        }
        do {
            try log.checkNotAhead(requested)
        } catch LogError.recordTimeInFuture(let requested, let clock) {
            throw Journal.ahead(requested, clock)
        }
    }

    private static func ahead(_ requested: RecordTime, _ clock: RecordTime) -> InputError {
        InputError(
            field: "--recorded-at",
            "\(requested.iso8601) is later than the clock (\(clock.iso8601)); --recorded-at back-fills: it may set record time back, never ahead")
    }

    private static func backwards(_ requested: RecordTime, _ last: RecordTime) -> InputError {
        InputError(
            field: "--recorded-at",
            "\(requested.iso8601) is earlier than the journal's last record time \(last.iso8601); record time never goes backwards")
    }

    /// Whether a stream has any event.
    func exists(_ stream: StreamID) throws -> Bool { try log.streamVersion(stream) > 0 }

    /// A source's registration, or `nil` when it is not in the journal.
    public func registration(of source: SourceID) throws -> SourceRegistered? {
        guard let first = try log.stream(Streams.source(source)).first else { return nil }
        return try SourceRegistered(payload: first.payload, type: first.type)
    }

    /// A claim and its history, or `nil` when it is not in the journal.
    public func claim(_ id: ClaimID) throws -> ClaimRecord? { try ClaimRecord.load(id, from: log) }

    /// The report-filed event of a report, or `nil`.
    public func report(_ id: ReportID) throws -> ReportFiled? {
        guard let first = try log.stream(Streams.report(id)).first else { return nil }
        return try ReportFiled(payload: first.payload, type: first.type)
    }
}
