import StrataLog

/// A source with its registration and every grade it has had.
public struct SourceRecord: Sendable {
    /// One grade a source has had: a registration's or a rating's, with who recorded it,
    /// when and why.
    public struct Grade: Sendable {
        public let reliability: Reliability?
        public let reason: String?
        public let recordedAt: RecordTime
        public let recordedBy: String
    }

    public let registration: SourceRegistered
    public let grades: [Grade]
    /// The grade now (`nil`: never graded).
    public var current: Reliability? { grades.last?.reliability }
}

extension Journal {
    /// Every source in the journal, by id.
    public func sources() throws -> [SourceRecord] {
        try log.streams(category: Streams.sourceCategory).compactMap { try source(in: $0) }
    }

    /// A source's registration and grades, or `nil` when it is not in the journal.
    public func source(_ id: SourceID) throws -> SourceRecord? { try source(in: Streams.source(id)) }

    private func source(in stream: StreamID) throws -> SourceRecord? {
        var registration: SourceRegistered? = nil
        var grades: [SourceRecord.Grade] = []
        for e in try log.stream(stream) {
            if e.type.family == SourceRegistered.eventType.family {
                let r = try SourceRegistered(payload: e.payload, type: e.type)
                registration = r
                if r.reliability != nil {
                    grades.append(
                        .init(
                            reliability: r.reliability, reason: "registered", recordedAt: e.recordedAt,
                            recordedBy: e.recordedBy))
                }
            } else if e.type.family == SourceRated.eventType.family {
                let r = try SourceRated(payload: e.payload, type: e.type)
                grades.append(
                    .init(
                        reliability: r.reliability, reason: r.reason, recordedAt: e.recordedAt, recordedBy: e.recordedBy
                    ))
            }
        }
        return registration.map { SourceRecord(registration: $0, grades: grades) }
    }
}
