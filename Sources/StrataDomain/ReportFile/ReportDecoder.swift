import StrataLog

/// Turns a report file's ``DocumentNode`` into a ``ReportDocument``, refusing anything the
/// report format does not allow, with the line and field of each problem.
public struct ReportDecoder: Sendable {
    public let gazetteer: Gazetteer
    public let taxonomy: CommodityTaxonomy

    /// The clock's time, for the warning a report published in the future gets.
    public let now: RecordTime

    public init(gazetteer: Gazetteer = .bundled, taxonomy: CommodityTaxonomy = .bundled, now: RecordTime = .now()) {
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self.now = now
    }

    static let topKeys = ["report", "sources", "claims", "corrections"]
    static let reportKeys = [
        "id", "outlet", "published", "title", "url", "language", "translated_from", "translator", "retrieved",
    ]
    static let sourceKeys = ["id", "name", "kind", "reliability", "description"]

    /// Reads a report file's bytes (`json` chooses the syntax).
    public func decode(_ bytes: [UInt8], json: Bool) throws(InputError) -> ReportDocument {
        try decode(DocumentNode.read(bytes, json: json))
    }

    public func decode(_ root: DocumentNode) throws(InputError) -> ReportDocument {
        let top = try NodeReader(root, path: "").mapping(allowed: Self.topKeys)
        var document = ReportDocument(header: try header(try top.required("report")))
        // A date alone is read as 00:00 UTC; outlets east of UTC (Seoul, Tokyo: +9; up to
        // +14) publish on "tomorrow" while it is still today in UTC.
        let eastmost: Int64 = 14 * 3600 * 1_000_000
        if let published = RecordTime(iso8601: document.header.published, dateOnly: .startOfDay),
            published.microseconds > now.microseconds + eastmost
        {
            document.warnings.append(
                InputError(
                    line: document.header.line(of: "published"), field: "report.published",
                    "\(document.header.published) is in the future, accepted; a report is read after it is published (a mistyped year?)"
                ))
        }
        if let list = top.optional("sources") {
            for item in try list.sequence() { document.sources.append(try source(item)) }
            try unique(document.sources.map { ($0.id.rawValue, $0.line) }, what: "source id", field: "sources")
        }
        if let list = top.optional("claims") {
            var decoder = ClaimDecoder(report: document.header.id, gazetteer: gazetteer, taxonomy: taxonomy)
            for item in try list.sequence() { document.claims.append(try decoder.claim(item)) }
            document.warnings += decoder.warnings
            try unique(document.claims.map { ($0.id.local, $0.line) }, what: "claim id", field: "claims")
        }
        if let list = top.optional("corrections") {
            var decoder = ClaimDecoder(report: document.header.id, gazetteer: gazetteer, taxonomy: taxonomy)
            for item in try list.sequence() { document.corrections.append(try decoder.correction(item)) }
            document.warnings += decoder.warnings
        }
        return document
    }

    /// Decodes one correction entry as a report's `corrections:` holds it: how the
    /// `correct`, `retract` and `link` commands check their arguments. Returns it with the
    /// warnings a report file would get for it (unknown names it sets).
    public func correction(_ node: DocumentNode, report: ReportID) throws(InputError) -> (
        ReportDocument.Correction, warnings: [InputError]
    ) {
        var decoder = ClaimDecoder(report: report, gazetteer: gazetteer, taxonomy: taxonomy)
        let correction = try decoder.correction(NodeReader(node, path: ""))
        return (correction, decoder.warnings)
    }

    /// A correction of `claim` given as assignments (`strata correct --set FIELD=VALUE`),
    /// each value YAML as a report file's `set:` holds it (nothing, or only spaces, is
    /// null), decoded as the report-file entry `{correct: claim, set: …, reason: …}` would
    /// be. Errors name fields as that entry's paths (`set.quantity.unit`, `correct`), as
    /// the journal's own checks of the correction do; a field set twice is refused.
    public func correction(
        of claim: ClaimID, setting assignments: [(field: String, value: String)], reason: String
    ) throws(InputError) -> (ReportDocument.Correction, warnings: [InputError]) {
        var members: [DocumentNode.Member] = []
        for (field, text) in assignments {
            // One value a field, as one key a mapping in a report file.
            guard !members.contains(where: { $0.key == field }) else {
                throw InputError(field: "set.\(field)", "given twice: set each field once")
            }
            var value = DocumentNode.Value.null
            if !text.allSatisfy(\.isWhitespace) {
                do throws(InputError) {
                    value = try DocumentNode.read(Array(text.utf8), json: false).value
                } catch {
                    throw InputError(field: "set.\(field)", error.message)
                }
            }
            members.append(DocumentNode.Member(key: field, line: 1, value: DocumentNode(line: 1, value: value)))
        }
        func member(_ key: String, _ value: DocumentNode.Value) -> DocumentNode.Member {
            DocumentNode.Member(key: key, line: 1, value: DocumentNode(line: 1, value: value))
        }
        let entry = DocumentNode(
            line: 1,
            value: .mapping([
                member("correct", .scalar(claim.description)), member("set", .mapping(members)),
                member("reason", .scalar(reason)),
            ]))
        return try correction(entry, report: claim.report)
    }

    private func header(_ r: NodeReader) throws(InputError) -> ReportDocument.Header {
        let m = try r.mapping(allowed: Self.reportKeys)
        let idReader = try m.required("id")
        guard let id = ReportID(try idReader.text()) else {
            throw idReader.error("a report id is \(Slug.rule) characters")
        }
        let publishedReader = try m.required("published")
        let published = try publishedReader.text()
        guard RecordTime(iso8601: published) != nil else {
            throw publishedReader.error(
                "expected an ISO 8601 date or date-time (2020-05-22 or 2020-05-22T10:00:00Z), not \"\(published)\"")
        }
        let outletReader = try m.required("outlet")
        let outlet = try outletReader.text()
        if let problem = SourceID.outletProblem(named: outlet) { throw outletReader.error(problem) }
        var header = ReportDocument.Header(
            id: id, outlet: outlet, published: published, title: try m.optional("title")?.text(),
            url: try m.optional("url")?.text(), language: try m.optional("language")?.text(),
            translatedFrom: try m.optional("translated_from")?.text(), translator: try m.optional("translator")?.text(),
            retrieved: try m.optional("retrieved")?.text(), line: idReader.node.line)
        for key in Self.reportKeys { header.lines[key] = m.optional(key)?.node.line }
        return header
    }

    private func source(_ r: NodeReader) throws(InputError) -> ReportDocument.SourceEntry {
        let m = try r.mapping(allowed: Self.sourceKeys)
        let idReader = try m.required("id")
        guard let id = SourceID(try idReader.text()) else {
            throw idReader.error("a source id is \(Slug.rule) characters")
        }
        let name = try m.required("name"), kind = try m.required("kind")
        let reliability = m.optional("reliability"), description = m.optional("description")
        var lines = ["id": idReader.node.line, "name": name.node.line, "kind": kind.node.line]
        lines["reliability"] = reliability?.node.line
        lines["description"] = description?.node.line
        return ReportDocument.SourceEntry(
            id: id, name: try name.text(), kind: try kind.choice(SourceKind.self),
            reliability: try reliability?.choice(Reliability.self, Reliability.init(text:)),
            description: try description?.text(), line: r.node.line, path: r.path, lines: lines)
    }

    private func unique(_ items: [(String, Int)], what: String, field: String) throws(InputError) {
        var seen: [String: Int] = [:]
        for (id, line) in items {
            if let first = seen[id] {
                throw InputError(line: line, field: field, "duplicate \(what) \"\(id)\" (first at line \(first))")
            }
            seen[id] = line
        }
    }
}
