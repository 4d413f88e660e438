/// What an import also writes in each of its transactions: read models that commit with the
/// events they fold, as an append's `alsoWrite` does
/// (``EventLog/importNDJSON(from:batchSize:recordedAt:check:projection:progress:)``).
public struct ImportProjection: Sendable {
    /// The families of the events `write` is given; the import decodes no others for it.
    public let families: EventFamilies
    /// Called in each import transaction that wrote events, after they are written, with
    /// the positions it wrote (consecutive) and what decodes those of its events in
    /// `families` (called only by a projection that folds them, so one that is behind
    /// decodes nothing).
    public let write:
        @Sendable (EventLog.WriteTransaction, ClosedRange<Position>, () throws -> [Envelope]) throws -> Void

    public init(
        families: EventFamilies,
        write:
            @escaping @Sendable (EventLog.WriteTransaction, ClosedRange<Position>, () throws -> [Envelope]) throws
            -> Void
    ) {
        self.families = families
        self.write = write
    }
}
