import StrataLog

/// A report makes a claim: `claim.asserted.v1` in stream `claim-REPORT/CLAIM`.
public struct ClaimAsserted: DomainEvent {
    public static let eventType: EventType = "claim.asserted.v1"

    public let claim: ClaimID
    public let fields: ClaimFields

    public init(claim: ClaimID, fields: ClaimFields) {
        self.claim = claim
        self.fields = fields
    }

    public var payload: Payload {
        .object([Payload.Field("claim", .string(claim.description))] + fields.payloadFields)
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        claim = try r.parse("claim", "a claim id", ClaimID.init)
        fields = try ClaimFields(reading: r)
    }
}

/// Named fields of a claim are replaced: `claim.corrected.v1` in the claim's stream.
public struct ClaimCorrected: DomainEvent {
    public static let eventType: EventType = "claim.corrected.v1"

    public let claim: ClaimID
    /// The replaced fields in their stored form, in ``ClaimFields/keys`` order.
    public let set: [Payload.Field]
    public let reason: String
    /// The report that brought the correction, if any.
    public let report: ReportID?

    public init(claim: ClaimID, set: [Payload.Field], reason: String, report: ReportID?) {
        self.claim = claim
        self.set = set
        self.reason = reason
        self.report = report
    }

    /// `fields` with this correction applied.
    public func applied(to fields: ClaimFields) throws(EventDecodingError) -> ClaimFields {
        var out = fields
        let whenSaid = set.first { $0.key == "when_said" }?.value
        for f in set { try out.set(f.key, f.value, type: Self.eventType, whenSaid: whenSaid) }
        return out
    }

    public var payload: Payload {
        .object([
            "claim": .string(claim.description), "set": .object(set), "reason": .string(reason),
            "report": .text(report?.rawValue),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        claim = try r.parse("claim", "a claim id", ClaimID.init)
        guard let set = payload["set"]?.fields else { throw r.fail("set", "an object of claim fields") }
        for f in set where !ClaimFields.keys.contains(f.key) { throw r.fail("set", "claim fields, not \(f.key)") }
        self.set = set
        reason = try r.string("reason")
        report = try r.parseOptional("report", "a report id", ReportID.init)
    }
}

/// A claim is withdrawn from read models from now on: `claim.retracted.v1`.
public struct ClaimRetracted: DomainEvent {
    public static let eventType: EventType = "claim.retracted.v1"

    public let claim: ClaimID
    public let reason: String
    public let report: ReportID?

    public init(claim: ClaimID, reason: String, report: ReportID?) {
        self.claim = claim
        self.reason = reason
        self.report = report
    }

    public var payload: Payload {
        .object(["claim": .string(claim.description), "reason": .string(reason), "report": .text(report?.rawValue)])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        claim = try r.parse("claim", "a claim id", ClaimID.init)
        reason = try r.string("reason")
        report = try r.parseOptional("report", "a report id", ReportID.init)
    }
}
