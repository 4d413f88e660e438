import StrataLog

/// What a claim says: every field a report file can give a claim, typed. Stored in
/// `claim.asserted` payloads and replaced field by field by `claim.corrected`.
public struct ClaimFields: Hashable, Sendable {
    public var kind: ClaimKind
    public var source: SourceID
    public var said: String?
    public var credibility: Credibility = .cannotBeJudged
    public var when: ValidTime = .unknown
    public var commodity: String?
    public var quantity: Quantity?
    public var from: [Location] = []
    public var to: [Location] = []
    public var vessel: Vessel?
    public var voyages: String?
    public var method: [ShipmentMethod] = []
    public var price: Price?
    public var parties: [String] = []
    public var note: String?

    public init(kind: ClaimKind, source: SourceID) {
        self.kind = kind
        self.source = source
    }

    /// The keys a claim can have besides `id` and `links`, in stored order. `when_said`
    /// travels inside `when`.
    public static let keys = [
        "kind", "source", "said", "credibility", "when", "when_said", "commodity", "quantity", "from", "to",
        "vessel", "voyages", "method", "price", "parties", "note",
    ]

    /// Which keys make sense for which kinds (`kind`, `source`, `said`, `credibility`,
    /// `when`, `when_said`, `note` fit all).
    public static func allows(_ key: String, for kind: ClaimKind) -> Bool {
        switch key {
        case "commodity": return [.shipment, .total, .agreement, .price].contains(kind)
        case "quantity", "from", "to": return [.shipment, .total].contains(kind)
        case "vessel": return [.shipment, .observation].contains(kind)
        case "voyages", "method": return kind == .shipment
        case "price": return [.price, .shipment].contains(kind)
        case "parties": return [.agreement, .policy].contains(kind)
        default: return true
        }
    }

    /// The stored fields, in ``keys`` order.
    public var payloadFields: [Payload.Field] {
        ClaimFields.keys.map { Payload.Field($0, value(of: $0)) }
    }

    /// The stored form of one field.
    public func value(of key: String) -> Payload {
        switch key {
        case "kind": return .string(kind.rawValue)
        case "source": return .string(source.rawValue)
        case "said": return .text(said)
        case "credibility": return .int(Int64(credibility.rawValue))
        case "when": return .text(when.edtf)
        case "when_said": return .text(when.whenSaid)
        case "commodity": return .text(commodity)
        case "quantity": return quantity.map(ClaimFields.encode) ?? .null
        case "from": return .array(from.map(ClaimFields.encode))
        case "to": return .array(to.map(ClaimFields.encode))
        case "vessel":
            return vessel.map { .object(["name": .text($0.name), "imo": .text($0.imo), "flag": .text($0.flag)]) }
                ?? .null
        case "voyages": return .text(voyages)
        case "method": return .texts(method.map(\.rawValue))
        case "price":
            return price.map {
                .object(["amount": .double($0.amount), "currency": .string($0.currency), "per": .text($0.per)])
            }
                ?? .null
        case "parties": return .texts(parties)
        case "note": return .text(note)
        default: preconditionFailure("not a claim field: \(key)")
        }
    }

    private static func encode(_ q: Quantity) -> Payload {
        switch q.amount {
        case .value(let v, let qualifier):
            return .object([
                "value": .double(v), "qualifier": .string(qualifier.rawValue), "unit": .string(q.unit.rawValue),
            ])
        case .range(let lo, let hi):
            return .object(["min": .double(lo), "max": .double(hi), "unit": .string(q.unit.rawValue)])
        }
    }

    private static func encode(_ l: Location) -> Payload {
        .object(["place": .text(l.place), "country": .text(l.country)])
    }
}

extension ValidTime {
    /// The same time with another original phrase (`when_said`).
    func saying(_ phrase: String?) -> ValidTime {
        guard let edtf else { return .unknown(whenSaid: phrase) }
        // The text parsed once already, so it parses again.
        return (try? ValidTime(edtf: edtf, whenSaid: phrase)) ?? self
    }
}
