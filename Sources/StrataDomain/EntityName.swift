/// What a place, commodity or vessel name must be: the read models look names up by their
/// ``NameKey``, so a name must have a key — letters or digits — and a key short enough for
/// the claim index (a commodity-and-place pair is one LMDB key, at most 511 bytes).
public enum EntityName {
    /// The longest key a name may have, in UTF-8 bytes.
    public static let maximumKeyBytes = 200

    /// Why `name` cannot name a `what` ("place", "commodity", "vessel"), or `nil`.
    public static func problem(_ name: String, _ what: String) -> String? {
        if let problem = TextCharacters.problem(in: name) { return problem }
        if NameKey(name).rawValue.isEmpty { return "a \(what) name needs letters or digits" }
        return tooLong(name, what)
    }

    /// Why `name` is too long for the claim index, or `nil` (a commodity-and-place pair is
    /// one key).
    private static func tooLong(_ name: String, _ what: String) -> String? {
        let bytes = NameKey(name).rawValue.utf8.count
        guard bytes > maximumKeyBytes else { return nil }
        return "a \(what) name may have at most \(maximumKeyBytes) bytes of letters and digits; this one has \(bytes)"
    }
}
