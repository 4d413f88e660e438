import StrataDomain
import StrataLog

/// Every live claim ordered by valid time (earliest start, then latest end, then record
/// order; an open start before every date, an open end after every date, claims with no
/// known time after all), with a one-line summary, its source and outlet,
/// its grade (the source's reliability at the view, then the claim's credibility: `C3`)
/// and when it was recorded.
public struct Timeline: Sendable {
    /// One live claim as `strata timeline` prints it (`schemas/timeline.schema.json`).
    public struct Row: Sendable, Equatable {
        public let claim: ClaimID
        public let kind: ClaimKind
        public let when: ValidTime
        public let summary: String
        public let source: SourceID
        public let outlet: String?
        public let grade: String
        public let recordedAt: RecordTime

        /// The payload's fields as CSV columns (see ``Shipments/Row/columns``).
        public static let columns = [
            "claim", "kind", "when.edtf", "when.earliest", "when.latest", "summary", "source", "outlet", "grade",
            "recorded_at",
        ]

        public var payload: Payload {
            .object([
                "claim": .string(claim.description), "kind": .string(kind.rawValue), "when": when.payload,
                "summary": .string(summary), "source": .string(source.rawValue),
                "outlet": outlet.map { .string($0) } ?? .null,
                "grade": .string(grade), "recorded_at": .string(recordedAt.iso8601),
            ])
        }
    }

    public let view: ViewPoint
    public let rows: [Row]

    public init(state: JournalState, view: View, point: ViewPoint, resolver: Resolver) {
        self.view = point
        let filter = ViewFilter(view: view, resolver: resolver)
        let claims = state.liveClaims(where: filter.admits)
        // An open start (`../D`) is before every date and an open end (`D/..`) after every
        // date; a claim whose time is unknown comes after all others.
        let sorted = claims.sorted { a, b in
            let (x, y) = (a.fields.when, b.fields.when)
            if x.isUnknown != y.isUnknown { return y.isUnknown }
            if x.earliestStart != y.earliestStart {
                guard let xs = x.earliestStart else { return true }
                guard let ys = y.earliestStart else { return false }
                return xs < ys
            }
            if x.latestEnd != y.latestEnd {
                guard let xe = x.latestEnd else { return false }
                guard let ye = y.latestEnd else { return true }
                return xe < ye
            }
            return a.position < b.position
        }
        rows = sorted.map { c in
            let f = c.fields
            let grade = (state.grades[f.source] ?? .f).rawValue + String(f.credibility.rawValue)
            return Row(
                claim: c.id, kind: f.kind, when: f.when, summary: Timeline.summary(f, resolver), source: f.source,
                outlet: c.outlet, grade: grade, recordedAt: c.recordedAt)
        }
    }

    /// `gold 20 t (about) KP → Dalian`, or the words said for claims that move nothing, whole,
    /// on one line (a table cuts it to the terminal's width; the other formats keep it whole).
    static func summary(_ f: ClaimFields, _ resolver: Resolver) -> String {
        guard f.kind == .shipment || f.kind == .total else {
            let said = f.said ?? f.note ?? f.kind.rawValue
            return said.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var parts: [String] = []
        parts.append(resolver.commodity(f.commodity) ?? "goods")
        if let q = f.quantity { parts.append(q.readable) }
        func places(_ ls: [Location]) -> String {
            ls.map { l in
                let r = resolver.resolve(l); return r.place ?? r.country ?? "?"
            }.joined(separator: ", ")
        }
        if !f.from.isEmpty || !f.to.isEmpty {
            parts.append("\(f.from.isEmpty ? "?" : places(f.from)) → \(f.to.isEmpty ? "?" : places(f.to))")
        }
        if let v = f.vessel?.name { parts.append("on \(resolver.vessel(v))") }
        return (f.kind == .total ? "total: " : "") + parts.joined(separator: " ")
    }
}

extension ValidTime {
    /// `{"edtf", "earliest", "latest"}`.
    public var payload: Payload {
        .object([
            "edtf": edtf.map { .string($0) } ?? .null, "earliest": earliest.map { .string($0.description) } ?? .null,
            "latest": latest.map { .string($0.description) } ?? .null,
        ])
    }
}
