import StrataLog

/// Decodes claims and corrections of one report file: each field checked against the
/// report format, names looked up in the gazetteer and taxonomy (unknown ones accepted
/// with a warning).
struct ClaimDecoder {
    let report: ReportID
    let gazetteer: Gazetteer
    let taxonomy: CommodityTaxonomy
    private(set) var warnings: [InputError] = []

    init(report: ReportID, gazetteer: Gazetteer, taxonomy: CommodityTaxonomy) {
        self.report = report
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
    }

    static let claimKeys = ["id", "links"] + ClaimFields.keys
    static let correctionKeys = ["correct", "retract", "link", "set", "relation", "reason"]

    mutating func claim(_ r: NodeReader) throws(InputError) -> ReportDocument.ClaimEntry {
        let m = try r.mapping(allowed: Self.claimKeys)
        let idReader = try m.required("id")
        guard let id = ClaimID(report: report, local: try idReader.text()) else {
            throw idReader.error("a claim id is \(Slug.rule) characters")
        }
        let kind = try m.required("kind").choice(ClaimKind.self)
        // The source is resolved when recorded; until then any valid id stands in.
        var fields = ClaimFields(kind: kind, source: SourceID("pending") ?? id.report.asSource)
        let sourceReader = m.optional("source")
        let sourceText = try sourceReader?.text()
        for member in m.members where member.value.value != .null {
            guard !["id", "kind", "source", "links"].contains(member.key) else { continue }
            let field = r.child(member.value, key: member.key)
            guard ClaimFields.allows(member.key, for: kind) else {
                throw InputError(line: member.line, field: field.path, "not a field of \(kind.rawValue) claims")
            }
            try set(member.key, from: field, into: &fields, whenSaid: m.optional("when_said"))
        }
        var links: [ReportDocument.Link] = []
        if let list = m.optional("links") {
            for item in try list.sequence() {
                let lm = try item.mapping(allowed: ["relation", "claim"])
                let target = try lm.required("claim")
                links.append(
                    ReportDocument.Link(
                        relation: try lm.required("relation").choice(Relation.self),
                        claim: ReportDocument.ClaimReference(
                            text: try target.text(), line: target.node.line, field: target.path)))
            }
        }
        return ReportDocument.ClaimEntry(
            id: id, sourceText: sourceText, sourceLine: sourceReader?.node.line ?? r.node.line, fields: fields,
            links: links,
            line: r.node.line)
    }

    mutating func correction(_ r: NodeReader) throws(InputError) -> ReportDocument.Correction {
        let m = try r.mapping(allowed: Self.correctionKeys)
        let verbs = ["correct", "retract", "link"].filter { m.has($0) }
        guard verbs.count == 1, let verb = verbs.first else {
            throw r.error("a correction has exactly one of correct, retract or link")
        }
        func reference(_ reader: NodeReader) throws(InputError) -> ReportDocument.ClaimReference {
            ReportDocument.ClaimReference(text: try reader.text(), line: reader.node.line, field: reader.path)
        }
        switch verb {
        case "correct":
            for key in ["relation"] where m.has(key) { throw r.error("\(key) belongs to link corrections") }
            let target = try reference(try m.required("correct"))
            let setReader = try m.required("set")
            let sm = try setReader.mapping(allowed: ClaimFields.keys)
            guard !sm.members.isEmpty else { throw setReader.error("names no field to correct") }
            var scratch = ClaimFields(kind: .shipment, source: report.asSource)
            var set: [Payload.Field] = []
            var lines: [String: Int] = [:]
            for key in ClaimFields.keys {
                guard let member = sm.members.first(where: { $0.key == key }) else { continue }
                let field = setReader.child(member.value, key: key)
                if member.value.value == .null {
                    guard !["kind", "source", "credibility"].contains(key) else {
                        throw field.error("cannot be removed")
                    }
                    set.append(Payload.Field(key, .null))
                } else if key == "source" {
                    // A source id or an outlet's name: resolved against the journal when recorded.
                    set.append(Payload.Field(key, .string(try field.text())))
                } else {
                    try self.set(key, from: field, into: &scratch, whenSaid: sm.optional("when_said"))
                    set.append(Payload.Field(key, scratch.value(of: key)))
                }
                lines[key] = member.line
            }
            return .correct(target, set: set, setLines: lines, reason: try m.required("reason").text())
        case "retract":
            for key in ["set", "relation"] where m.has(key) { throw r.error("\(key) does not belong to a retraction") }
            return .retract(try reference(try m.required("retract")), reason: try m.required("reason").text())
        default:
            if m.has("set") { throw r.error("set does not belong to a link") }
            let pair = try m.required("link")
            let ends = try pair.sequence()
            guard ends.count == 2 else { throw pair.error("expected two claim ids: [first, second]") }
            return .link(
                try reference(ends[0]), try reference(ends[1]), try m.required("relation").choice(Relation.self),
                reason: try m.optional("reason")?.text())
        }
    }

    /// Decodes one claim field into `fields`.
    private mutating func set(_ key: String, from r: NodeReader, into fields: inout ClaimFields, whenSaid: NodeReader?)
        throws(InputError)
    {
        switch key {
        case "kind": fields.kind = try r.choice(ClaimKind.self)
        case "source":
            let t = try r.text()
            guard let id = SourceID(t) else { throw r.error("a source id is \(Slug.rule) characters") }
            fields.source = id
        case "said": fields.said = try r.text()
        case "credibility":
            let t = try r.text()
            guard let c = Credibility(text: t) else {
                throw r.error("expected a credibility from 1 to 6, not \"\(t)\"")
            }
            fields.credibility = c
        case "when":
            let t = try r.text()
            let phrase = try whenSaid?.text()
            do throws(EDTFError) {
                fields.when = try ValidTime(edtf: t, whenSaid: phrase)
            } catch {
                // Words ("early April", "May 2020") rather than a mistyped date: say what
                // EDTF looks like. A date-time's T and Z, an X digit or a Y year are no word,
                // and keep the parser's reason.
                if zip(t, t.dropFirst()).contains(where: { $0.isLetter && $1.isLetter }) {
                    throw r.error(
                        "\"\(t)\" is not EDTF: write YYYY, YYYY-MM, YYYY-MM-DD or an interval A/B, and keep the phrase in when_said"
                    )
                }
                throw r.error("\"\(t)\" is not a valid EDTF time: \(error.reason)")
            }
        case "when_said":
            if fields.when.edtf == nil { fields.when = ValidTime.unknown.saying(try r.text()) }
        case "commodity":
            let t = try r.text()
            if let problem = EntityName.problem(t, "commodity") { throw r.error(problem) }
            if taxonomy.commodity(named: t) == nil {
                warnings.append(
                    r.error(
                        "unknown commodity \"\(t)\", accepted; resolve it with `strata alias commodity \"\(t)\" CANONICAL`"
                    ))
            }
            fields.commodity = t
        case "quantity": fields.quantity = try quantity(r)
        case "from": fields.from = try locations(r)
        case "to": fields.to = try locations(r)
        case "vessel": fields.vessel = try vessel(r)
        case "voyages":
            let voyages = try r.text()
            // A count or a word ("several"); a count is never negative.
            if let n = Double(voyages), n < 0 || (n == 0 && voyages.hasPrefix("-")) {
                throw r.error("must not be negative")
            }
            fields.voyages = voyages
        case "method":
            fields.method = []
            for (t, item) in try r.textItems() {
                guard let m = ShipmentMethod(rawValue: t) else {
                    throw item.error("\"\(t)\" is not one of \(ShipmentMethod.choices)")
                }
                fields.method.append(m)
            }
        case "price":
            let m = try r.mapping(allowed: ["amount", "currency", "per"])
            let currency = try m.required("currency").text()
            if let problem = Price.currencyProblem(currency) { throw try m.required("currency").error(problem) }
            let amount = try m.required("amount")
            let value = try amount.number()
            guard value >= 0 else { throw amount.error("must not be negative") }
            // -0 is 0 (it printed as -0.0).
            fields.price = Price(amount: value == 0 ? 0 : value, currency: currency, per: try m.optional("per")?.text())
        case "parties": fields.parties = try r.texts()
        case "note": fields.note = try r.text()
        default: throw r.error("not a claim field")
        }
    }

    private func quantity(_ r: NodeReader) throws(InputError) -> Quantity {
        let m = try r.mapping(allowed: ["value", "unit", "qualifier", "min", "max"])
        let unitReader = try m.required("unit")
        let unitText = try unitReader.text()
        guard let unit = MassUnit(text: unitText) else {
            if let ambiguity = MassUnit.ambiguity(unitText) { throw unitReader.error(ambiguity) }
            throw unitReader.error("unknown unit \"\(unitText)\"; expected \(MassUnit.accepted)")
        }
        let amount: Quantity.Amount
        if m.has("min") || m.has("max") {
            guard !m.has("value"), !m.has("qualifier") else {
                throw r.error("give either value (and qualifier) or min and max")
            }
            amount = .range(min: try m.required("min").number(), max: try m.required("max").number())
        } else {
            let q =
                try m.optional("qualifier")?.choice(Quantity.Qualifier.self, Quantity.Qualifier.init(text:)) ?? .exact
            amount = .value(try m.required("value").number(), q)
        }
        do {
            return try Quantity(amount: amount, unit: unit)
        } catch {
            let field = error.field.map { r.child(r.node, key: $0) } ?? r
            let line = error.field.flatMap { f in m.members.first { $0.key == f }?.line } ?? r.node.line
            throw InputError(line: line, field: field.path, error.message)
        }
    }

    private mutating func locations(_ r: NodeReader) throws(InputError) -> [Location] {
        let items: [NodeReader] = (try? r.sequence()) ?? [r]
        var out: [Location] = []
        for item in items {
            if case .mapping = item.node.value {
                let m = try item.mapping(allowed: ["place", "country"])
                let placeReader = m.optional("place")
                let place = try placeReader?.text()
                if let place, let placeReader, let problem = EntityName.problem(place, "place") {
                    throw placeReader.error(problem)
                }
                let country = try m.optional("country").map { (c: NodeReader) throws(InputError) -> String in
                    try countryCode(c)
                }
                guard place != nil || country != nil else { throw item.error("give a place, a country or both") }
                if let place, country == nil, gazetteer.place(named: place) == nil {
                    warnings.append(
                        item.error(
                            "unknown place \"\(place)\" with no country, accepted; resolve it with `strata alias place \"\(place)\" CANONICAL`"
                        ))
                }
                // A place the gazetteer knows, written with another country: the written
                // country counts (it may be a place of the same name elsewhere), but a
                // mistake here turns a route round in the volumes.
                if let place, let country,
                    let known = gazetteer.place(named: place).map({ ($0.name, $0.country) })
                        ?? gazetteer.country(named: place).map({ ($0.name, $0.code) }),
                    known.1 != country
                {
                    warnings.append(
                        item.error(
                            "\(known.0) is in \(known.1) in the gazetteer, not \(country); accepted with \(country) as written (if that is a mistake, correct it)"
                        ))
                }
                out.append(Location(place: place, country: country))
                continue
            }
            let t = try item.text()
            // A country code: two capitals (`KP`), or two letters in another case (`kp`)
            // that name no place, as units, qualifiers and grades are read in any case.
            if Country.isWrittenCode(t)
                || (Country.looksLikeAlpha2(t) && gazetteer.place(named: t) == nil && gazetteer.country(code: t) != nil)
            {
                out.append(Location(place: nil, country: try countryCode(item)))
            } else {
                if let problem = EntityName.problem(t, "place") { throw item.error(problem) }
                if gazetteer.place(named: t) == nil, gazetteer.country(named: t) == nil {
                    warnings.append(
                        item.error(
                            "unknown place \"\(t)\", accepted; resolve it with `strata alias place \"\(t)\" CANONICAL`")
                    )
                }
                out.append(Location(place: t, country: nil))
            }
        }
        guard !out.isEmpty else { throw r.error("expected at least one place or country") }
        return out
    }

    private func countryCode(_ r: NodeReader) throws(InputError) -> String {
        let t = try r.text()
        guard let country = gazetteer.country(code: t) else {
            throw r.error("\"\(t)\" is not an ISO 3166 alpha-2 country code")
        }
        return country.code
    }

    private func vessel(_ r: NodeReader) throws(InputError) -> Vessel {
        let m = try r.mapping(allowed: ["name", "imo", "flag"])
        do {
            let name = try m.optional("name")?.text()
            // Looked up and aliased by its name key, as places and commodities are.
            if let name, let problem = EntityName.problem(name, "vessel") {
                throw VesselError(field: "name", reason: problem)
            }
            return try Vessel(name: name, imo: try m.optional("imo")?.text(), flag: try m.optional("flag")?.text())
        } catch let error as VesselError {
            let member = m.members.first { $0.key == error.field }
            throw InputError(
                line: member?.line ?? r.node.line, field: member == nil ? r.path : "\(r.path).\(error.field)",
                error.reason)
        } catch let error as InputError {
            throw error  // a member's own text, already named
        } catch {
            throw r.error("\(error)")
        }
    }
}

extension ReportID {
    /// A placeholder source id derived from the report id (valid by construction).
    var asSource: SourceID {
        guard let s = SourceID(rawValue) else { preconditionFailure("report ids are valid source ids") }
        return s
    }
}
