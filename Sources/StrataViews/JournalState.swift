import StrataDomain
import StrataLog

/// What the journal knew at one position: every claim as it then stood, the reports,
/// the sources' grades, the links and aliases in force. A fold of the log's events, in
/// order, optionally leaving out claims and corrections from reports published after a
/// given time.
public struct JournalState: Sendable, Equatable {
    /// A claim as the journal holds it at the view: its current fields, whether it is
    /// retracted, and where it was recorded.
    public struct Claim: Sendable, Equatable {
        public let id: ClaimID
        /// The fields, in a box shared by copies until one of them changes its fields: a
        /// claim is copied into lists, clusters and sorts, and its fields are most of its
        /// size (copying them inline moved about 400 bytes a claim each time).
        private var box: FieldsBox
        public var fields: ClaimFields {
            _read { yield box.fields }
            _modify {
                if !isKnownUniquelyReferenced(&box) { box = FieldsBox(box.fields) }
                yield &box.fields
            }
        }
        public var retracted = false
        /// When the claim was first recorded, and where.
        public let recordedAt: RecordTime
        public let position: Position
        /// Where its current version was recorded (its assertion or latest correction).
        public var changed: Position
        /// The outlet of the report that made it (reports are never changed), kept with the
        /// claim so that listing claims needs no read of their reports.
        public let outlet: String?
        /// The outlet's source id as the report recorded it: a claim whose source it is
        /// speaks in the outlet's own voice (see ``Shipments/independentSources(_:_:)``).
        public let outletSource: SourceID?

        public init(
            id: ClaimID, fields: ClaimFields, retracted: Bool = false, recordedAt: RecordTime, position: Position,
            changed: Position, outlet: String?, outletSource: SourceID?
        ) {
            self.id = id
            self.box = FieldsBox(fields)
            self.retracted = retracted
            self.recordedAt = recordedAt
            self.position = position
            self.changed = changed
            self.outlet = outlet
            self.outletSource = outletSource
        }

        /// Never changed while shared (see ``fields``), so it may cross threads. Equal when
        /// the fields are, so that claims compare by value (`Equatable` is synthesized).
        private final class FieldsBox: @unchecked Sendable, Equatable {
            var fields: ClaimFields
            init(_ fields: ClaimFields) { self.fields = fields }
            static func == (a: FieldsBox, b: FieldsBox) -> Bool { a === b || a.fields == b.fields }
        }
    }

    /// A link in force between two claims, the way round it was made (for `part-of`,
    /// `claim` is part of `other`).
    public struct Link: Hashable, Sendable {
        public let claim: ClaimID
        public let other: ClaimID
        public let relation: Relation
    }

    public internal(set) var claims: [ClaimID: Claim] = [:]
    public internal(set) var reports: [ReportID: ReportFiled] = [:]
    public internal(set) var sources: [SourceID: SourceRegistered] = [:]
    public internal(set) var grades: [SourceID: Reliability] = [:]
    public internal(set) var links: Set<Link> = []
    public internal(set) var aliases: [EntityKind: [NameKey: String]] = [:]
    /// Grades a report gave (``SourceRegistered/report``, ``SourceRated/report``) that a
    /// `--published-by` fold met before the report's own event (a report's sources come
    /// first in its command), by report: given once the report is filed and admitted.
    private var gradesAwaitingReport: [ReportID: [SourceID: Reliability]] = [:]
    /// How each commodity and place name was first written (see ``Spellings``).
    public internal(set) var spellings = Spellings()
    /// Whether ``apply(_:publishedBy:)`` notes spellings: the stored state's writer keeps
    /// its own, read from the table of names, and leaves them out of its scratch state.
    var notesSpellings = true
    /// The last position folded.
    public internal(set) var position = Position.zero

    /// The position a view stands at: the log's head, or earlier by `--at-position` and
    /// `--as-of`.
    static func position(of view: View, in log: EventLog) throws -> Position {
        var limit = try log.head().lastPosition
        if let p = view.atPosition { limit = min(limit, p) }
        if let t = view.asOf { limit = min(limit, try log.position(asOf: t)) }
        return limit
    }

    /// Folds the log's events up to `view`'s position: the reference every stored read
    /// model must equal, and how `--published-by` views are answered (costs one read of
    /// the log up to that position).
    public static func fold(_ log: EventLog, view: View) throws -> (JournalState, ViewPoint) {
        let limit = try position(of: view, in: log)
        var state = try JournalState(roomFor: log)
        // Decoded on another thread while this one folds, up to the view's position only
        // (an event after it that this version cannot read is none of the view's business).
        try DecodedEvents(log, after: .zero, through: limit).forEach(after: .zero, through: limit) { e in
            try state.apply(e, publishedBy: view.publishedBy)
        }
        state.position = limit
        return (state, point(view, limit))
    }

    /// Gives `source` the grade `reliability` from `report`, under `--published-by` once
    /// the report is known to count; a grade from no report counts in every view.
    private mutating func grade(
        _ source: SourceID, _ reliability: Reliability, by report: ReportID?, _ publishedBy: RecordTime?
    ) {
        if publishedBy != nil, let report, reports[report] == nil {
            gradesAwaitingReport[report, default: [:]][source] = reliability
        } else if admits(report, publishedBy) {
            grades[source] = reliability
        }
    }

    /// Whether a report counts under `--published-by`: corrections citing no report count.
    private func admits(_ report: ReportID?, _ publishedBy: RecordTime?) -> Bool {
        guard let publishedBy, let report else { return true }
        guard let filed = reports[report], let at = filed.publishedAt else { return false }
        return at <= publishedBy
    }

    /// The view point for a state at `position`.
    static func point(_ view: View, _ position: Position) -> ViewPoint {
        ViewPoint(
            position: position, asOf: view.asOf, publishedBy: view.publishedBy, from: view.from, to: view.to,
            certainly: view.certainly, padding: view.padding)
    }

    /// The event families ``apply(_:publishedBy:)`` folds; the read models read no others.
    public static let families = EventFamilies([
        ReportFiled.eventType.family, SourceRegistered.eventType.family, SourceRated.eventType.family,
        ClaimAsserted.eventType.family, ClaimCorrected.eventType.family, ClaimRetracted.eventType.family,
        ClaimsLinked.eventType.family, ClaimsUnlinked.eventType.family, EntityAliased.eventType.family,
        EntityUnaliased.eventType.family,
    ])

    mutating func apply(_ e: Envelope, publishedBy: RecordTime?) throws {
        try apply(StateEvent(e), publishedBy: publishedBy)
    }

    mutating func apply(_ e: StateEvent, publishedBy: RecordTime?) throws {
        position = e.position
        switch e.change {
        case .reportFiled(let r):
            reports[r.report] = r
            if let waiting = gradesAwaitingReport.removeValue(forKey: r.report), admits(r.report, publishedBy) {
                for (source, grade) in waiting { grades[source] = grade }
            }
        case .sourceRegistered(let s):
            // A source counts whenever it was registered; a grade a report gave it, from the
            // report's publication on, as the corrections a report carries.
            sources[s.source] = s
            if let r = s.reliability { grade(s.source, r, by: s.report, publishedBy) }
        case .sourceRated(let s):
            grade(s.source, s.reliability, by: s.report, publishedBy)
        case .claimAsserted(let c):
            guard admits(c.claim.report, publishedBy) else { return }
            claims[c.claim] = Claim(
                id: c.claim, fields: c.fields, recordedAt: e.recordedAt, position: e.position, changed: e.position,
                outlet: reports[c.claim.report]?.outlet, outletSource: reports[c.claim.report]?.outletSource)
            if notesSpellings { spellings.note(c.fields) }
        case .claimCorrected(let c):
            guard admits(c.report, publishedBy), var claim = claims[c.claim] else { return }
            claim.fields = try c.applied(to: claim.fields)
            claim.changed = e.position
            if notesSpellings { spellings.note(claim.fields) }
            claims[c.claim] = claim
        case .claimRetracted(let c):
            guard admits(c.report, publishedBy) else { return }
            claims[c.claim]?.retracted = true
        case .linked(let l):
            guard admits(l.report, publishedBy) else { return }
            links.insert(Link(claim: l.claim, other: l.other, relation: l.relation))
        case .unlinked(let l):
            // `part-of` has a direction; the other relations are undone either way round.
            links.remove(Link(claim: l.claim, other: l.other, relation: l.relation))
            if l.relation != .partOf { links.remove(Link(claim: l.other, other: l.claim, relation: l.relation)) }
        case .aliased(let a):
            aliases[a.kind, default: [:]][NameKey(a.name)] = a.canonical
        case .unaliased(let a):
            aliases[a.kind]?[NameKey(a.name)] = nil
            if aliases[a.kind]?.isEmpty == true { aliases[a.kind] = nil }
        case nil:
            return
        }
    }

    /// The live claims (not retracted) that pass `include`, in record order. Filtered
    /// before they are sorted: a view of a few hundred claims among a million sorts (and
    /// copies) those few hundred.
    public func liveClaims(where include: (Claim) -> Bool) -> [Claim] {
        // Sort where the claims are (positions and dictionary indices), then copy each
        // claim once: sorting the claims themselves moved every one of them many times.
        var picked: [(position: Position, index: Dictionary<ClaimID, Claim>.Index)] = []
        var i = claims.startIndex
        while i != claims.endIndex {
            let c = claims.values[i]
            if !c.retracted && include(c) { picked.append((c.position, i)) }
            claims.formIndex(after: &i)
        }
        picked.sort { $0.position < $1.position }
        return picked.map { claims.values[$0.index] }
    }

    /// A name as the journal resolves it now: through an alias, if one is in force. (Names
    /// the taxonomy and gazetteer do not know are then spelled as first written:
    /// ``Resolver``.)
    public func canonical(_ kind: EntityKind, _ name: String) -> String {
        aliases[kind]?[NameKey(name)] ?? name
    }
}

extension JournalState {
    /// An empty state with room for every claim stream of `log`, for a fold of it: growing
    /// a dictionary of a million claims moved them all again at each doubling (a sixth of
    /// a --published-by view's time).
    init(roomFor log: EventLog) throws {
        self.init()
        claims.reserveCapacity(try log.streamCount(category: Streams.claimCategory))
    }
}
