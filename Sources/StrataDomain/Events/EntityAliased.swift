import StrataLog

/// A name becomes another name for a place, commodity or vessel (`entity.aliased.v1`), or
/// stops being one (`entity.unaliased.v1`), in stream `alias-KIND-NAME`.
public struct EntityAliased: DomainEvent {
    public static let eventType: EventType = "entity.aliased.v1"

    public let kind: EntityKind
    public let name: String
    public let canonical: String
    public let reason: String?

    public init(kind: EntityKind, name: String, canonical: String, reason: String?) {
        self.kind = kind
        self.name = name
        self.canonical = canonical
        self.reason = reason
    }

    public var payload: Payload {
        .object([
            "kind": .string(kind.rawValue), "name": .string(name), "canonical": .string(canonical),
            "reason": .text(reason),
        ])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        kind = try r.parse("kind", EntityKind.choices, EntityKind.init(rawValue:))
        name = try r.string("name")
        canonical = try r.string("canonical")
        reason = try r.optionalString("reason")
    }

    /// Why `name` can be no alias of `canonical`, whatever the journal holds: one of them
    /// is no name (``EntityName/problem(_:_:)``), or both are the same name. `canonical`
    /// says which of the two is at fault. `strata alias` and an import check this; what
    /// depends on the journal (a name the gazetteer knows, chains) only the command does.
    public static func problem(_ kind: EntityKind, name: String, canonical: String) -> (
        canonical: Bool, reason: String
    )? {
        if let problem = EntityName.problem(name, kind.rawValue) { return (false, problem) }
        if let problem = EntityName.problem(canonical, kind.rawValue) { return (true, problem) }
        guard NameKey(name) != NameKey(canonical) else {
            return (false, "\"\(name)\" and \"\(canonical)\" are the same name: an alias names another")
        }
        return nil
    }
}

/// An alias is withdrawn: `entity.unaliased.v1`.
public struct EntityUnaliased: DomainEvent {
    public static let eventType: EventType = "entity.unaliased.v1"

    public let kind: EntityKind
    public let name: String
    public let reason: String?

    public init(kind: EntityKind, name: String, reason: String?) {
        self.kind = kind
        self.name = name
        self.reason = reason
    }

    public var payload: Payload {
        .object(["kind": .string(kind.rawValue), "name": .string(name), "reason": .text(reason)])
    }

    public init(payload: Payload, type: EventType) throws(EventDecodingError) {
        try Self.checkVersion(type)
        let r = try PayloadReader(payload, type: type)
        kind = try r.parse("kind", EntityKind.choices, EntityKind.init(rawValue:))
        name = try r.string("name")
        reason = try r.optionalString("reason")
    }
}
