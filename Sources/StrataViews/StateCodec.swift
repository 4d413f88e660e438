import StrataDomain
import StrataLog

/// The stored forms of the read models' entities. Claims reuse the `claim.asserted`
/// payload (so one decoder reads both) with their state beside it.
enum StateCodec {
    static func key(_ id: ClaimID) -> [UInt8] { Array(id.description.utf8) }

    static func key(_ link: JournalState.Link) -> [UInt8] {
        Array("\(link.claim.description)|\(link.other.description)|\(link.relation.rawValue)".utf8)
    }

    static func key(_ kind: EntityKind, _ name: NameKey) -> [UInt8] { Array("\(kind.rawValue):\(name.rawValue)".utf8) }

    static func claim(_ c: JournalState.Claim) -> [UInt8] {
        let asserted = ClaimAsserted(claim: c.id, fields: c.fields).payload.fields ?? []
        return Payload.object(
            asserted + [
                Payload.Field("retracted", .bool(c.retracted)),
                Payload.Field("recorded_at", .int(c.recordedAt.rawValue)),
                Payload.Field("position", .int(Int64(c.position.rawValue))),
                Payload.Field("changed", .int(Int64(c.changed.rawValue))),
                Payload.Field("outlet", .text(c.outlet)),
            ]
        ).encode()
    }

    static func claim(_ bytes: [UInt8]) throws -> JournalState.Claim {
        let p = try Payload(binary: bytes)
        let asserted = try ClaimAsserted(payload: p, type: ClaimAsserted.eventType)
        guard let at = p["recorded_at"]?.intValue, let pos = p["position"]?.intValue, let changed = p["changed"]?.intValue
        else { throw LogError.corrupted(position: nil, reason: "malformed stored claim \(asserted.claim)") }
        var c = JournalState.Claim(
            id: asserted.claim, fields: asserted.fields, recordedAt: RecordTime(microseconds: at),
            position: Position(UInt64(pos)), changed: Position(UInt64(changed)), outlet: p["outlet"]?.stringValue)
        c.retracted = p["retracted"]?.boolValue ?? false
        return c
    }

    static func report(_ bytes: [UInt8]) throws -> ReportFiled {
        try ReportFiled(payload: try Payload(binary: bytes), type: ReportFiled.eventType)
    }

    static func source(_ registration: SourceRegistered, _ grade: Reliability?) -> [UInt8] {
        Payload.object(["registration": registration.payload, "grade": .text(grade?.rawValue)]).encode()
    }

    static func source(_ bytes: [UInt8]) throws -> (SourceRegistered, Reliability?) {
        let p = try Payload(binary: bytes)
        let registration = try SourceRegistered(payload: p["registration"] ?? .null, type: SourceRegistered.eventType)
        return (registration, p["grade"]?.stringValue.flatMap(Reliability.init(rawValue:)))
    }

    static func link(_ key: [UInt8]) -> JournalState.Link? {
        let parts = String(decoding: key, as: UTF8.self).split(separator: "|").map(String.init)
        guard parts.count == 3, let a = ClaimID(parts[0]), let b = ClaimID(parts[1]), let r = Relation(rawValue: parts[2])
        else { return nil }
        return JournalState.Link(claim: a, other: b, relation: r)
    }

    static func alias(_ key: [UInt8]) -> (EntityKind, NameKey)? {
        let text = String(decoding: key, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), let kind = EntityKind(rawValue: String(text[..<colon])) else { return nil }
        return (kind, NameKey(String(text[text.index(after: colon)...])))
    }
}
