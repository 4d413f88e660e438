import StrataLog

/// One claim with its whole history, folded from its stream.
public struct ClaimRecord: Sendable {
    /// One version of the claim: what changed, when the journal learned it, who recorded
    /// it, why, and the claim as it stood afterwards.
    public struct Version: Sendable {
        public enum Change: Sendable, Equatable {
            case asserted
            case corrected([String])
            case retracted
        }

        public let position: Position
        public let recordedAt: RecordTime
        public let recordedBy: String
        public let change: Change
        public let reason: String?
        public let report: ReportID?
        public let fields: ClaimFields
    }

    public let id: ClaimID
    public private(set) var fields: ClaimFields
    public private(set) var retracted = false
    public private(set) var versions: [Version] = []

    /// The claim's history from the log, or `nil` when no such claim was recorded.
    public static func load(_ id: ClaimID, from log: EventLog) throws -> ClaimRecord? {
        var record: ClaimRecord? = nil
        for e in try log.stream(Streams.claim(id)) {
            switch e.type.family {
            case ClaimAsserted.eventType.family:
                let asserted = try ClaimAsserted(payload: e.payload, type: e.type)
                var r = ClaimRecord(id: id, fields: asserted.fields)
                r.versions.append(Version(e, .asserted, reason: nil, report: id.report, fields: asserted.fields))
                record = r
            case ClaimCorrected.eventType.family:
                let c = try ClaimCorrected(payload: e.payload, type: e.type)
                guard var r = record else { continue }
                r.fields = try c.applied(to: r.fields)
                r.versions.append(
                    Version(e, .corrected(c.set.map(\.key)), reason: c.reason, report: c.report, fields: r.fields))
                record = r
            case ClaimRetracted.eventType.family:
                let c = try ClaimRetracted(payload: e.payload, type: e.type)
                guard var r = record else { continue }
                r.retracted = true
                r.versions.append(Version(e, .retracted, reason: c.reason, report: c.report, fields: r.fields))
                record = r
            default:
                continue
            }
        }
        return record
    }

    private init(id: ClaimID, fields: ClaimFields) {
        self.id = id
        self.fields = fields
    }
}

extension ClaimRecord.Version {
    fileprivate init(_ e: Envelope, _ change: Change, reason: String?, report: ReportID?, fields: ClaimFields) {
        self.init(
            position: e.position, recordedAt: e.recordedAt, recordedBy: e.recordedBy, change: change, reason: reason,
            report: report, fields: fields)
    }
}
