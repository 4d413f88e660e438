/// The read models kept falling behind concurrent writes while a view was being read:
/// temporary, retrying may succeed.
public struct ReadModelBusy: Error, Sendable, CustomStringConvertible {
    public var description: String { "the read models kept falling behind concurrent writes; try again" }
}
