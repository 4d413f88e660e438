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
        guard byFamily[String(type.family)] != nil else { return nil }
        // Names longer than the claim index holds would stop every view too.
        let names: [String]
        let references: References?
        switch type.family {
        case ClaimAsserted.eventType.family:
            let e = try ClaimAsserted(payload: payload, type: type)
            names = EntityName.indexed(in: e.fields)
            references = Self.references(e)
        case ClaimCorrected.eventType.family:
            let e = try ClaimCorrected(payload: payload, type: type)
            // Every field set must read as views read it (a `when` whose interval ends before
            // it starts, a quantity in an unknown unit), not only the named ones.
            var f = ClaimFields(kind: .shipment, source: SourceID("checked")!)
            for field in e.set { try f.set(field.key, field.value, type: type) }
            names = EntityName.indexed(in: f)
            references = Self.references(e)
        case ClaimsLinked.eventType.family:
            let e = try ClaimsLinked(payload: payload, type: type)
            guard e.claim != e.other else {
                throw EventDecodingError(type: type, reason: "a claim cannot link to itself")
            }
            references = Self.references(e)
            names = []
        case EntityAliased.eventType.family:
            // What `strata alias` checks of the names themselves (what it checks against the
            // journal, such as a name the gazetteer knows, an import does not).
            let e = try EntityAliased(payload: payload, type: type)
            if let problem = EntityAliased.problem(e.kind, name: e.name, canonical: e.canonical) {
                throw EventDecodingError(type: type, reason: problem.reason)
            }
            references = Self.references(e)
            names = []
        default:
            references = try Self.references(type: type, payload: payload)  // decodes it
            names = []
        }
        for name in names {
            if let problem = EntityName.tooLong(name, "place or commodity") {
                throw EventDecodingError(type: type, reason: problem)
            }
        }
        return references
    }
}
