import StrataLog

#if canImport(Glibc)
    import Glibc
#endif

/// The intelligence journal: records reports and corrections as events in the log, after
/// checking them against what the log already holds. One command is one transaction.
public final class Journal: Sendable {
    public let log: EventLog
    public let gazetteer: Gazetteer
    public let taxonomy: CommodityTaxonomy

    /// Runs in every recording transaction after its events are written, so read models
    /// commit with the events they fold.
    public typealias Projector = @Sendable (EventLog.WriteTransaction, [Envelope]) throws -> Void
    let projector: Projector?

    public init(
        log: EventLog, gazetteer: Gazetteer = .bundled, taxonomy: CommodityTaxonomy = .bundled,
        projector: Projector? = nil
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

    /// What a command's plan found: events to append (with what was accepted but probably
    /// not meant), or nothing to append and the outcome to report.
    enum Planned {
        case append([StreamAppend], warnings: [InputError] = [])
        case done(Outcome)
    }

    /// How many times a command is planned again when other processes keep appending
    /// between its plan and its write, before it gives up (exit 75, "try again").
    static let replans = 64

    /// Plans and appends one command's events as one transaction, turning the log's
    /// refusals into bad-input errors.
    ///
    /// `plan` checks the command against the journal and lays out its events; they are
    /// written only if nothing was appended since `plan` began reading. When another
    /// process appended first, the command is planned again against the journal as it now
    /// is, so two commands racing each other are judged as if they had run in turn (the
    /// second of two retractions of a claim is refused as already retracted, as it would
    /// be a minute later) — up to ``replans`` times, after which the log's
    /// ``LogError/logMoved(planned:now:)`` stands.
    func record(
        recordedAt: RecordTime?, by analyst: String, conflict: (EventID) -> InputError,
        plan: () throws -> Planned
    ) throws -> Outcome {
        func once() throws -> Outcome {
            let planned = try log.head().lastPosition
            let parts: [StreamAppend]
            let warnings: [InputError]
            switch try plan() {
            case .done(let outcome): return outcome
            case .append(let p, let w): (parts, warnings) = (p, w)
            }
            let r = try log.append(
                parts, recordedAt: recordedAt, recordedBy: analyst, planned: planned, alsoWrite: projector)
            return Outcome(
                appended: r.appended, unchanged: r.unchanged, positions: r.positions, recordedAt: r.recordedAt,
                warnings: warnings)
        }
        var attempt = 0
        while true {
            do {
                // Planned again with this process's turn at the write lock held: a long run
                // of transactions (an import, a rebuild) pauses between two of them until
                // this command is written, where it would otherwise commit during every
                // plan and keep the command out until the run ends.
                return try attempt == 0 ? once() : log.environment.withTurn(once)
            } catch LogError.logMoved where attempt + 1 < Journal.replans {
                attempt += 1
                // Writers that keep colliding step apart by a random few milliseconds.
                if attempt >= 3 { usleep(UInt32.random(in: 0...UInt32(min(attempt, 10) * 1000))) }
            } catch LogError.idConflict(let id, _) {
                throw conflict(id)
            } catch LogError.recordTimeBackwards(let requested, let last) {
                throw Journal.backwards(requested, last)
            } catch LogError.recordTimeInFuture(let requested, let clock) {
                throw Journal.ahead(requested, clock)
            }
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
            "\(requested.iso8601) is later than the clock (\(clock.iso8601)); --recorded-at back-fills: it may set record time back, never ahead"
        )
    }

    private static func backwards(_ requested: RecordTime, _ last: RecordTime) -> InputError {
        InputError(
            field: "--recorded-at",
            "\(requested.iso8601) is earlier than the journal's last record time \(last.iso8601); record time never goes backwards"
        )
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
