import StrataLog

/// An event of the intelligence journal: a versioned type name, a payload it writes, and a
/// decoder that reads every schema version of that type (upcasting older versions to the
/// current shape), so stored events never need rewriting.
public protocol DomainEvent: Sendable, Equatable {
    /// The current versioned name, e.g. `claim.asserted.v1`.
    static var eventType: EventType { get }
    /// The fields, in a fixed order (so the same event always encodes to the same bytes).
    var payload: Payload { get }
    /// Reads a payload written under `type`: the current version or an older one of the
    /// same family, which is upcast.
    init(payload: Payload, type: EventType) throws(EventDecodingError)
}

extension DomainEvent {
    /// The event ready to append, with a given id.
    public func proposed(id: EventID = .make(), causation: EventID? = nil) -> ProposedEvent {
        ProposedEvent(id: id, type: Self.eventType, payload: payload, causationID: causation)
    }

    /// Throws unless `type` is this event's family at a version this code can read.
    static func checkVersion(_ type: EventType, upTo current: UInt16 = eventType.schemaVersion)
        throws(EventDecodingError)
    {
        guard type.family == eventType.family, type.schemaVersion >= 1, type.schemaVersion <= current else {
            throw EventDecodingError(
                type: type, reason: "this version of strata reads \(eventType.family) up to v\(current)")
        }
    }
}

/// A stored payload that does not have the shape its event type promises: a bug or a
/// journal written by a newer version.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let type: EventType
    public let reason: String
    public var description: String { "\(type): \(reason)" }
}

/// The journal's event types, for checks that span them.
public enum DomainEvents {
    /// Every event type of the journal.
    static let types: [any DomainEvent.Type] = [
        ReportFiled.self, SourceRegistered.self, SourceRated.self, ClaimAsserted.self, ClaimCorrected.self,
        ClaimRetracted.self, ClaimsLinked.self, ClaimsUnlinked.self, EntityAliased.self, EntityUnaliased.self,
    ]

    private static let byFamily: [String: any DomainEvent.Type] = {
        var out: [String: any DomainEvent.Type] = [:]
        for t in types { out[String(t.eventType.family)] = t }
        return out
    }()

    /// Whether `type` is one of the journal's (at any version).
    public static func isJournalType(_ type: EventType) -> Bool { byFamily[String(type.family)] != nil }

    /// Throws unless a payload has the shape its type promises, for the journal's event
    /// types, and returns where the event belongs and what must come before it (see
    /// ``references(type:payload:)``); events of other families (which the read models
    /// ignore) pass, with `nil`. For events that come from outside, such as an import:
    /// once appended, an event cannot be taken back, and one that does not decode would
    /// stop every view. Each event is decoded once.
    @discardableResult
    public static func check(type: EventType, payload: Payload) throws(EventDecodingError) -> References? {
        guard let (event, references) = try Self.decoded(type: type, payload: payload) else { return nil }
        // What the commands check of the event alone, beyond its shape.
        switch event {
        case let e as ClaimAsserted:
            try checkValues(e.fields, type)
        case let e as ClaimCorrected:
            // Every field set must read as views read it (a `when` whose interval ends before
            // it starts, a quantity in an unknown unit), not only the named ones.
            var f = ClaimFields(kind: .shipment, source: SourceID("checked")!)
            for field in e.set { try f.set(field.key, field.value, type: type) }
            try checkValues(f, type)
        case let e as ClaimsLinked:
            guard e.claim != e.other else {
                throw EventDecodingError(type: type, reason: "a claim cannot link to itself")
            }
        case let e as EntityAliased:
            // What `strata alias` checks of the names themselves (what it checks against the
            // journal, such as a name the gazetteer knows, an import does not).
            if let problem = EntityAliased.problem(e.kind, name: e.name, canonical: e.canonical) {
                throw EventDecodingError(type: type, reason: problem.reason)
            }
        case let e as ReportFiled:
            // Read by every --published-by view: one that does not read drops out of them.
            guard e.publishedAt != nil else {
                throw EventDecodingError(
                    type: type, reason: "published: expected an ISO 8601 date or date-time, not \"\(e.published)\"")
            }
        default:
            break
        }
        // A key the type does not record would be kept and exported, and the export would
        // no longer be valid under the type's schema.
        if let key = unknownKey(in: payload, writtenAs: event.payload) {
            throw EventDecodingError(type: type, reason: "\(key): not a field of \(type.name)")
        }
        return references
    }

    /// What a report file's decoder checks of a claim's values and an import checks too:
    /// names the read models can key (letters or digits, not too long), country codes the
    /// gazetteer knows (a view could not be filtered by another), words said that are not
    /// empty.
    private static func checkValues(_ f: ClaimFields, _ type: EventType) throws(EventDecodingError) {
        var problem: String? = nil
        if let commodity = f.commodity { problem = EntityName.problem(commodity, "commodity") }
        for location in f.from + f.to where problem == nil {
            if let place = location.place { problem = EntityName.problem(place, "place") }
            if problem == nil, let code = location.country, Gazetteer.bundled.country(code: code) == nil {
                problem = "\"\(code)\" is not an ISO 3166 alpha-2 country code"
            }
        }
        if problem == nil, let name = f.vessel?.name { problem = EntityName.problem(name, "vessel") }
        if problem == nil, f.said?.isEmpty == true { problem = "said: must not be empty" }
        if let problem { throw EventDecodingError(type: type, reason: problem) }
    }

    /// The first key of `payload`, at any depth, where the event as its type writes it has
    /// none (`fields.extra`); `nil` when every key is one the type records.
    static func unknownKey(in payload: Payload, writtenAs written: Payload, path: String = "") -> String? {
        switch (payload, written) {
        case (.object(let given), .object(let known)):
            for field in given {
                let name = path.isEmpty ? field.key : "\(path).\(field.key)"
                guard let counterpart = known.first(where: { $0.key == field.key }) else { return name }
                if let key = unknownKey(in: field.value, writtenAs: counterpart.value, path: name) { return key }
            }
            return nil
        case (.array(let given), .array(let known)) where given.count == known.count:
            for (i, (a, b)) in zip(given, known).enumerated() {
                if let key = unknownKey(in: a, writtenAs: b, path: "\(path)[\(i)]") { return key }
            }
            return nil
        default:
            return nil
        }
    }
}
