/// One recorded event: its place in the log, identity, stream, record time and who
/// recorded it, the command it came from, and its payload.
public struct Envelope: Hashable, Sendable {
    public let position: Position
    public let id: EventID
    public let type: EventType
    public let stream: StreamID
    /// The event's version in its stream: 1, 2, 3…
    public let version: UInt64
    /// When the journal recorded it (all events of one command share it).
    public let recordedAt: RecordTime
    /// The analyst who recorded it.
    public let recordedBy: String
    /// The command the event came from: all events of one command share it.
    public let correlationID: EventID
    /// The event that caused this one, if any.
    public let causationID: EventID?
    public let payload: Payload

    public init(
        position: Position, id: EventID, type: EventType, stream: StreamID, version: UInt64,
        recordedAt: RecordTime, recordedBy: String, correlationID: EventID, causationID: EventID?,
        payload: Payload
    ) {
        self.position = position
        self.id = id
        self.type = type
        self.stream = stream
        self.version = version
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.correlationID = correlationID
        self.causationID = causationID
        self.payload = payload
    }

    /// The schema version of the payload, from the type name's `.vN`.
    public var schemaVersion: UInt16 { type.schemaVersion }
}

/// An event a command wants to append: the log assigns position, version and record time.
public struct ProposedEvent: Hashable, Sendable {
    public let id: EventID
    public let type: EventType
    public let payload: Payload
    public let causationID: EventID?

    public init(id: EventID = .make(), type: EventType, payload: Payload, causationID: EventID? = nil) {
        self.id = id
        self.type = type
        self.payload = payload
        self.causationID = causationID
    }
}

/// Events for one stream with what the writer expects of that stream.
public struct StreamAppend: Sendable {
    public let stream: StreamID
    public let expected: ExpectedVersion
    public let events: [ProposedEvent]

    public init(stream: StreamID, expected: ExpectedVersion = .any, events: [ProposedEvent]) {
        self.stream = stream
        self.expected = expected
        self.events = events
    }
}

/// What an append did.
public struct AppendResult: Sendable, Equatable {
    /// The positions of the events appended, or `nil` when every event was already there.
    public let positions: ClosedRange<Position>?
    /// How many events were new.
    public let appended: Int
    /// How many events were already in the log with the same content (idempotent retry).
    public let unchanged: Int
    /// The record time given to the new events (or the log's last, if none was new).
    public let recordedAt: RecordTime
    /// Each stream's version after the append.
    public let streamVersions: [StreamID: UInt64]
}
