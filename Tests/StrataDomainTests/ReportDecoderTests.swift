import StrataLog
import Testing

@testable import StrataDomain

@Suite("Report decoding")
struct ReportDecoderTests {
    @Test("the seed example decodes as the spec reads it")
    func seed() throws {
        let doc = try decode(seedReport)
        #expect(doc.header.id.rawValue == "dailynk-2020-05-minerals")
        #expect(doc.header.published == "2020-05-22")
        #expect(doc.sources.map(\.id.rawValue) == ["dailynk-china-source"])
        #expect(doc.sources.first?.reliability == .c)
        #expect(doc.claims.count == 12)
        let c1 = try #require(doc.claims.first)
        #expect(c1.fields.from.map(\.place) == ["Nampo", "Songrim", "Haeju"])
        #expect(c1.fields.to == [Location(place: nil, country: "CN")])
        #expect(c1.fields.when.edtf == "2020-05-11/2020-05-20" && c1.fields.when.whenSaid == "since last week")
        let c11 = doc.claims[10]
        #expect(c11.fields.quantity?.tonnes == Tonnes(low: 18, best: 20, high: 22))
        #expect(c11.fields.when.startQualifier.contains(.approximate))
        #expect(doc.claims[5].fields.voyages == "several")
        #expect(doc.warnings.isEmpty, "the seed names only known places and commodities: \(doc.warnings)")
    }

    @Test("YAML numbers and dates stay the text the analyst wrote")
    func scalarsAreText() throws {
        let doc = try decode(
            report(
                claims: """
                      - id: c1
                        kind: policy
                        when: 2020
                        said: 0012
                    """))
        #expect(doc.claims[0].fields.when.edtf == "2020")
        #expect(doc.claims[0].fields.said == "0012")
        #expect(doc.header.published == "2020-06-01")
    }

    @Test("JSON numbers stay the text the analyst wrote, however long")
    func jsonNumbersAreText() throws {
        let json = """
            {"report": {"id": "r1", "outlet": "Test Wire", "published": "2020-06-01", "title": 1.50, "language": 1e3},
             "claims": [{"id": "c1", "kind": "policy", "when": 2020, "said": 12345678901234567890123},
                        {"id": "c2", "kind": "shipment", "commodity": "coal", "quantity": {"value": 2.50e3, "unit": "t"}}]}
            """
        let doc = try ReportDecoder().decode(Array(json.utf8), json: true)
        #expect(doc.header.title == "1.50")
        #expect(doc.header.language == "1e3")
        #expect(doc.claims[0].fields.when.edtf == "2020")
        #expect(doc.claims[0].fields.said == "12345678901234567890123")
        #expect(doc.claims[1].fields.quantity?.tonnes == Tonnes(low: 2500, best: 2500, high: 2500))
    }

    @Test("JSON and YAML give the same document")
    func jsonAgrees() throws {
        let json = """
            {"report": {"id": "r1", "outlet": "Test Wire", "published": "2020-06-01"},
             "claims": [{"id": "c1", "kind": "shipment", "commodity": "coal", "from": "KP", "to": ["Dalian", {"place": "Port X", "country": "CN"}],
                         "quantity": {"min": 1, "max": 3, "unit": "kt"}, "when": "2020-05", "credibility": 2}]}
            """
        let doc = try ReportDecoder().decode(Array(json.utf8), json: true)
        let c = try #require(doc.claims.first)
        #expect(c.fields.quantity?.tonnes == Tonnes(low: 1000, best: 2000, high: 3000))
        #expect(c.fields.to == [Location(place: "Dalian", country: nil), Location(place: "Port X", country: "CN")])
        #expect(c.fields.credibility == .probablyTrue)
    }

    @Test(
        "JSON cut short is refused at the end of its last line, whether or not a line break ends it",
        arguments: [
            (#"{"report": {"id": "bad", "outlet": "W","#, 1, 40),
            ("{\"report\": {\"id\": \"bad\",\n \"outlet\": \"W\"\n", 2, 15),
            ("{\"report\": {\"id\": \"bad\",\n \"outlet\": \"W\"", 2, 15),
        ])
    func truncatedJSON(text: String, line: Int, column: Int) throws {
        do {
            _ = try ReportDecoder().decode(Array(text.utf8), json: true)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line && error.message.hasSuffix("(column \(column))"), "\(error)")
        }
    }

    @Test(
        "JSON cut short inside a string, or a line break inside one, is an unterminated string, not a control character",
        arguments: [("{\"report\": \"abc", 1), ("{\"report\": \"abc\n", 1), ("{\"report\":\n \"a\nbc\"}", 2)])
    func unterminatedString(text: String, line: Int) throws {
        let error = #expect(throws: InputError.self) { try ReportDecoder().decode(Array(text.utf8), json: true) }
        let message = error?.message ?? ""
        #expect(error?.line == line, "\(message)")
        #expect(message.contains("unterminated string") && !message.contains("control character"), "\(message)")
    }

    @Test(
        "errors name the line and the field",
        arguments: [
            ("    comodity: coal", 9, "claims[0].comodity", "unknown field (did you mean commodity?)"),
            ("    quantity: {value: -5, unit: t}", 9, "claims[0].quantity.value", "must not be negative"),
            ("    quantity: {value: 5, unit: stone}", 9, "claims[0].quantity.unit", "unknown unit"),
            (
                "    quantity: {value: 5, unit: MT}", 9, "claims[0].quantity.unit",
                "\"MT\" is ambiguous (metric ton or megatonne)"
            ),
            (
                "    quantity: {value: 5,000, unit: t}", 9, "claims[0].quantity.000",
                "write numbers without one: 5000, not 5,000"
            ),
            ("    when: 2020-13", 9, "claims[0].when", "month 13"),
            // Words get the forms EDTF takes; a date-time or a Y year keeps the parser's reason.
            ("    when: early April", 9, "claims[0].when", "is not EDTF: write YYYY, YYYY-MM, YYYY-MM-DD"),
            ("    when: 2020-05-14T10:00:00Z/2020-05-15", 9, "claims[0].when", "not in an interval"),
            ("    when: 2020-05-14T10:00", 9, "claims[0].when", "hh:mm:ss"),
            ("    when: Y170000002", 9, "claims[0].when", "long years"),
            // A tag would change how a value is read, and was dropped without a word.
            ("    note: !evil 300", 9, "claims[0].note", "YAML tags (!evil) are not supported"),
            ("    said: !!binary aGVsbG8=", 9, "claims[0].said", "YAML tags (!!binary) are not supported"),
            ("    vessel: !ship {name: Rye}", 9, "claims[0].vessel", "YAML tags (!ship) are not supported"),
            ("    method: !!set [ais-off]", 9, "claims[0].method", "YAML tags (!!set) are not supported"),
            ("    credibility: 7", 9, "claims[0].credibility", "1 to 6"),
            ("    parties: [a]", 9, "claims[0].parties", "not a field of shipment claims"),
            ("    to: XX", 9, "claims[0].to", "not an ISO 3166"),
            ("    vessel: {imo: '9074728'}", 9, "claims[0].vessel.imo", "check digit"),
            (
                "    quantity:\n      value: 5\n      unit: t\n      unit: kt", 12, "claims[0].quantity.unit",
                "duplicate key"
            ),
            ("    voyages: -3", 9, "claims[0].voyages", "must not be negative"),
            ("    quantity: {value: 1e-400, unit: t}", 9, "claims[0].quantity.value", "1e-400 is too small to record"),
            (
                "    quantity: {value: 0.5e-330, unit: t}", 9, "claims[0].quantity.value",
                "too small to record (it would be 0)"
            ),
            (#"    said: "red \e[31mALERT""#, 9, "claims[0].said", "control character (U+001B)"),
            (#"    from: "\u202EopmaN""#, 9, "claims[0].from", "bidirectional override (U+202E)"),
            (#"    note: "line1\rover""#, 9, "claims[0].note", "carriage return (U+000D)"),
            (#"    vessel: {name: "Chon\u0000Ma San"}"#, 9, "claims[0].vessel.name", "control character (U+0000)"),
            ("    price: {amount: 85, currency: ABC}", 9, "claims[0].price.currency", "not an ISO 4217 currency code"),
            ("    price: {amount: 85, currency: RMB}", 9, "claims[0].price.currency", "for RMB write CNY"),
        ])
    func errors(line: String, expectedLine: Int, field: String, fragment: String) throws {
        let text = report(claims: "  - id: c1\n    kind: shipment\n" + line)
        do {
            _ = try decode(text)
            Issue.record("expected an error for \(line)")
        } catch let error as InputError {
            #expect(error.line == expectedLine, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test(
        "a required field written as null is named at its own line as empty, not as missing at its mapping's",
        arguments: [
            ("sources:\n  - id: s1\n    name: A source\n    kind: null", false, 8, "sources[0].kind"),
            ("sources:\n  - id: s1\n    name: A source\n    kind:", false, 8, "sources[0].kind"),
            ("sources:\n  - id: s1\n    name: A source\n    kind: ~", false, 8, "sources[0].kind"),
            (
                #"{"report": {"id": "r1", "outlet": "W","# + "\n" + #" "published": null}, "claims": []}"#, true, 2,
                "report.published"
            ),
        ])
    func requiredNull(text: String, json: Bool, line: Int, field: String) throws {
        let bytes = Array((json ? text : report(extra: text)).utf8)
        #expect(throws: InputError(line: line, field: field, "required, but empty (null): write a value")) {
            try ReportDecoder().decode(bytes, json: json)
        }
    }

    @Test("!!str, which asks for the text written, is the one YAML tag taken")
    func strTag() throws {
        let doc = try decode(report(claims: "  - {id: c1, kind: policy, said: !!str 2020, note: !!str yes}"))
        #expect(doc.claims.first?.fields.said == "2020")
        #expect(doc.claims.first?.fields.note == "yes")
    }

    @Test("text keeps line breaks (LF or CR LF), tabs and right-to-left script")
    func textCharacters() throws {
        let doc = try decode(report(claims: #"  - {id: c1, kind: policy, said: "a\r\nb\tc", note: "كوريا الشمالية"}"#))
        #expect(doc.claims.first?.fields.said == "a\r\nb\tc")
        #expect(TextCharacters.problem(in: "Nampo\u{200F}") == nil, "marks are not overrides")
        #expect(
            TextCharacters.problem(in: "\u{2067}كوريا\u{2069} and \u{202B}x\u{202C}") == nil,
            "isolates and embeddings pass")
        #expect(TextCharacters.problem(in: "x\u{85}") != nil, "C1 controls are refused")
    }

    @Test("libyaml's messages are put in the analyst's terms: a second document, deep nesting")
    func yamlMessages() throws {
        for (text, expected) in [
            (
                report(claims: "  - {id: c1, kind: policy}") + "\n---\nreport: {}\n",
                "a report file is one YAML document"
            ),
            (
                "report: " + String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000) + "\n",
                "nested too deeply"
            ),
        ] {
            do {
                _ = try decode(text)
                Issue.record("accepted")
            } catch let error as InputError {
                #expect(error.message.contains(expected) && !error.message.contains("yaml_set"), "\(error)")
            }
        }
    }

    @Test("a quantity or price of -0 is 0; a JSON voyages of -3 is refused like the YAML text")
    func negativeZero() throws {
        let doc = try decode(
            report(
                claims:
                    "  - id: c1\n    kind: shipment\n    quantity: {value: -0, unit: t}\n    price: {amount: -0.0, currency: USD}"
            ))
        let fields = try #require(doc.claims.first?.fields)
        #expect(fields.quantity?.tonnes.best == 0 && fields.quantity?.tonnes.best.sign == .plus)
        #expect(fields.price?.amount == 0 && fields.price?.amount.sign == .plus)
        let json =
            #"{"report": {"id": "j", "outlet": "W", "published": "2020-06-01"}, "claims": [{"id": "c1", "kind": "shipment", "voyages": -3}]}"#
        #expect(throws: InputError.self) { try ReportDecoder().decode(Array(json.utf8), json: true) }
    }

    @Test(
        "a repeated YAML key in flow style is named by its path and its own line",
        arguments: [
            (
                "  - {id: a, kind: shipment, quantity: {value: 1, unit: t, unit: kg}}\n  - {id: b, kind: shipment, quantity: {value: 2, unit: t}}",
                "claims[0].quantity.unit"
            ),
            ("  - {id: unit-a, kind: shipment, unit: t, unit: kg}", "claims[0].unit"),
        ])
    func yamlFlowDuplicateKeyPath(claims: String, field: String) throws {
        let text = "report: {id: r1, outlet: Wire, published: 2020-01-01}\nclaims:\n" + claims + "\n"
        let error = try #require(throws: InputError.self) { try ReportDecoder().decode(Array(text.utf8), json: false) }
        #expect(error.line == 3, "\(error)")
        #expect(error.field == field, "\(error)")
    }

    @Test(
        "a repeated YAML key written in quotes is named by its path and the repeat's line",
        arguments: [
            ("    \"said\": a\n    kind: policy\n    'said': b", 6),
            ("    said: a\n    kind: policy\n    \"said\": b", 6),
            ("    'said': a\n    kind: policy\n    said: b", 6),
            ("    kind: policy\n    \"said\": a\n    \"said\": b", 6),
        ])
    func yamlQuotedDuplicateKey(claim: String, line: Int) throws {
        let text = "report: {id: r1, outlet: Wire, published: 2020-01-01}\nclaims:\n  - id: c1\n" + claim + "\n"
        let error = try #require(throws: InputError.self) { try ReportDecoder().decode(Array(text.utf8), json: false) }
        #expect(error.line == line, "\(error)")
        #expect(error.field == "claims[0].said", "\(error)")
    }

    @Test(
        "errors after a U+2028, U+2029 or U+0085 in a text keep the file's line numbers (libyaml breaks lines there)",
        arguments: ["\u{2028}", "\u{2029}", "\u{85}"])
    func yamlLinesAfterUnicodeBreaks(separator: String) throws {
        let text =
            "report: {id: r1, outlet: Wire, published: 2020-01-01}\nclaims:\n  - id: c1\n    kind: policy\n"
            + "    said: \"one\(separator)two\(separator)three\"\n  - id: c2\n    kind: shipment\n"
            + "    quantity: {value: 5, unit: tt}\n"
        let error = try #require(throws: InputError.self) { try ReportDecoder().decode(Array(text.utf8), json: false) }
        #expect(error.line == 8, "\(error)")
        #expect(error.field == "claims[1].quantity.unit", "\(error)")
        // A duplicate key after one is named at its own line too.
        let duplicate =
            "report: {id: r1, outlet: Wire, published: 2020-01-01}\nclaims:\n  - id: c1\n"
            + "    said: \"a\(separator)b\"\n    kind: policy\n    kind: shipment\n"
        let repeated = try #require(throws: InputError.self) {
            try ReportDecoder().decode(Array(duplicate.utf8), json: false)
        }
        #expect(repeated.line == 6, "\(repeated)")
        #expect(repeated.field == "claims[0].kind", "\(repeated)")
        #expect(repeated.message.contains("first at line 5"), "\(repeated)")
    }

    @Test("a repeated JSON key is named by its path and line")
    func jsonDuplicateKeyPath() throws {
        let json = """
            {"report": {"id": "r1", "outlet": "Test Wire", "published": "2020-06-01"},
             "claims": [{"id": "c1", "kind": "policy"},
                        {"id": "c2", "kind": "shipment", "quantity": {"value": 5, "unit": "t",
                                                                      "unit": "kt"}}]}
            """
        let error = try #require(throws: InputError.self) { try ReportDecoder().decode(Array(json.utf8), json: true) }
        #expect(error.line == 4, "\(error)")
        #expect(error.field == "claims[1].quantity.unit", "\(error)")
        #expect(error.message.contains("duplicate key"), "\(error)")
    }

    @Test("unknown names are accepted with a warning")
    func unknownNames() throws {
        let doc = try decode(
            report(
                claims: """
                      - id: c1
                        kind: shipment
                        commodity: unobtainium
                        to: Atlantis Harbour
                    """))
        #expect(doc.warnings.count == 2)
        #expect(doc.warnings.allSatisfy { $0.line == 9 || $0.line == 10 })
    }

    @Test("a country code is read in any case; two letters that are no code stay an unknown place")
    func countryCodeInAnyCase() throws {
        let doc = try decode(
            report(
                claims: """
                      - id: c1
                        kind: shipment
                        from: kp
                        to: [Cn, {place: Dalian, country: cn}, qq]
                    """))
        let fields = try #require(doc.claims.first?.fields)
        #expect(fields.from == [Location(place: nil, country: "KP")])
        #expect(
            fields.to == [
                Location(place: nil, country: "CN"), Location(place: "Dalian", country: "CN"),
                Location(place: "qq", country: nil),
            ])
        let said = doc.warnings.map(\.description)
        #expect(said.count == 1 && said[0].contains("unknown place \"qq\""), "\(said)")
    }

    @Test(
        "a known place written with another country is accepted with a warning; with its own country, or an unknown place with one, without"
    )
    func placeWithAnotherCountry() throws {
        let doc = try decode(
            report(
                claims: """
                      - id: c1
                        kind: shipment
                        from: {place: Nampo, country: CN}
                        to: [{place: Dalian, country: CN}, {place: Lianyun anchorage, country: CN}, {place: North Korea, country: CN}]
                    """))
        let said = doc.warnings.map(\.description)
        #expect(said.count == 2, "\(said)")
        #expect(said.contains { $0.contains("claims[0].from: Nampo is in KP in the gazetteer, not CN") }, "\(said)")
        #expect(
            said.contains { $0.contains("claims[0].to[2]: North Korea is in KP in the gazetteer, not CN") }, "\(said)")
        #expect(
            doc.claims.first?.fields.from == [Location(place: "Nampo", country: "CN")], "the written country is kept")
    }

    @Test("duplicate claim ids are refused at the second one")
    func duplicateClaims() {
        #expect(throws: InputError.self) {
            try decode(report(claims: "  - {id: c1, kind: policy}\n  - {id: c1, kind: policy}"))
        }
    }
}
