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

/// A source gets a new reliability grade: `source.rated.v1` in stream `source-ID`.
public struct SourceRated: DomainEvent {
    public static let eventType: EventType = "source.rated.v1"

    public let source: SourceID
    public let reliability: Reliability
    public let reason: String

    public init(source: SourceID, reliability: Reliability, reason: String) {
        self.source = source
        self.reliability = reliability
        self.reason = reason
    }

    public var payload: Payload {
        .object([
            "source": .string(source.rawValue), "reliability": .string(reliability.rawValue), "reason": .string(reason),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        source = try r.parse("source", "a source id", SourceID.init)
        reliability = try r.parse("reliability", "A–F", Reliability.init(rawValue:))
        reason = try r.string("reason")
    }
}
