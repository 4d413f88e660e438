import StrataLog

/// Two claims are related (`claims.linked.v1`) or no longer (`claims.unlinked.v1`), in the
/// stream of the first claim. `part-of` reads "first is part of second" (an item of a
/// total); the other relations are symmetric.
public struct ClaimsLinked: DomainEvent {
    public static let eventType: EventType = "claims.linked.v1"

    public let claim: ClaimID
    public let other: ClaimID
    public let relation: Relation
    public let reason: String?
    public let report: ReportID?

    public init(claim: ClaimID, other: ClaimID, relation: Relation, reason: String?, report: ReportID?) {
        self.claim = claim
        self.other = other
        self.relation = relation
        self.reason = reason
        self.report = report
    }

    public var payload: Payload { ClaimsLinked.payload(claim, other, relation, reason, report) }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        (claim, other, relation, reason, report) = try ClaimsLinked.read(payload, type)
    }

    static func payload(_ a: ClaimID, _ b: ClaimID, _ relation: Relation, _ reason: String?, _ report: ReportID?)
        -> Payload
    {
        .object([
            "claim": .string(a.description), "other": .string(b.description), "relation": .string(relation.rawValue),
            "reason": .text(reason), "report": .text(report?.rawValue),
        ])
    }

    static func read(_ payload: Payload, _ type: EventType) throws(EventDecodingError)
        -> (ClaimID, ClaimID, Relation, String?, ReportID?)
    {
        let r = try PayloadReader(payload, type: type)
        return (
            try r.parse("claim", "a claim id", ClaimID.init), try r.parse("other", "a claim id", ClaimID.init),
            try r.parse("relation", Relation.choices, Relation.init(rawValue:)), try r.optionalString("reason"),
            try r.parseOptional("report", "a report id", ReportID.init)
        )
    }
}

/// A link between two claims is removed: `claims.unlinked.v1`.
public struct ClaimsUnlinked: DomainEvent {
    public static let eventType: EventType = "claims.unlinked.v1"

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

    public var payload: Payload { ClaimsLinked.payload(claim, other, relation, reason, report) }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        (claim, other, relation, reason, report) = try ClaimsLinked.read(payload, type)
    }
}
