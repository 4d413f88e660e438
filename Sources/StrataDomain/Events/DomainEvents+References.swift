import StrataLog

extension DomainEvents {
    /// Where an event of the journal's types belongs, and what must come before it: the
    /// stream its payload names (a claim's events in that claim's stream, a link's in the
    /// link's), and the streams that must have events by the end of its command — a
    /// claim's report and source, a link's two claims, the report a correction cites, and
    /// for an event that cannot start a stream (a correction, a re-grading, an unlink) its
    /// own. The journal's commands always write events so; an import checks that the
    /// events it takes do too, or it would take claims that `strata claim` cannot find, or
    /// sources that were never registered. `nil` for other families.
    public typealias References = (stream: StreamID, requires: [StreamID])

    /// Whether events of `type` are what their stream records (a source's registration, a
    /// report, a claim's assertion), written only as its first event. Readers do not agree
    /// on a second one (`Journal.registration(of:)` takes the first registration,
    /// `strata sources` the last), so none is imported.
    public static func startsStream(_ type: EventType) -> Bool {
        [SourceRegistered.eventType.family, ReportFiled.eventType.family, ClaimAsserted.eventType.family].contains(
            type.family)
    }

    public static func references(type: EventType, payload: Payload) throws(EventDecodingError) -> References? {
        try decoded(type: type, payload: payload)?.references
    }

    /// An event of the journal's families decoded, with its references; `nil` for other
    /// families.
    static func decoded(type: EventType, payload: Payload) throws(EventDecodingError) -> (
        event: any DomainEvent, references: References
    )? {
        switch type.family {
        case ReportFiled.eventType.family:
            let e = try ReportFiled(payload: payload, type: type)
            return (e, references(e))
        case SourceRegistered.eventType.family:
            let e = try SourceRegistered(payload: payload, type: type)
            return (e, (Streams.source(e.source), []))
        case SourceRated.eventType.family:
            let e = try SourceRated(payload: payload, type: type)
            let own = Streams.source(e.source)
            return (e, (own, [own] + [e.report.map(Streams.report)].compactMap { $0 }))
        case ClaimAsserted.eventType.family:
            let e = try ClaimAsserted(payload: payload, type: type)
            return (e, references(e))
        case ClaimCorrected.eventType.family:
            let e = try ClaimCorrected(payload: payload, type: type)
            return (e, references(e))
        case ClaimRetracted.eventType.family:
            let e = try ClaimRetracted(payload: payload, type: type)
            let own = Streams.claim(e.claim)
            return (e, (own, [own] + [e.report.map(Streams.report)].compactMap { $0 }))
        case ClaimsLinked.eventType.family:
            let e = try ClaimsLinked(payload: payload, type: type)
            return (e, references(e))
        case ClaimsUnlinked.eventType.family:
            let e = try ClaimsUnlinked(payload: payload, type: type)
            let own = Streams.link(e.claim, e.other)
            return (e, (own, [own]))
        case EntityAliased.eventType.family:
            let e = try EntityAliased(payload: payload, type: type)
            return (e, references(e))
        case EntityUnaliased.eventType.family:
            let e = try EntityUnaliased(payload: payload, type: type)
            let own = Streams.alias(e.kind, e.name)
            return (e, (own, [own]))
        default:
            return nil
        }
    }

    static func references(_ e: ReportFiled) -> References {
        (Streams.report(e.report), [Streams.source(e.outletSource)])
    }

    static func references(_ e: ClaimAsserted) -> References {
        (Streams.claim(e.claim), [Streams.report(e.claim.report), Streams.source(e.fields.source)])
    }

    static func references(_ e: ClaimsLinked) -> References {
        (
            Streams.link(e.claim, e.other),
            [Streams.claim(e.claim), Streams.claim(e.other)] + [e.report.map(Streams.report)].compactMap { $0 }
        )
    }

    static func references(_ e: EntityAliased) -> References { (Streams.alias(e.kind, e.name), []) }

    static func references(_ e: ClaimCorrected) -> References {
        let own = Streams.claim(e.claim)
        let source = e.set.first { $0.key == "source" }?.value.stringValue.flatMap(SourceID.init).map(Streams.source)
        return (own, [own] + [e.report.map(Streams.report), source].compactMap { $0 })
    }

    /// The first string in a payload of the journal's types that report text may not hold
    /// (``TextCharacters``), with why; `nil` when there is none.
    public static func textProblem(in payload: Payload) -> String? {
        switch payload {
        case .string(let s):
            return TextCharacters.problem(in: s).map { "\"\(s.prefix(40))\": \($0)" }
        case .array(let items):
            for item in items { if let p = textProblem(in: item) { return p } }
        case .object(let fields):
            for f in fields { if let p = textProblem(in: f.value) { return p } }
        default:
            break
        }
        return nil
    }
}
