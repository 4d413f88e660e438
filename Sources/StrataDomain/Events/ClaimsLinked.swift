import StrataLog

/// Two claims are related (`claims.linked.v1`) or no longer (`claims.unlinked.v1`), in the
/// stream of the pair (`link-A|B`). `part-of` reads "first is part of second" (an item of
/// a total); the other relations are symmetric. Both events have the same fields, so they
/// are one type told apart by ``LinkChange``.
public struct ClaimLinkEvent<Change: LinkChange>: DomainEvent {
    public static var eventType: EventType { Change.eventType }

    public let claim: ClaimID
    public let other: ClaimID
    public let relation: Relation
    public let reason: String?
    public let report: ReportID?

    public init(claim: ClaimID, other: ClaimID, relation: Relation, reason: String?, report: ReportID? = nil) {
        self.claim = claim
        self.other = other
        self.relation = relation
        self.reason = reason
        self.report = report
    }

    public var payload: Payload {
        .object([
            "claim": .string(claim.description), "other": .string(other.description),
            "relation": .string(relation.rawValue), "reason": .text(reason), "report": .text(report?.rawValue),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        claim = try r.parse("claim", "a claim id", ClaimID.init)
        other = try r.parse("other", "a claim id", ClaimID.init)
        relation = try r.parse("relation", Relation.choices, Relation.init(rawValue:))
        reason = try r.optionalString("reason")
        report = try r.parseOptional("report", "a report id", ReportID.init)
    }
}

/// Whether a ``ClaimLinkEvent`` adds or removes a link: its event type.
public protocol LinkChange: Sendable, Equatable {
    static var eventType: EventType { get }
}

/// A link is added.
public enum Linked: LinkChange {
    public static let eventType: EventType = "claims.linked.v1"
}

/// A link is removed.
public enum Unlinked: LinkChange {
    public static let eventType: EventType = "claims.unlinked.v1"
}

/// Two claims are related: `claims.linked.v1`.
public typealias ClaimsLinked = ClaimLinkEvent<Linked>
/// A link between two claims is removed: `claims.unlinked.v1`.
public typealias ClaimsUnlinked = ClaimLinkEvent<Unlinked>
