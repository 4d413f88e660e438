import StrataLog

/// A report is filed: `report.filed.v1` in stream `report-ID`. Reports are immutable:
/// `content` is a digest of everything the report file recorded, so filing the same id
/// with other content is refused, and filing the same content again changes nothing.
public struct ReportFiled: DomainEvent {
    public static let eventType: EventType = "report.filed.v1"

    public let report: ReportID
    public let outlet: String
    /// The outlet's own source.
    public let outletSource: SourceID
    /// ISO 8601 date or date-time as written.
    public let published: String
    public let title: String?
    public let url: String?
    public let language: String?
    public let translatedFrom: String?
    public let translator: String?
    public let retrieved: String?
    /// SHA-256 (hex) of the payloads of every event the report file produced.
    public let content: String

    public init(
        report: ReportID, outlet: String, outletSource: SourceID, published: String, title: String?, url: String?,
        language: String?, translatedFrom: String?, translator: String?, retrieved: String?, content: String
    ) {
        self.report = report
        self.outlet = outlet
        self.outletSource = outletSource
        self.published = published
        self.title = title
        self.url = url
        self.language = language
        self.translatedFrom = translatedFrom
        self.translator = translator
        self.retrieved = retrieved
        self.content = content
    }

    /// The publication time: a date alone is its first instant, UTC.
    public var publishedAt: RecordTime? { RecordTime(iso8601: published, dateOnly: .startOfDay) }

    public var payload: Payload {
        .object([
            "report": .string(report.rawValue), "outlet": .string(outlet), "outlet_source": .string(outletSource.rawValue),
            "published": .string(published), "title": .text(title), "url": .text(url), "language": .text(language),
            "translated_from": .text(translatedFrom), "translator": .text(translator), "retrieved": .text(retrieved),
            "content": .string(content),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        report = try r.parse("report", "a report id", ReportID.init)
        outlet = try r.string("outlet")
        outletSource = try r.parse("outlet_source", "a source id", SourceID.init)
        published = try r.string("published")
        title = try r.optionalString("title")
        url = try r.optionalString("url")
        language = try r.optionalString("language")
        translatedFrom = try r.optionalString("translated_from")
        translator = try r.optionalString("translator")
        retrieved = try r.optionalString("retrieved")
        content = try r.string("content")
    }
}
