import StrataLog

/// The correcting commands: each one event, one transaction, checked against the journal.
extension Journal {
    /// Replaces named fields of a claim, or retracts it, or links two claims: the same
    /// corrections a report file can carry. `citing` names the report behind the change.
    public func apply(
        _ correction: ReportDocument.Correction, citing report: ReportID?, recordedAt: RecordTime?, by analyst: String
    ) throws -> Outcome {
        try record(recordedAt: recordedAt, by: analyst, conflict: Journal.concurrent) {
            if let report, try !exists(Streams.report(report)) {
                throw InputError(field: "--report", "no report \(report) in the journal")
            }
            var refs = ClaimReferences(journal: self, report: nil, local: [:])
            let (stream, event) = try refs.event(for: correction, field: "", citing: report, id: .make())
            return .append([StreamAppend(stream: stream, events: [event])], warnings: refs.warnings)
        }
    }

    /// Removes a link between two claims.
    public func unlink(
        _ a: ClaimID, _ b: ClaimID, relation: Relation, reason: String?, recordedAt: RecordTime?, by analyst: String
    )
        throws -> Outcome
    {
        try recordOne(recordedAt: recordedAt, by: analyst) {
            // An unknown id is named as such, as `link` names it, not as two claims unlinked.
            for id in [a, b] where try !exists(Streams.claim(id)) {
                throw InputError(field: "CLAIM", "no claim \(id) in the journal")
            }
            guard try activeLinks(a, b).contains(where: { $0.relation == relation && $0.matches(a, b) }) else {
                throw InputError(field: "--as", "\(a) and \(b) are not linked as \(relation.rawValue)")
            }
            return (
                Streams.link(a, b), ClaimsUnlinked(claim: a, other: b, relation: relation, reason: reason).proposed()
            )
        }
    }

    /// The links now in force between two claims.
    public func activeLinks(_ a: ClaimID, _ b: ClaimID) throws -> [ClaimsLinked] {
        var links: [ClaimsLinked] = []
        for e in try log.stream(Streams.link(a, b)) {
            if e.type.family == ClaimsLinked.eventType.family {
                links.append(try ClaimsLinked(payload: e.payload, type: e.type))
            } else if e.type.family == ClaimsUnlinked.eventType.family {
                let u = try ClaimsUnlinked(payload: e.payload, type: e.type)
                links.removeAll { $0.relation == u.relation && $0.matches(u.claim, u.other) }
            }
        }
        return links
    }

    /// A new reliability grade for a source.
    public func rate(
        _ source: SourceID, _ grade: Reliability, reason: String, recordedAt: RecordTime?, by analyst: String
    )
        throws -> Outcome
    {
        try recordOne(recordedAt: recordedAt, by: analyst) {
            guard let record = try self.source(source) else {
                throw InputError(field: "SOURCE", "no source \(source) in the journal")
            }
            // As `strata correct` refuses a correction that changes no field.
            guard record.current != grade else {
                throw InputError(
                    field: "GRADE",
                    "\(source) is graded \(grade.rawValue) already: a rating that changes nothing is not recorded")
            }
            return (Streams.source(source), SourceRated(source: source, reliability: grade, reason: reason).proposed())
        }
    }

    /// Declares `name` another name for `canonical`.
    public func alias(
        _ kind: EntityKind, _ name: String, as canonical: String, reason: String?, recordedAt: RecordTime?,
        by analyst: String
    ) throws -> Outcome {
        try recordOne(recordedAt: recordedAt, by: analyst) { try aliasEvent(kind, name, as: canonical, reason: reason) }
    }

    /// The event that makes `name` an alias of `canonical`, checked against the journal.
    private func aliasEvent(_ kind: EntityKind, _ name: String, as canonical: String, reason: String?) throws
        -> (StreamID, ProposedEvent)
    {
        let name = name.trimmingSpaces
        let canonical = canonical.trimmingSpaces
        guard !name.isEmpty else { throw InputError(field: "NAME", "must not be empty") }
        guard !canonical.isEmpty else { throw InputError(field: "CANONICAL", "must not be empty") }
        if let problem = EntityAliased.problem(kind, name: name, canonical: canonical) {
            throw InputError(field: problem.canonical ? "CANONICAL" : "NAME", problem.reason)
        }
        // An alias is one step from a name the journal does not know to one it does:
        // chains and loops (A → B → C, A → B → A) would make each read model resolve
        // names a different number of steps.
        switch kind {
        case .place:
            // What the gazetteer knows a name as, as the read models resolve it.
            func known(_ n: String) -> String? {
                switch gazetteer.resolve(placeName: n) {
                case .place(let place)?: place.name
                case .country(let country)?: country.code
                case nil: nil
                }
            }
            guard known(canonical) != nil else {
                throw InputError(field: "CANONICAL", "\"\(canonical)\" is not a place or country in the gazetteer")
            }
            // A name the gazetteer knows may only be aliased to what it already is.
            if let already = known(name), already != known(canonical) {
                throw InputError(
                    field: "NAME", "\"\(name)\" is \(already) in the gazetteer; an alias names what it does not know")
            }
        case .commodity:
            guard taxonomy.commodity(named: canonical) != nil else {
                throw InputError(field: "CANONICAL", "\"\(canonical)\" is not a commodity in the taxonomy")
            }
            if let already = taxonomy.commodity(named: name), already != taxonomy.commodity(named: canonical) {
                throw InputError(
                    field: "NAME",
                    "\"\(name)\" is \(already.name) in the taxonomy; an alias names what it does not know")
            }
        case .vessel:
            break
        }
        if let current = try aliasTarget(kind, name) {
            throw InputError(field: "NAME", "\"\(name)\" is already an alias of \"\(current)\"; unalias it first")
        }
        if let next = try aliasTarget(kind, canonical) {
            if NameKey(next) == NameKey(name) {
                throw InputError(
                    field: "CANONICAL",
                    "\"\(canonical)\" is already an alias of \"\(name)\"; aliasing back would make a loop (unalias \"\(canonical)\" first)"
                )
            }
            throw InputError(
                field: "CANONICAL",
                "\"\(canonical)\" is itself an alias of \"\(next)\"; alias \"\(name)\" to \"\(next)\"")
        }
        for stream in try log.streams(category: "alias-\(kind.rawValue)") {
            let events = try log.stream(stream)
            guard let last = events.last, last.type.family == EntityAliased.eventType.family else { continue }
            let other = try EntityAliased(payload: last.payload, type: last.type)
            if NameKey(other.canonical) == NameKey(name) {
                throw InputError(
                    field: "NAME",
                    "\"\(name)\" is what \"\(other.name)\" is an alias of, so it cannot become an alias itself (a chain of aliases): alias \"\(canonical)\" to \"\(name)\" instead, or unalias \"\(other.name)\" first"
                )
            }
        }
        let e = EntityAliased(kind: kind, name: name, canonical: canonical, reason: reason)
        return (Streams.alias(kind, name), e.proposed())
    }

    /// Withdraws an alias.
    public func unalias(
        _ kind: EntityKind, _ name: String, reason: String?, recordedAt: RecordTime?, by analyst: String
    )
        throws -> Outcome
    {
        try recordOne(recordedAt: recordedAt, by: analyst) {
            guard try aliasTarget(kind, name) != nil else {
                throw InputError(field: "NAME", "\"\(name)\" is not an alias")
            }
            let e = EntityUnaliased(kind: kind, name: name.trimmingSpaces, reason: reason)
            return (Streams.alias(kind, name.trimmingSpaces), e.proposed())
        }
    }

    /// What `name` is now an alias of, if anything.
    public func aliasTarget(_ kind: EntityKind, _ name: String) throws -> String? {
        var target: String? = nil
        for e in try log.stream(Streams.alias(kind, name.trimmingSpaces)) {
            if e.type.family == EntityAliased.eventType.family {
                target = try EntityAliased(payload: e.payload, type: e.type).canonical
            } else if e.type.family == EntityUnaliased.eventType.family {
                target = nil
            }
        }
        return target
    }

    /// Records the one event `plan` checks and makes (see ``record(recordedAt:by:conflict:plan:)``).
    private func recordOne(recordedAt: RecordTime?, by analyst: String, _ plan: () throws -> (StreamID, ProposedEvent))
        throws -> Outcome
    {
        try record(recordedAt: recordedAt, by: analyst, conflict: Journal.concurrent) {
            let (stream, event) = try plan()
            return .append([StreamAppend(stream: stream, events: [event])])
        }
    }

    /// A new event id found recorded: only another process can have written it.
    private static func concurrent(_ id: EventID) -> InputError {
        InputError("a concurrent change conflicted; try again")
    }
}

extension ClaimsLinked {
    /// Whether this link joins `a` and `b` (either way round for symmetric relations).
    func matches(_ a: ClaimID, _ b: ClaimID) -> Bool {
        (claim == a && other == b) || (relation != .partOf && claim == b && other == a)
    }
}
