import StrataLog

extension DomainEvents {
    /// The check `strata import` makes of each event it reads, before anything of its
    /// batch is written (``EventLog/importNDJSON(from:batchSize:recordedAt:check:progress:)``):
    /// the analyst's name is one `$STRATA_ANALYST` could be; an event of the journal's types
    /// decodes as its type says (``check(type:payload:)``), holds no text a report file
    /// could not, lies in the stream its payload names, and starts its stream exactly when
    /// its type does (``startsStream(_:)``); another program's event stays out of the
    /// journal's own streams. Returns the streams that must have events by the end of the
    /// event's command (``References``).
    ///
    /// The check keeps the last type and analyst it judged: both repeat from line to line.
    public static func importCheck() -> ImportCheck {
        // An event of the journal's types must decode as its type says: appended, it
        // could not be taken back. (Types repeat from line to line: the last verdict
        // is kept.)
        var lastType: EventType? = nil
        var isJournalType = false
        // The analyst's name is checked as append checks $STRATA_ANALYST: it is printed
        // by strata claim and strata log. (Names repeat too.)
        var lastAnalyst: String? = nil
        return { type, stream, version, analyst, bytes in
            if analyst != lastAnalyst {
                if let problem = AnalystName.problem(in: analyst) {
                    throw ImportRefusal(field: "recorded_by", reason: "the analyst's name \(problem)")
                }
                lastAnalyst = analyst
            }
            if type != lastType {
                lastType = type
                isJournalType = DomainEvents.isJournalType(type)
            }
            guard isJournalType else {
                // Another program's events may share the journal, in streams of their own.
                guard !Streams.isJournalStream(stream) else {
                    throw ImportRefusal(
                        field: "type",
                        reason:
                            "stream \(stream) holds the journal's own events, and \(type.name) is not one of them")
                }
                return []
            }
            let payload = try Payload(binary: bytes)
            let references = try DomainEvents.check(type: type, payload: payload)
            if let problem = DomainEvents.textProblem(in: payload) {
                throw ImportRefusal(field: "payload", reason: problem)
            }
            // In the stream its payload names, after what it refers to (as the
            // journal's commands write events).
            guard let references else { return [] }
            guard references.stream == stream else {
                throw ImportRefusal(
                    field: "stream",
                    reason:
                        "a \(type.name) event of this payload belongs in stream \(references.stream), not \(stream)"
                )
            }
            // A rating, correction, retraction, unlink or unalias changes what its stream's
            // earlier events recorded: it cannot be the stream's first.
            if version <= 1, references.requires.contains(stream) {
                throw ImportRefusal(
                    field: "version",
                    reason:
                        "a \(type.name) event cannot start stream \(stream): it changes what an earlier event there recorded"
                )
            }
            // A registration, a report or an assertion is what its stream records: the
            // commands write it only as the stream's first event.
            if version > 1, DomainEvents.startsStream(type) {
                throw ImportRefusal(
                    field: "version",
                    reason:
                        "a \(type.name) event can only start its stream, and this one is version \(version) of \(stream)"
                )
            }
            return references.requires
        }
    }
}
