import StrataDomain
import StrataLog

/// The stored forms of the read models' entities.
enum StateCodec {
    static func key(_ link: JournalState.Link) -> [UInt8] {
        Array("\(link.claim.description)|\(link.other.description)|\(link.relation.rawValue)".utf8)
    }

    static func key(_ kind: EntityKind, _ name: NameKey) -> [UInt8] { Array("\(kind.rawValue):\(name.rawValue)".utf8) }

    /// A claim's version: its state (flags, record time, positions, outlet and its source
    /// id), then its
    /// fields in their compact form (``ClaimFields/encode(into:)``).
    static func claim(_ c: JournalState.Claim) -> [UInt8] {
        var w = ByteWriter(capacity: 128)
        w.string(c.id.description)
        w.u8((c.retracted ? 1 : 0) | (c.outlet != nil ? 2 : 0) | (c.outletSource != nil ? 4 : 0))
        w.u64(UInt64(bitPattern: c.recordedAt.rawValue))
        w.varint(c.position.rawValue)
        w.varint(c.changed.rawValue)
        if let outlet = c.outlet { w.string(outlet) }
        if let source = c.outletSource { w.string(source.rawValue) }
        c.fields.encode(into: &w)
        return w.bytes
    }

    static func claim(_ bytes: [UInt8]) throws -> JournalState.Claim {
        try row("claim") {
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                let text = try r.string()
                guard let id = ClaimID(text) else { throw ByteReader.Truncated(offset: 0, reason: "claim id \(text)") }
                let flags = try r.u8()
                let recordedAt = RecordTime(microseconds: Int64(bitPattern: try r.u64()))
                let position = Position(try r.varint())
                let changed = Position(try r.varint())
                let outlet = flags & 2 != 0 ? try r.string() : nil
                var outletSource: SourceID? = nil
                if flags & 4 != 0 {
                    let text = try r.string()
                    guard let id = SourceID(text) else {
                        throw ByteReader.Truncated(offset: r.offset, reason: "outlet source \(text)")
                    }
                    outletSource = id
                }
                var c = JournalState.Claim(
                    id: id, fields: try ClaimFields(binary: &r), recordedAt: recordedAt, position: position,
                    changed: changed, outlet: outlet, outletSource: outletSource)
                c.retracted = flags & 1 != 0
                guard r.remaining == 0 else { throw ByteReader.Truncated(offset: r.offset, reason: "trailing bytes") }
                return c
            }
        }
    }

    /// Runs `decode` on a stored row: whatever it throws means the row is damaged (the code
    /// that wrote it wrote what it reads), so it is reported as a corrupted journal, not as
    /// an event this version cannot read.
    private static func row<T>(_ what: String, _ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch let e as LogError {
            throw e
        } catch {
            throw LogError.corrupted(position: nil, reason: "malformed stored \(what) (\(error))")
        }
    }

    static func report(_ bytes: [UInt8]) throws -> ReportFiled {
        try row("report") { try ReportFiled(payload: try Payload(binary: bytes), type: ReportFiled.eventType) }
    }

    static func source(_ registration: SourceRegistered, _ grade: Reliability?) -> [UInt8] {
        Payload.object(["registration": registration.payload, "grade": .text(grade?.rawValue)]).encode()
    }

    static func source(_ bytes: [UInt8]) throws -> (SourceRegistered, Reliability?) {
        try row("source") {
            let p = try Payload(binary: bytes)
            let registration = try SourceRegistered(
                payload: p["registration"] ?? .null, type: SourceRegistered.eventType)
            return (registration, p["grade"]?.stringValue.flatMap(Reliability.init(rawValue:)))
        }
    }

    static func link(_ key: [UInt8]) -> JournalState.Link? {
        let parts = String(decoding: key, as: UTF8.self).split(separator: "|").map(String.init)
        guard parts.count == 3, let a = ClaimID(parts[0]), let b = ClaimID(parts[1]),
            let r = Relation(rawValue: parts[2])
        else { return nil }
        return JournalState.Link(claim: a, other: b, relation: r)
    }

    static func alias(_ key: [UInt8]) -> (EntityKind, NameKey)? {
        let text = String(decoding: key, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), let kind = EntityKind(rawValue: String(text[..<colon])) else {
            return nil
        }
        return (kind, NameKey(String(text[text.index(after: colon)...])))
    }
}
