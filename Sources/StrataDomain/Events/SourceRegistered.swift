import StrataLog

/// A source enters the journal: `source.registered.v1` in stream `source-ID`.
public struct SourceRegistered: DomainEvent {
    public static let eventType: EventType = "source.registered.v1"

    public let source: SourceID
    public let name: String
    public let kind: SourceKind
    /// The grade given at registration, if any.
    public let reliability: Reliability?
    public let description: String?
    /// The report that first listed or cited it.
    public let report: ReportID?

    public init(
        source: SourceID, name: String, kind: SourceKind, reliability: Reliability?, description: String?,
        report: ReportID?
    ) {
        self.source = source
        self.name = name
        self.kind = kind
        self.reliability = reliability
        self.description = description
        self.report = report
    }

    public var payload: Payload {
        .object([
            "source": .string(source.rawValue), "name": .string(name), "kind": .string(kind.rawValue),
            "reliability": .text(reliability?.rawValue), "description": .text(description),
            "report": .text(report?.rawValue),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        source = try r.parse("source", "a source id", SourceID.init)
        name = try r.string("name")
        kind = try r.parse("kind", "a source kind", SourceKind.init(rawValue:))
        reliability = try r.parseOptional("reliability", "A–F", Reliability.init(rawValue:))
        description = try r.optionalString("description")
        report = try r.parseOptional("report", "a report id", ReportID.init)
    }
}

/// A source gets a new reliability grade: `source.rated.v1` in stream `source-ID`. By
/// `strata rate`, or by a report that lists a source with no grade yet with one (`report`:
/// the grade is that report's, and a `--published-by` view counts it from the report's
/// publication, as it counts the corrections a report carries).
public struct SourceRated: DomainEvent {
    public static let eventType: EventType = "source.rated.v1"

    public let source: SourceID
    public let reliability: Reliability
    public let reason: String
    /// The report that gave the grade; `nil` for `strata rate` (and for gradings recorded
    /// before the field was: they count in every view, as they did).
    public let report: ReportID?

    public init(source: SourceID, reliability: Reliability, reason: String, report: ReportID? = nil) {
        self.source = source
        self.reliability = reliability
        self.reason = reason
        self.report = report
    }

    /// `report` only when there is one: a rating by `strata rate` has the fields it always had.
    public var payload: Payload {
        var fields = [
            Payload.Field("source", .string(source.rawValue)),
            Payload.Field("reliability", .string(reliability.rawValue)),
            Payload.Field("reason", .string(reason)),
        ]
        if let report { fields.append(Payload.Field("report", .string(report.rawValue))) }
        return .object(fields)
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        source = try r.parse("source", "a source id", SourceID.init)
        reliability = try r.parse("reliability", "A–F", Reliability.init(rawValue:))
        reason = try r.string("reason")
        report = try r.parseOptional("report", "a report id", ReportID.init)
    }
}
