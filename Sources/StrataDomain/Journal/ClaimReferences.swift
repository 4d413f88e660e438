import StrataLog

/// Resolves claim references (`c2` in the report being filed, or `report/c2`) and turns
/// corrections into events after checking them against the claims they change. Report
/// files and the `correct`, `retract` and `link` commands share it.
struct ClaimReferences {
    let journal: Journal
    /// The report being filed, whose claims may be named by their local ids.
    let report: ReportID?
    /// That report's claims.
    let local: [ClaimID: ClaimFields]
    /// Re-checking a report already recorded: its corrections were valid when it was, even
    /// if a claim they change has been retracted since.
    var recheck = false
    /// Sources the report being filed registers or is (its outlet): a correction in it may
    /// attribute a claim to them before they are in the journal.
    var reportSources: Set<SourceID> = []
    /// Claims as the report's corrections so far leave them: each correction is checked
    /// against the claim after the ones before it in the same report.
    var corrected: [ClaimID: ClaimFields] = [:]
    /// Claims the report's corrections so far retract: later ones see them retracted.
    var retracted: Set<ClaimID> = []
    /// Links the report makes so far (its claims' `links` and its corrections).
    var links: Set<LinkKey> = []
    /// What is accepted but probably not meant (a link between claims of kinds that do not
    /// fit its relation).
    var warnings: [InputError] = []

    /// A link as a set member: the pair in order for `part-of`, either way for the others.
    struct LinkKey: Hashable {
        let claim: ClaimID
        let other: ClaimID
        let relation: Relation

        init(_ a: ClaimID, _ b: ClaimID, _ relation: Relation) {
            (claim, other) = relation == .partOf || a < b ? (a, b) : (b, a)
            self.relation = relation
        }
    }

    /// A claim that exists in the report being filed or the journal.
    func resolve(_ ref: ReportDocument.ClaimReference) throws -> ClaimID {
        let parsed: ClaimID?
        if ref.text.contains("/") {
            parsed = ClaimID(ref.text)
        } else {
            parsed = report.flatMap { ClaimID(report: $0, local: ref.text) }
        }
        guard let id = parsed else {
            throw InputError(line: ref.line, field: ref.field, "\"\(ref.text)\" is not a claim id (REPORT_ID/CLAIM_ID)")
        }
        if local[id] != nil { return id }
        guard try journal.exists(Streams.claim(id)) else {
            throw InputError(
                line: ref.line, field: ref.field,
                "no claim \(id) in the journal\(report == nil ? "" : " or this report")")
        }
        return id
    }

    /// The claim's fields now; refuses retracted claims (`retracting`: as already retracted).
    func currentFields(of id: ClaimID, ref: ReportDocument.ClaimReference, retracting: Bool = false) throws
        -> ClaimFields
    {
        if retracted.contains(id) {
            throw InputError(line: ref.line, field: ref.field, "claim \(id) is retracted earlier in this report")
        }
        if let here = corrected[id] ?? local[id] { return here }
        guard let record = try journal.claim(id) else {
            throw InputError(line: ref.line, field: ref.field, "no claim \(id) in the journal")
        }
        guard !record.retracted || recheck else {
            throw InputError(
                line: ref.line, field: ref.field, "claim \(id) is \(retracting ? "already " : "")retracted")
        }
        return record.fields
    }

    /// The event a correction writes, in the stream it belongs to.
    mutating func event(
        for correction: ReportDocument.Correction, field: String, citing citation: ReportID?, id: EventID
    ) throws -> (StreamID, ProposedEvent) {
        switch correction {
        case .correct(let ref, let written, let lines, let reason):
            let target = try resolve(ref)
            let set = try withSourceIDs(written, line: lines["source"] ?? ref.line, field: "\(field).set.source")
            let current = try currentFields(of: target, ref: ref)
            let kind =
                set.first { $0.key == "kind" }?.value.stringValue.flatMap(ClaimKind.init(rawValue:)) ?? current.kind
            for f in set where !f.value.isNull && !ClaimFields.allows(f.key, for: kind) {
                throw InputError(
                    line: lines[f.key] ?? ref.line, field: "\(field).set.\(f.key)",
                    "not a field of \(kind.rawValue) claims")
            }
            // A report already recorded is compared, not re-validated: its corrections
            // were valid when it was, whatever has been corrected since.
            if !recheck {
                let after = try corrected(current, by: set, kind: kind, lines: lines, ref: ref, field: field)
                if after == current {
                    // A new version all the same: it would only move the claim's record time,
                    // which decides confidence ties. `strata correct` refuses it; a report
                    // file may restate a value, with a warning (as it may restate a link).
                    let same =
                        "claim \(target) already has the values set (\(set.map(\.key).joined(separator: ", "))): the correction changes no field"
                    guard report != nil else { throw InputError(line: ref.line, field: ref.field, same) }
                    warnings.append(InputError(line: ref.line, field: ref.field, same + " (recorded)"))
                }
                self.corrected[target] = after
            }
            return (
                Streams.claim(target),
                ClaimCorrected(claim: target, set: set, reason: reason, report: citation).proposed(id: id)
            )
        case .retract(let ref, let reason):
            let target = try resolve(ref)
            _ = try currentFields(of: target, ref: ref, retracting: true)
            if !recheck { retracted.insert(target) }
            return (
                Streams.claim(target), ClaimRetracted(claim: target, reason: reason, report: citation).proposed(id: id)
            )
        case .link(let a, let b, let relation, let reason):
            let x = try resolve(a)
            let y = try resolve(b)
            try checkLink(x, y, relation, a, b)
            let e = ClaimsLinked(claim: x, other: y, relation: relation, reason: reason, report: citation)
            return (Streams.link(x, y), e.proposed(id: id))
        }
    }

    /// Checks a new link, from a report's claim or correction or from `strata link`: two
    /// different claims, both live; no `part-of` both ways; from `strata link`, not a link
    /// already in force. Warned of (``warnings``): in a report file, a link already in force
    /// (in the journal or earlier in the report); kinds that do not fit the relation
    /// (`same-shipment` joins shipment claims, `part-of` itemises a claim in a `total`).
    mutating func checkLink(
        _ x: ClaimID, _ y: ClaimID, _ relation: Relation, _ a: ReportDocument.ClaimReference,
        _ b: ReportDocument.ClaimReference
    ) throws {
        guard x != y else { throw InputError(line: b.line, field: b.field, "a claim cannot link to itself") }
        // A report already recorded is compared, not re-validated.
        guard !recheck else { return }
        let fx = try currentFields(of: x, ref: a)
        let fy = try currentFields(of: y, ref: b)
        // Kinds that do not fit the relation are accepted with a warning: the link is
        // recorded as the analyst made it, but no read model uses it.
        switch relation {
        case .sameShipment:
            for (id, f, ref) in [(x, fx, a), (y, fy, b)] where f.kind != .shipment {
                warnings.append(
                    InputError(
                        line: ref.line, field: ref.field,
                        "same-shipment joins shipment claims; \(id) is \(f.kind.withArticle) claim, so the link joins no shipment (accepted)"
                    ))
            }
        case .partOf:
            if fy.kind != .total {
                warnings.append(
                    InputError(
                        line: b.line, field: b.field,
                        "part-of itemises a claim in a total; \(y) is \(fy.kind.withArticle) claim, so the link itemises nothing (accepted)"
                    ))
            }
        case .corroborates, .contradicts:
            break
        }
        // Links in force in the journal (two claims of this report have none yet).
        let inJournal = local[x] != nil && local[y] != nil ? [] : try journal.activeLinks(x, y)
        if links.contains(LinkKey(x, y, relation))
            || inJournal.contains(where: { $0.relation == relation && $0.matches(x, y) })
        {
            let already = "\(x) and \(y) are already linked as \(relation.rawValue)"
            // `strata link` of a link in force does nothing: refused. A report file may state
            // a link from both claims, or again after an earlier report: recorded, with a
            // warning (it changes nothing).
            guard report != nil else { throw InputError(line: b.line, field: b.field, already) }
            warnings.append(
                InputError(line: b.line, field: b.field, already + "; recorded again, which changes nothing"))
        }
        if relation == .partOf,
            links.contains(LinkKey(y, x, .partOf))
                || inJournal.contains(where: { $0.relation == .partOf && $0.matches(y, x) })
        {
            throw InputError(line: b.line, field: b.field, "\(y) is part of \(x): part-of cannot go both ways")
        }
        links.insert(LinkKey(x, y, relation))
    }

    /// Whether `id` names a source of the journal or of the report being recorded.
    private func knows(_ id: SourceID) throws -> Bool {
        try reportSources.contains(id) || journal.exists(Streams.source(id))
    }

    /// `set` with its `source` as the id of a known source: an id, or an outlet's name
    /// ("Daily NK") as the id of the source registered under it (daily-nk).
    private func withSourceIDs(_ set: [Payload.Field], line: Int?, field: String) throws -> [Payload.Field] {
        try set.map { f in
            guard f.key == "source", let text = f.value.stringValue else { return f }
            if let id = try SourceID.resolve(text, isKnown: knows) {
                return id.rawValue == text ? f : Payload.Field(f.key, .string(id.rawValue))
            }
            throw InputError(
                line: line, field: field,
                "unknown source \"\(text)\": use a source id in the journal (strata sources), or an outlet's name\(report == nil ? "" : ", or a source this report lists")"
            )
        }
    }

    /// `current` with a correction's `set` applied, checked to be a claim: each value of
    /// its field's type, names the index can hold, only fields of its (new) `kind`, a
    /// known source.
    private func corrected(
        _ current: ClaimFields, by set: [Payload.Field], kind: ClaimKind, lines: [String: Int],
        ref: ReportDocument.ClaimReference, field: String
    ) throws -> ClaimFields {
        // The claim as corrected must be a claim: each value of its field's type.
        var corrected = current
        let whenSaid = set.first { $0.key == "when_said" }?.value
        for f in set {
            do {
                try corrected.set(f.key, f.value, type: ClaimCorrected.eventType, whenSaid: whenSaid)
            } catch {
                throw InputError(line: lines[f.key] ?? ref.line, field: "\(field).set.\(f.key)", error.reason)
            }
        }
        if let commodity = corrected.commodity, let problem = EntityName.problem(commodity, "commodity") {
            throw InputError(line: lines["commodity"] ?? ref.line, field: "\(field).set.commodity", problem)
        }
        for (key, places) in [("from", corrected.from), ("to", corrected.to)] {
            for place in places.compactMap(\.place) {
                if let problem = EntityName.problem(place, "place") {
                    throw InputError(line: lines[key] ?? ref.line, field: "\(field).set.\(key)", problem)
                }
            }
        }
        if let name = corrected.vessel?.name, let problem = EntityName.problem(name, "vessel") {
            throw InputError(line: lines["vessel"] ?? ref.line, field: "\(field).set.vessel.name", problem)
        }
        if kind != current.kind {
            // What the claim keeps must be a field of its new kind.
            let setKeys = Set(set.map(\.key))
            for f in current.payloadFields where !setKeys.contains(f.key) && !ClaimFields.allows(f.key, for: kind) {
                if f.value.isNull { continue }
                if case .array(let items) = f.value, items.isEmpty { continue }
                throw InputError(
                    line: lines["kind"] ?? ref.line, field: "\(field).set.kind",
                    "\(kind.withArticle) claim has no \(f.key): set \(f.key) to null in the same correction")
            }
        }
        return corrected
    }
}
