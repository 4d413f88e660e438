import StrataLog

/// A report file, decoded and checked on its own (references to the journal — sources and
/// claims of earlier reports — are checked when it is recorded).
public struct ReportDocument: Sendable {
    /// The `report` block: the report's id, outlet, publication date and the rest, with the
    /// lines they were written on.
    public struct Header: Sendable, Equatable {
        public var id: ReportID
        public var outlet: String
        public var published: String
        public var title: String?
        public var url: String?
        public var language: String?
        public var translatedFrom: String?
        public var translator: String?
        public var retrieved: String?
        /// The line of `report.id`.
        public var line: Int = 1
        /// The line of each field written, by its key (`published`).
        public var lines: [String: Int] = [:]

        /// The line of `report.field`, or of `report.id` when the field is not written.
        public func line(of field: String) -> Int { lines[field] ?? line }
    }

    /// One entry of `sources`: a source the report cites, as listed.
    public struct SourceEntry: Sendable, Equatable {
        public var id: SourceID
        public var name: String
        public var kind: SourceKind
        public var reliability: Reliability?
        public var description: String?
        public var line: Int
        /// Where the entry is (`sources[2]`), and the line of each of its fields, so an error
        /// about one field names it.
        public var path: String = "sources"
        public var lines: [String: Int] = [:]

        /// `sources[i].field` and its line (the entry's line when the field is not written).
        public func place(of field: String) -> (line: Int, field: String) { (lines[field] ?? line, "\(path).\(field)") }
    }

    /// A reference to a claim as written: `c2` (this report) or `other-report/c2`.
    public struct ClaimReference: Sendable, Equatable {
        public var text: String
        public var line: Int
        public var field: String

        public init(text: String, line: Int, field: String) {
            self.text = text
            self.line = line
            self.field = field
        }
    }

    /// One of a claim's `links`: a relation to another claim.
    public struct Link: Sendable, Equatable {
        public var relation: Relation
        public var claim: ClaimReference
    }

    /// One entry of `claims`: the claim's id, fields and links as written, before its
    /// source is resolved.
    public struct ClaimEntry: Sendable, Equatable {
        public var id: ClaimID
        /// How the claim named its source (a source id or the outlet's name), before
        /// resolution; `nil` means the outlet.
        public var sourceText: String?
        /// The line of `source`, or of the claim when it has none.
        public var sourceLine: Int
        public var fields: ClaimFields
        public var links: [Link]
        public var line: Int
    }

    public enum Correction: Sendable, Equatable {
        case correct(ClaimReference, set: [Payload.Field], setLines: [String: Int], reason: String)
        case retract(ClaimReference, reason: String)
        case link(ClaimReference, ClaimReference, Relation, reason: String?)
    }

    public var header: Header
    public var sources: [SourceEntry] = []
    public var claims: [ClaimEntry] = []
    public var corrections: [Correction] = []
    /// Names accepted but not known (places, commodities): each a warning to print.
    public var warnings: [InputError] = []
}
