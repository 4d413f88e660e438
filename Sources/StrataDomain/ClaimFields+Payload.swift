import StrataLog

extension ClaimFields {
    /// Reads the stored fields of a `claim.asserted` payload.
    init(reading r: PayloadReader) throws(EventDecodingError) {
        let kind = try r.parse("kind", "a claim kind", ClaimKind.init(rawValue:))
        let source = try r.parse("source", "a source id", SourceID.init)
        self.init(kind: kind, source: source)
        for key in ClaimFields.keys where key != "kind" && key != "source" && key != "when_said" {
            if let value = r.object[key] { try set(key, value, type: r.type, whenSaid: r.object["when_said"]) }
        }
    }

    /// Replaces one field from its stored form (as `claim.corrected` carries it).
    mutating func set(_ key: String, _ value: Payload, type: EventType, whenSaid: Payload? = nil) throws(EventDecodingError) {
        let r = try PayloadReader(.object([Payload.Field(key, value)]), type: type)
        switch key {
        case "kind": kind = try r.parse(key, "a claim kind", ClaimKind.init(rawValue:))
        case "source": source = try r.parse(key, "a source id", SourceID.init)
        case "said": said = try r.optionalString(key)
        case "credibility":
            guard let c = Credibility(rawValue: Int(try r.int(key))) else { throw r.fail(key, "1–6") }
            credibility = c
        case "when":
            let said = whenSaid?.stringValue
            if let edtf = try r.optionalString(key) {
                do {
                    when = try ValidTime(edtf: edtf, whenSaid: said)
                } catch {
                    throw r.fail(key, "EDTF (\(error.reason))")
                }
            } else {
                when = ValidTime.unknown.saying(said)
            }
        case "when_said": when = when.saying(try r.optionalString(key))
        case "commodity": commodity = try r.optionalString(key)
        case "quantity": quantity = try value.isNull ? nil : ClaimFields.quantity(value, r)
        case "from": from = try ClaimFields.locations(value, key, r)
        case "to": to = try ClaimFields.locations(value, key, r)
        case "vessel":
            if value.isNull {
                vessel = nil
            } else {
                let v = try PayloadReader(value, type: type)
                do {
                    vessel = try Vessel(
                        name: try v.optionalString("name"), imo: try v.optionalString("imo"),
                        flag: try v.optionalString("flag"))
                } catch {
                    throw r.fail(key, "a vessel (\(error))")
                }
            }
        case "voyages": voyages = try r.optionalString(key)
        case "method": method = try r.strings(key).map { (m: String) throws(EventDecodingError) -> ShipmentMethod in
                guard let method = ShipmentMethod(rawValue: m) else { throw r.fail(key, ShipmentMethod.choices) }
                return method
            }
        case "price":
            if value.isNull {
                price = nil
            } else {
                let p = try PayloadReader(value, type: type)
                guard let amount = value["amount"]?.doubleValue else { throw r.fail(key, "an amount") }
                price = Price(amount: amount, currency: try p.string("currency"), per: try p.optionalString("per"))
            }
        case "parties": parties = try r.strings(key)
        case "note": note = try r.optionalString(key)
        default: throw EventDecodingError(type: type, reason: "\(key): not a claim field")
        }
    }

    private static func quantity(_ value: Payload, _ r: PayloadReader) throws(EventDecodingError) -> Quantity {
        guard let unitText = value["unit"]?.stringValue, let unit = MassUnit(text: unitText) else {
            throw r.fail("quantity.unit", MassUnit.accepted)
        }
        let amount: Quantity.Amount
        if let lo = value["min"]?.doubleValue, let hi = value["max"]?.doubleValue {
            amount = .range(min: lo, max: hi)
        } else if let v = value["value"]?.doubleValue,
            let q = Quantity.Qualifier(rawValue: value["qualifier"]?.stringValue ?? "exact")
        {
            amount = .value(v, q)
        } else {
            throw r.fail("quantity", "{value, qualifier, unit} or {min, max, unit}")
        }
        do {
            return try Quantity(amount: amount, unit: unit)
        } catch {
            throw r.fail("quantity", error.message)
        }
    }

    private static func locations(_ value: Payload, _ key: String, _ r: PayloadReader) throws(EventDecodingError)
        -> [Location]
    {
        guard let items = value.arrayValue else { throw r.fail(key, "a list of places") }
        var out: [Location] = []
        for item in items {
            guard item.fields != nil else { throw r.fail(key, "a list of {place, country}") }
            out.append(Location(place: item["place"]?.stringValue, country: item["country"]?.stringValue))
        }
        return out
    }
}
