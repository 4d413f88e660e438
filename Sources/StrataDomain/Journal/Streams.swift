import StrataLog

/// The stream of each thing the journal records: one per source, report, claim, pair of
/// linked claims and aliased name.
public enum Streams {
    /// The categories of claim, report and source streams (``StreamID/category``).
    public static let claimCategory = "claim"
    public static let reportCategory = "report"
    public static let sourceCategory = "source"

    public static func source(_ id: SourceID) -> StreamID { make("\(sourceCategory)-\(id.rawValue)") }
    public static func report(_ id: ReportID) -> StreamID { make("\(reportCategory)-\(id.rawValue)") }
    public static func claim(_ id: ClaimID) -> StreamID { make("\(claimCategory)-\(id.description)") }

    /// Links between two claims, whichever way round they are named.
    public static func link(_ a: ClaimID, _ b: ClaimID) -> StreamID {
        let (x, y) = a < b ? (a, b) : (b, a)
        return make("link-\(x.description)|\(y.description)")
    }

    /// Aliases of one name of one kind; names compare as ``NameKey``s (without case,
    /// accents, apostrophes or hyphens), as the gazetteer compares them.
    public static func alias(_ kind: EntityKind, _ name: String) -> StreamID {
        make("alias-\(kind.rawValue)-\(NameKey(name).rawValue.prefix(300))")
    }

    /// The categories of the streams made here.
    private static let categories: Set<Substring> = [
        sourceCategory[...], reportCategory[...], claimCategory[...], "link", "alias",
    ]

    /// Whether `stream` is of a category the journal's own events use: an import takes no
    /// other program's events into one (they would stop the commands that read it).
    public static func isJournalStream(_ stream: StreamID) -> Bool { categories.contains(stream.category) }

    /// Ids are at most 120 bytes (``Slug``), so every stream id made here fits
    /// ``StreamID/maximumLength`` (a link's, the longest, is 488 bytes).
    private static func make(_ text: String) -> StreamID {
        guard let s = StreamID(text) else {
            preconditionFailure("stream ids built from checked ids are valid: \(text)")
        }
        return s
    }
}
