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
    mutating func set(_ key: String, _ value: Payload, type: EventType, whenSaid: Payload? = nil)
        throws(EventDecodingError)
    {
        let r = PayloadValue(key: key, value: value, type: type)
        switch key {
        case "kind": kind = try r.parse("a claim kind", ClaimKind.init(rawValue:))
        case "source": source = try r.parse("a source id", SourceID.init)
        case "said": said = try r.optionalString()
        case "credibility":
            guard let c = Credibility(rawValue: Int(try r.int())) else { throw r.fail("1–6") }
            credibility = c
        case "when":
            let said = whenSaid?.stringValue
            if let edtf = try r.optionalString() {
                do {
                    when = try ValidTime(edtf: edtf, whenSaid: said)
                } catch {
                    throw r.fail("EDTF (\(error.reason))")
                }
            } else {
                when = ValidTime.unknown.saying(said)
            }
        case "when_said": when = when.saying(try r.optionalString())
        case "commodity": commodity = try r.optionalString()
        case "quantity": quantity = try value.isNull ? nil : ClaimFields.quantity(value, r)
        // A correction's null removes a field: an empty list for the lists.
        case "from": from = value.isNull ? [] : try ClaimFields.locations(value, r)
        case "to": to = value.isNull ? [] : try ClaimFields.locations(value, r)
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
                    throw r.fail("a vessel (\(error))")
                }
            }
        case "voyages": voyages = try r.optionalString()
        case "method":
            method = try (value.isNull ? [] : r.strings()).map {
                (m: String) throws(EventDecodingError) -> ShipmentMethod in
                guard let method = ShipmentMethod(rawValue: m) else { throw r.fail(ShipmentMethod.choices) }
                return method
            }
        case "price":
            if value.isNull {
                price = nil
            } else {
                let p = try PayloadReader(value, type: type)
                guard let amount = value["amount"]?.doubleValue else { throw r.fail("an amount") }
                price = Price(amount: amount, currency: try p.string("currency"), per: try p.optionalString("per"))
            }
        case "parties": parties = value.isNull ? [] : try r.strings()
        case "note": note = try r.optionalString()
        default: throw EventDecodingError(type: type, reason: "\(key): not a claim field")
        }
    }

    private static func quantity(_ value: Payload, _ r: PayloadValue) throws(EventDecodingError) -> Quantity {
        guard let unitText = value["unit"]?.stringValue, let unit = MassUnit(text: unitText) else {
            throw PayloadValue(key: "quantity.unit", value: value["unit"], type: r.type).fail(MassUnit.accepted)
        }
        let amount: Quantity.Amount
        if let lo = value["min"]?.doubleValue, let hi = value["max"]?.doubleValue {
            amount = .range(min: lo, max: hi)
        } else if let v = value["value"]?.doubleValue,
            let q = Quantity.Qualifier(rawValue: value["qualifier"]?.stringValue ?? "exact")
        {
            amount = .value(v, q)
        } else {
            throw r.fail("{value, qualifier, unit} or {min, max, unit}")
        }
        do {
            return try Quantity(amount: amount, unit: unit)
        } catch {
            throw r.fail(error.message)
        }
    }

    private static func locations(_ value: Payload, _ r: PayloadValue) throws(EventDecodingError)
        -> [Location]
    {
        guard let items = value.arrayValue else { throw r.fail("a list of places") }
        var out: [Location] = []
        for item in items {
            guard item.fields != nil else { throw r.fail("a list of {place, country}") }
            out.append(Location(place: item["place"]?.stringValue, country: item["country"]?.stringValue))
        }
        return out
    }
}
