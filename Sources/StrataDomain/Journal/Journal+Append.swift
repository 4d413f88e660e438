import Crypto
import StrataLog

/// What appending a report file would write.
public struct ReportPlan: Sendable {
    public let report: ReportID
    public let parts: [StreamAppend]
    public var eventCount: Int { parts.reduce(0) { $0 + $1.events.count } }
    /// The report id is already recorded with the same content.
    public let alreadyRecorded: Bool
    /// What is accepted but probably not meant (links between claims of kinds that do not
    /// fit their relation), beside the decoder's warnings.
    public var warnings: [InputError] = []
}

extension Journal {
    /// Checks a decoded report against the journal and lays out its events: sources first
    /// registered here, the report, its claims, their links and its corrections. Event ids
    /// are new time-ordered UUIDs (so the id index is written in order); a report already
    /// recorded with the same content is found by its report stream and content digest.
    public func plan(_ doc: ReportDocument) throws -> ReportPlan {
        var builder = try ReportPlanBuilder(doc: doc, journal: self)
        return try builder.build()
    }

    /// Appends a report as one transaction; nothing is written when anything is wrong. The
    /// same report again is a no-op. The report is checked against the journal as it is
    /// when its events are written (``record(recordedAt:by:conflict:plan:)``), so two
    /// processes appending the same report at once record it once: the second finds it
    /// recorded.
    public func append(_ doc: ReportDocument, recordedAt: RecordTime? = nil, by analyst: String) throws -> Outcome {
        try record(
            recordedAt: recordedAt, by: analyst,
            conflict: { _ in
                InputError(field: "report.id", "an event id of report \(doc.header.id) is already recorded")
            }
        ) {
            let plan = try plan(doc)
            guard !plan.alreadyRecorded else {
                let last = try log.head().lastRecordedAt ?? RecordTime(microseconds: 0)
                return .done(Outcome(appended: 0, unchanged: plan.eventCount, positions: nil, recordedAt: last))
            }
            return .append(plan.parts, warnings: plan.warnings)
        }
    }
}

/// Resolves one report's references and builds its events.
struct ReportPlanBuilder {
    let doc: ReportDocument
    let journal: Journal
    let outlet: SourceID
    private var events: [(StreamID, ProposedEvent)] = []
    /// Source registrations the file implies, including those already in the journal
    /// (which are not appended again): part of the report's content either way.
    private var sourceContent: [(StreamID, ProposedEvent)] = []
    /// What is accepted but probably not meant, found while building.
    private var notes: [InputError] = []

    init(doc: ReportDocument, journal: Journal) throws {
        self.doc = doc
        self.journal = journal
        guard let outlet = SourceID.outlet(named: doc.header.outlet) else {
            throw InputError(field: "report.outlet", SourceID.outletProblem(named: doc.header.outlet) ?? "no source id")
        }
        self.outlet = outlet
        references = ClaimReferences(
            journal: journal, report: doc.header.id,
            local: Dictionary(uniqueKeysWithValues: doc.claims.map { ($0.id, $0.fields) }))
        references.reportSources = Set(doc.sources.map(\.id) + [outlet])
    }

    mutating func build() throws -> ReportPlan {
        let id = doc.header.id
        recorded = try journal.report(id)
        references.recheck = recorded != nil
        try addSources()
        for (i, claim) in doc.claims.enumerated() { try addClaim(claim, index: i) }
        for (i, correction) in doc.corrections.enumerated() { try addCorrection(correction, index: i) }
        var digest = SHA256()
        for (stream, e) in sourceContent + events.filter({ $0.0.category != "source" }) {
            digest.update(data: Array("\(stream.rawValue)\n\(e.type.name)\n".utf8))
            digest.update(data: e.payload.encode())
        }
        let content = digest.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
        let filed = ReportFiled(
            report: id, outlet: doc.header.outlet, outletSource: outlet, published: doc.header.published,
            title: doc.header.title, url: doc.header.url, language: doc.header.language,
            translatedFrom: doc.header.translatedFrom, translator: doc.header.translator,
            retrieved: doc.header.retrieved, content: content)
        var already = false
        if let existing = recorded {
            // The digest covers what the report's sources, claims and corrections say; the
            // report's own fields are compared here, so a changed date is not "unchanged".
            let immutable = "reports are immutable — give a new id, or put corrections in a later report"
            guard existing.content == content else {
                throw InputError(
                    line: doc.header.line, field: "report.id",
                    "report \(id) is already recorded with other content; \(immutable)")
            }
            if let (field, was, now) = Self.changedField(existing, filed) {
                func shown(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "none" }
                throw InputError(
                    line: doc.header.line(of: field), field: "report.\(field)",
                    "report \(id) is already recorded with \(field) \(shown(was)), not \(shown(now)); \(immutable)")
            }
            already = true
        }
        let sourceCount = events.prefix { $0.0.category == "source" }.count
        events.insert((Streams.report(id), filed.proposed()), at: sourceCount)
        // One StreamAppend per stream, streams in first-use order.
        var order: [StreamID] = []
        var byStream: [StreamID: [ProposedEvent]] = [:]
        for (stream, e) in events {
            if byStream[stream] == nil { order.append(stream) }
            byStream[stream, default: []].append(e)
        }
        // The streams of this report's claims, made once (a search per stream made a
        // report of 10,000 claims take 12 s).
        let claimStreams = Set(doc.claims.map { Streams.claim($0.id) })
        let warnings = already ? [] : notes + references.warnings
        return ReportPlan(
            report: id,
            parts: order.map { stream in
                // What this report creates must be new: a concurrent append of the same
                // report, or of a source registration, conflicts instead of doubling it.
                let creates =
                    stream == Streams.report(id) || claimStreams.contains(stream)
                    || (stream.category == "source" && byStream[stream]?.first?.type == SourceRegistered.eventType)
                return StreamAppend(
                    stream: stream, expected: creates ? .noStream : .any, events: byStream[stream] ?? [])
            },
            alreadyRecorded: already, warnings: warnings)
    }

    /// The first of the report's own fields (as a report file names them) that `new`
    /// gives otherwise than `recorded`, with both values, or `nil`.
    private static func changedField(_ recorded: ReportFiled, _ new: ReportFiled) -> (String, String?, String?)? {
        let fields: [(String, String?, String?)] = [
            ("outlet", recorded.outlet, new.outlet), ("published", recorded.published, new.published),
            ("title", recorded.title, new.title), ("url", recorded.url, new.url),
            ("language", recorded.language, new.language),
            ("translated_from", recorded.translatedFrom, new.translatedFrom),
            ("translator", recorded.translator, new.translator), ("retrieved", recorded.retrieved, new.retrieved),
        ]
        // By their bytes, as the digest and ids compare: "Café" with é and with e + U+0301
        // are equal as Strings and two texts here.
        return fields.first { $0.1.map { Array($0.utf8) } != $0.2.map { Array($0.utf8) } }
    }

    /// `graded B`, `graded B now (registered C)`, `ungraded`.
    private static func grade(_ source: SourceRecord) -> String {
        let registered = source.registration.reliability
        let now = source.current.map { "graded \($0.rawValue)" } ?? "ungraded"
        guard registered != source.current else { return now }
        return now + " now (registered \(registered?.rawValue ?? "ungraded"))"
    }

    /// Registers the outlet and the listed sources the journal does not have yet. A source
    /// listed again must be listed as it is registered: the same name and kind, and a
    /// reliability that is its registered grade or its grade now (a report does not
    /// re-grade a source: `strata rate` does), except that a source that has no grade yet
    /// takes the one listed, as a rating; a different description is kept out, with a
    /// warning. A report already recorded is compared whole instead.
    private mutating func addSources() throws {
        let listed = Set(doc.sources.map(\.id))
        if recorded == nil, let same = doc.sources.first(where: { $0.id == outlet }),
            NameKey(same.name) != NameKey(doc.header.outlet)
        {
            notes.append(
                InputError(
                    line: doc.header.line, field: "report.outlet",
                    "outlet \"\(doc.header.outlet)\" has the source id \(outlet), listed in this report for \"\(same.name)\": its claims are recorded as that source's"
                ))
        }
        if !listed.contains(outlet) {
            let e = SourceRegistered(
                source: outlet, name: doc.header.outlet, kind: .outlet, reliability: nil, description: nil, report: nil)
            let registration = (Streams.source(outlet), e.proposed())
            sourceContent.append(registration)
            if let existing = try journal.registration(of: outlet) {
                if recorded == nil, NameKey(existing.name) != NameKey(doc.header.outlet) {
                    notes.append(
                        InputError(
                            line: doc.header.line, field: "report.outlet",
                            "outlet \"\(doc.header.outlet)\" has the source id \(outlet), registered for \"\(existing.name)\": its claims are recorded as that source's"
                        ))
                }
            } else {
                events.append(registration)
            }
        }
        for s in doc.sources {
            let e = SourceRegistered(
                source: s.id, name: s.name, kind: s.kind, reliability: s.reliability, description: s.description,
                report: doc.header.id)
            let registration = (Streams.source(s.id), e.proposed())
            sourceContent.append(registration)
            if let existing = try journal.source(s.id) {
                let registered = existing.registration
                guard registered.name == s.name, registered.kind == s.kind else {
                    let (line, field) = s.place(of: registered.name == s.name ? "kind" : "name")
                    throw InputError(
                        line: line, field: field,
                        "source \(s.id) is already registered as \"\(registered.name)\" (\(registered.kind.rawValue)); cite it by id without listing it, or choose another id"
                    )
                }
                guard recorded == nil else { continue }
                if let written = s.reliability, existing.current == nil {
                    // Registered without a grade (an outlet, registered on first use, or a
                    // source listed without one), and never rated: the first grade a
                    // report gives it is recorded as its rating from this report on.
                    let rating = SourceRated(
                        source: s.id, reliability: written, reason: "graded in report \(doc.header.id)",
                        report: doc.header.id)
                    events.append((Streams.source(s.id), rating.proposed()))
                    // Said, as it changes the confidence of every claim of the source from now on.
                    let (line, field) = s.place(of: "reliability")
                    notes.append(
                        InputError(
                            line: line, field: field,
                            "source \(s.id) had no grade: graded \(written.rawValue) from this report on (strata rate re-grades it)"
                        ))
                } else if let written = s.reliability, written != registered.reliability, written != existing.current {
                    let (line, field) = s.place(of: "reliability")
                    throw InputError(
                        line: line, field: field,
                        "source \(s.id) is \(Self.grade(existing)); a report does not re-grade a source: cite it without a reliability, or run strata rate \(s.id) \(written.rawValue) --reason TEXT"
                    )
                }
                if let written = s.description, written != registered.description {
                    let (line, field) = s.place(of: "description")
                    notes.append(
                        InputError(
                            line: line, field: field,
                            "source \(s.id) is already registered; this description is not recorded (the registration's stands)"
                        ))
                }
                continue
            }
            events.append(registration)
        }
    }

    private func resolveSource(_ text: String?, line: Int, index: Int) throws -> SourceID {
        guard let text else { return outlet }
        if text.lowercased() == doc.header.outlet.lowercased() || text == outlet.rawValue { return outlet }
        if let id = SourceID(text) {
            if doc.sources.contains(where: { $0.id == id }) { return id }
            if try journal.exists(Streams.source(id)) { return id }
        }
        throw InputError(
            line: line, field: "claims[\(index)].source",
            "unknown source \"\(text)\": list it under sources, or use a source id already in the journal, or the outlet's name"
        )
    }

    /// The report is already in the journal: its content is compared, not re-validated.
    private var recorded: ReportFiled?

    /// Made once and changed in place: remaking it for every link made a report of 10,000
    /// linked claims quadratic, and so did a `lazy var` (each mutation through its getter
    /// changed a copy, so the set of links made so far was copied for every link).
    private var references: ClaimReferences

    private mutating func resolve(_ ref: ReportDocument.ClaimReference) throws -> ClaimID {
        try references.resolve(ref)
    }

    private mutating func addClaim(_ claim: ReportDocument.ClaimEntry, index: Int) throws {
        var fields = claim.fields
        fields.source = try resolveSource(claim.sourceText, line: claim.sourceLine, index: index)
        let asserted = ClaimAsserted(claim: claim.id, fields: fields)
        events.append((Streams.claim(claim.id), asserted.proposed()))
        for link in claim.links {
            let other = try resolve(link.claim)
            try references.checkLink(claim.id, other, link.relation, link.claim, link.claim)
            let e = ClaimsLinked(
                claim: claim.id, other: other, relation: link.relation, reason: nil, report: doc.header.id)
            events.append((Streams.link(claim.id, other), e.proposed()))
        }
    }

    private mutating func addCorrection(_ correction: ReportDocument.Correction, index: Int) throws {
        let report = doc.header.id
        events.append(
            try references.event(for: correction, field: "corrections[\(index)]", citing: report, id: .make()))
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
