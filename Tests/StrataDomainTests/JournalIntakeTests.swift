import StrataLog
import Testing

@testable import StrataDomain

@Suite("Recording reports and corrections")
struct JournalIntakeTests {
    @Test("the seed report records its sources, report and claims in one commit")
    func seed() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        let outcome = try t.append(seedReport)
        // 2 sources (outlet + china source) + 1 report + 12 claims.
        #expect(outcome.appended == 15)
        #expect(try t.journal.log.statistics().commits == 1)
        let c3 = try #require(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c3")!))
        #expect(c3.fields.source.rawValue == "daily-nk")  // "Daily NK" is the outlet
        let c4 = try #require(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c4")!))
        #expect(c4.fields.source.rawValue == "dailynk-china-source")
        #expect(try t.journal.sources().map(\.registration.source.rawValue) == ["daily-nk", "dailynk-china-source"])
    }

    @Test("the same report again is unchanged; other content under its id is refused")
    func idempotent() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let again = try t.append(seedReport)
        #expect(again.appended == 0 && again.unchanged > 0)
        let changed = seedReport.replacingOccurrences(of: "800 tons of ammonia", with: "900 tons of ammonia")
        #expect(throws: InputError.self) { try t.append(changed) }
        #expect(try t.journal.log.head().lastPosition == Position(15))
    }

    @Test(
        "the same report id with another date, title or other report field is refused at that field's line",
        arguments: [
            ("published: 2020-05-22", "published: 2021-01-01", "published"),
            ("title: North Korea resumes", "title: North Korea restarts", "title"),
            ("translator: Violet Kim", "translator: Someone Else", "translator"),
            ("language: en", "language: ko", "language"),
        ])
    func changedReportField(old: String, new: String, field: String) throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        #expect(seedReport.contains(old))
        let changed = seedReport.replacingOccurrences(of: old, with: new)
        let error = try #require(throws: InputError.self) { try t.append(changed) }
        #expect(error.field == "report.\(field)", "\(error)")
        // The recorded value and the new one, as written.
        let value = { (line: String) in String(line.drop { $0 != ":" }.dropFirst(2)) }
        #expect(error.message.contains("with \(field) \"\(value(old))"), "\(error)")
        #expect(error.message.contains("not \"\(value(new))"), "\(error)")
        let line = try #require(
            changed.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(new) })
        #expect(error.line == line + 1, "\(error)")
        #expect(try t.journal.log.head().lastPosition == Position(15))
        #expect(try t.journal.report(ReportID("dailynk-2020-05-minerals")!)?.published == "2020-05-22")
    }

    @Test("a report field in other bytes for the same text (é as e + U+0301) is other content, as in the digest")
    func changedReportFieldBytes() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(report(id: "r1", claims: "  - {id: c1, kind: policy}", extra: "  title: Caf\u{E9}"))
        let decomposed = report(id: "r1", claims: "  - {id: c1, kind: policy}", extra: "  title: Cafe\u{301}")
        #expect("Caf\u{E9}" == "Cafe\u{301}")  // equal as Swift strings
        let error = try #require(throws: InputError.self) { try t.append(decomposed) }
        #expect(error.field == "report.title", "\(error)")
    }

    @Test("a later report's corrections change, retract and link earlier claims")
    func corrections() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport, at: "2020-05-23T00:00:00Z")
        let later = """
            report: {id: later-report, outlet: UN Panel of Experts, published: 2020-09-01}
            corrections:
              - correct: dailynk-2020-05-minerals/c7
                set: {quantity: {value: 850, unit: t, qualifier: about}}
                reason: port records give about 850 tonnes
              - retract: dailynk-2020-05-minerals/c9
                reason: the corn shipment was a misreading
              - link: [dailynk-2020-05-minerals/c6, dailynk-2020-05-minerals/c7]
                relation: same-shipment
            """
        try t.append(later, at: "2020-09-02T00:00:00Z")
        let c7 = try #require(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c7")!))
        #expect(c7.fields.quantity?.tonnes.best == 850)
        #expect(c7.versions.count == 2)
        #expect(c7.versions.last?.reason == "port records give about 850 tonnes")
        #expect(c7.versions.last?.report?.rawValue == "later-report")
        #expect(c7.versions.first?.fields.quantity?.tonnes.best == 800)
        #expect(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c9")!)?.retracted == true)
        let a = ClaimID("dailynk-2020-05-minerals/c6")!
        let b = ClaimID("dailynk-2020-05-minerals/c7")!
        #expect(try t.journal.activeLinks(b, a).map(\.relation) == [.sameShipment])
    }

    @Test("references to claims or sources that do not exist are refused, and nothing is appended")
    func unknownReferences() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let cases = [
            report(id: "r2", claims: "  - {id: c1, kind: policy, source: nobody}"),
            report(
                id: "r3", claims: "  - id: c1\n    kind: policy\n    links: [{relation: corroborates, claim: other/c9}]"
            ),
            "report: {id: r4, outlet: X, published: 2020-07-01}\ncorrections:\n  - retract: dailynk-2020-05-minerals/c99\n    reason: r",
        ]
        for text in cases {
            #expect(throws: InputError.self) { try t.append(text) }
        }
        #expect(try t.journal.log.head().lastPosition == Position(15))
    }

    @Test("a correction must leave a valid claim: a known source, fields of its kind, values of their type")
    func correctionsAreChecked() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        func correction(_ id: String, _ set: String) -> String {
            "report: {id: \(id), outlet: X, published: 2020-07-01}\ncorrections:\n  - correct: dailynk-2020-05-minerals/c6\n    set: \(set)\n    reason: r"
        }
        // c6 is a shipment with a commodity, a quantity and places.
        let refused: [(String, String)] = [
            ("{source: nobody}", "set.source"),
            ("{kind: policy}", "set.kind"),
            ("{kind: policy, quantity: null}", "set.kind"),
            ("{when: 2020-13}", "set.when"),
            ("{quantity: {value: 5, unit: parsecs}}", "set.quantity"),
            ("{credibility: 9}", "set.credibility"),
        ]
        for (i, (set, field)) in refused.enumerated() {
            do {
                try t.append(correction("bad-\(i)", set))
                Issue.record("\(set) was accepted")
            } catch let e as InputError {
                #expect(e.description.contains(field), "\(set): \(e)")
            }
        }
        #expect(try t.journal.log.head().lastPosition == Position(15), "nothing appended")
        // A source the same report lists, and a change of kind that clears what the new
        // kind has no field for, are corrections like any other.
        let listed = """
            report: {id: ok-1, outlet: Y, published: 2020-07-01}
            sources: [{id: new-source, name: New, kind: human, reliability: B}]
            corrections:
              - correct: dailynk-2020-05-minerals/c6
                set: {source: new-source}
                reason: r
            """
        try t.append(listed)
        #expect(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c6")!)?.fields.source.rawValue == "new-source")
        let ok2 = correction(
            "ok-2", "{kind: policy, commodity: null, quantity: null, from: null, to: null, vessel: null, voyages: null}"
        )
        try t.append(ok2)
        let c6 = try #require(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c6")!))
        #expect(
            c6.fields.kind == .policy && c6.fields.quantity == nil && c6.fields.from.isEmpty && c6.fields.to.isEmpty)
        // Corrected again since, the claim would not take that correction now; the report,
        // already recorded, is compared rather than checked again: unchanged.
        try t.append(correction("ok-3", "{kind: shipment, commodity: coal, method: [ship-to-ship]}"))
        let again = try t.append(ok2)
        #expect(again.appended == 0 && again.unchanged > 0)
    }

    @Test("a report's corrections of one claim are checked in turn, each after the ones before it")
    func correctionsInTurn() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let clearing =
            "{kind: agreement, commodity: null, quantity: null, from: null, to: null, vessel: null, voyages: null}"
        // A kind, then a field of that kind: accepted.
        try t.append(
            """
            report: {id: turn-1, outlet: X, published: 2020-07-01}
            corrections:
              - {correct: dailynk-2020-05-minerals/c6, set: \(clearing), reason: r}
              - {correct: dailynk-2020-05-minerals/c6, set: {parties: [KP, CN]}, reason: r}
            """)
        let c6 = try #require(try t.journal.claim(ClaimID("dailynk-2020-05-minerals/c6")!))
        #expect(c6.fields.kind == .agreement && c6.fields.parties == ["KP", "CN"])
        // A kind, then a field the new kind has not: refused, naming the second correction.
        do {
            try t.append(
                """
                report: {id: turn-2, outlet: X, published: 2020-07-01}
                corrections:
                  - {correct: dailynk-2020-05-minerals/c7, set: \(clearing), reason: r}
                  - {correct: dailynk-2020-05-minerals/c7, set: {quantity: {value: 5, unit: t}}, reason: r}
                """)
            Issue.record("a quantity was set on an agreement")
        } catch let e as InputError {
            #expect(e.description.contains("corrections[1].set.quantity"), "\(e)")
        }
    }

    @Test(
        "a report's corrections and links obey the rules of the correcting commands: nothing retracted twice or changed after its retraction; links made twice, or between claims of kinds that do not fit, are warned of"
    )
    func reportCorrectionsFollowTheCommandsRules() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        try t.append(
            """
            report: {id: totals, outlet: X, published: 2020-07-01}
            claims:
              - {id: t1, kind: total, commodity: coal, quantity: {value: 5, unit: kt}}
              - {id: t2, kind: total, commodity: coal, quantity: {value: 9, unit: kt}, links: [{relation: part-of, claim: t1}]}
              - {id: s1, kind: shipment, commodity: coal, links: [{relation: part-of, claim: t2}]}
            """)
        let before = try t.journal.log.head().lastPosition
        let c = "dailynk-2020-05-minerals"
        func refused(_ body: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                try t.append("report: {id: bad-\(abs(body.hashValue)), outlet: X, published: 2020-07-02}\n" + body)
                Issue.record("accepted:\n\(body)", sourceLocation: sourceLocation)
            } catch let e as InputError {
                #expect(e.description.contains(expected), "\(e)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        refused(
            "corrections:\n  - {retract: \(c)/c1, reason: r}\n  - {retract: \(c)/c1, reason: r}",
            "corrections[1].retract: claim \(c)/c1 is retracted earlier in this report")
        refused(
            "corrections:\n  - {retract: \(c)/c1, reason: r}\n  - {correct: \(c)/c1, set: {credibility: 2}, reason: r}",
            "is retracted earlier in this report")
        refused(
            "corrections:\n  - {retract: \(c)/c1, reason: r}\n  - {link: [\(c)/c1, \(c)/c3], relation: corroborates}",
            "is retracted earlier in this report")
        refused(
            "corrections:\n  - {link: [totals/t1, totals/t2], relation: part-of}",
            "totals/t2 is part of totals/t1: part-of cannot go both ways")
        #expect(try t.journal.log.head().lastPosition == before, "nothing appended")

        // The correcting commands share the rules: no link to a retracted claim.
        try t.append(
            "report: {id: r-retract, outlet: X, published: 2020-07-02}\ncorrections:\n  - {retract: \(c)/c4, reason: r}"
        )
        let link = ReportDocument.Correction.link(
            .init(text: "\(c)/c3", line: 0, field: "CLAIM"), .init(text: "\(c)/c4", line: 0, field: "OTHER"),
            .corroborates, reason: nil)
        #expect {
            try t.journal.apply(link, citing: nil, recordedAt: nil, by: "tester")
        } throws: { ($0 as? InputError)?.description.contains("claim \(c)/c4 is retracted") == true }
        // A link stated twice in a report, or again after an earlier one: recorded, with a
        // warning (strata link refuses it: the command would do nothing).
        let twice = try t.append(
            """
            report: {id: twice, outlet: X, published: 2020-07-03}
            claims:
              - {id: x1, kind: shipment, commodity: coal, links: [{relation: same-shipment, claim: x2}]}
              - {id: x2, kind: shipment, commodity: coal, links: [{relation: same-shipment, claim: x1}]}
            corrections:
              - {link: [totals/s1, totals/t2], relation: part-of}
            """)
        #expect(
            twice.warnings.map(\.description).filter { $0.contains("already linked as") }.count == 2,
            "\(twice.warnings)")
        #expect(
            try t.journal.activeLinks(ClaimID("twice/x1")!, ClaimID("twice/x2")!).map(\.relation) == [
                .sameShipment, .sameShipment,
            ])
        let cli = ReportDocument.Correction.link(
            .init(text: "totals/s1", line: 0, field: "CLAIM"), .init(text: "totals/t2", line: 0, field: "OTHER"),
            .partOf, reason: nil)
        #expect {
            try t.journal.apply(cli, citing: nil, recordedAt: nil, by: "tester")
        } throws: { ($0 as? InputError)?.description.contains("already linked as part-of") == true }
        // Kinds that do not fit the relation: recorded, with a warning.
        let odd = try t.append(
            """
            report: {id: odd, outlet: X, published: 2020-07-03}
            corrections:
              - {link: [\(c)/c1, \(c)/c2], relation: same-shipment}
              - {link: [\(c)/c1, \(c)/c3], relation: part-of}
            """)
        #expect(odd.appended > 0)
        let said = odd.warnings.map(\.description)
        #expect(said.count == 2, "\(said)")
        #expect(
            said.contains {
                $0.contains(
                    "same-shipment joins shipment claims; \(c)/c2 is a policy claim, so the link joins no shipment (accepted)"
                )
            }, "\(said)")
        #expect(
            said.contains { $0.contains("part-of itemises a claim in a total; \(c)/c3 is a shipment claim") }, "\(said)"
        )
        // A total may be part of another total, and different relations may join the same claims.
        try t.append(
            """
            report: {id: fine, outlet: X, published: 2020-07-03}
            corrections:
              - {link: [\(c)/c1, \(c)/c3], relation: same-shipment}
              - {link: [\(c)/c1, \(c)/c3], relation: corroborates}
              - {link: [totals/s1, totals/t1], relation: part-of}
            """)
    }

    @Test("an alias is one step from an unknown name to a known one: no chains, loops, known or empty names")
    func aliasesAreOneStep() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let j = t.journal
        func refused(_ kind: EntityKind, _ name: String, _ canonical: String, _ field: String) {
            do {
                _ = try j.alias(kind, name, as: canonical, reason: nil, recordedAt: nil, by: "t")
                Issue.record("alias \(name) → \(canonical) was accepted")
            } catch let e as InputError {
                #expect(e.description.contains(field), "\(name) → \(canonical): \(e)")
            } catch {
                Issue.record("\(error)")
            }
        }
        _ = try j.alias(.commodity, "blackstuff", as: "anthracite", reason: nil, recordedAt: nil, by: "t")
        refused(.commodity, "anthracite", "iron ore", "NAME")  // a taxonomy name
        refused(.place, "Nampo", "Dalian", "NAME")  // a gazetteer place
        refused(.place, "KP", "Nampo", "NAME")  // a country code, as reports write it
        _ = try j.alias(.place, "Korea", as: "KP", reason: nil, recordedAt: nil, by: "t")  // to a code
        _ = try j.alias(.place, "Kor", as: "Nampo", reason: nil, recordedAt: nil, by: "t")  // not taken for KOR
        refused(.commodity, "???", "coal", "NAME")  // no letters or digits
        refused(.place, "Xyz Bay", "—", "CANONICAL")
        _ = try j.alias(.vessel, "Alpha", as: "Beta", reason: nil, recordedAt: nil, by: "t")
        refused(.vessel, "Beta", "Gamma", "NAME")  // Beta is what Alpha stands for
        refused(.vessel, "Beta", "Gamma", "alias \"Gamma\" to \"Beta\" instead, or unalias \"Alpha\" first")
        refused(.vessel, "Gamma", "Alpha", "CANONICAL")  // Alpha is itself an alias
        refused(.vessel, "Beta", "Alpha", "aliasing back would make a loop (unalias \"Alpha\" first)")
        refused(.place, "Baz", "baz", "\"Baz\" and \"baz\" are the same name")
        _ = try j.alias(.vessel, "Delta", as: "Beta", reason: nil, recordedAt: nil, by: "t")
        #expect(try j.aliasTarget(.vessel, "Delta") == "Beta")
        // Unaliased, a name may be aliased again, to anything known.
        _ = try j.unalias(.vessel, "Alpha", reason: nil, recordedAt: nil, by: "t")
        _ = try j.alias(.vessel, "Alpha", as: "Delta Star", reason: nil, recordedAt: nil, by: "t")
    }

    @Test("DomainEvents.check refuses what the journal's types cannot read or index, and passes other families")
    func domainEventsCheck() throws {
        func payload(_ commodity: String) throws -> Payload {
            try Payload(
                json: """
                    {"claim":"r1/c1","kind":"shipment","source":"s1","said":null,"credibility":3,"when":"2020-05","when_said":null,\
                    "commodity":"\(commodity)","quantity":null,"from":[],"to":[{"place":"Dalian","country":null}],"vessel":null,\
                    "voyages":null,"method":[],"price":null,"parties":[],"note":null}
                    """)
        }
        try DomainEvents.check(type: ClaimAsserted.eventType, payload: try payload("coal"))
        #expect(throws: EventDecodingError.self) {
            try DomainEvents.check(
                type: ClaimAsserted.eventType, payload: try payload(String(repeating: "a", count: 300)))
        }
        #expect(throws: EventDecodingError.self) {
            try DomainEvents.check(type: ReportFiled.eventType, payload: try payload("coal"))
        }
        try DomainEvents.check(type: "bench.recorded.v1", payload: try payload("anything"))
    }

    @Test("a YAML or JSON report may start with a byte order mark; errors keep their lines")
    func byteOrderMark() throws {
        let bom = Array("\u{FEFF}".utf8)
        let doc = try ReportDecoder().decode(bom + Array(seedReport.utf8), json: false)
        #expect(doc.claims.count == 12 && doc.sources.count == 1)
        let json =
            #"{"report": {"id": "j1", "outlet": "Wire", "published": "2020-06-01"},\#n "claims": [{"id": "c1", "kind": "policy"}]}"#
        #expect(try ReportDecoder().decode(bom + Array(json.utf8), json: true).claims.count == 1)
        let bad = json.replacingOccurrences(of: #""policy""#, with: #""policy"#)
        #expect(throws: InputError.self) { try ReportDecoder().decode(bom + Array(bad.utf8), json: true) }
        do {
            _ = try ReportDecoder().decode(bom + Array(bad.utf8), json: true)
        } catch {
            #expect(error.line == 2, "\(error)")
        }
    }

    @Test("record time cannot go backwards")
    func recordTime() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport, at: "2021-01-01T00:00:00Z")
        #expect(throws: InputError.self) { try t.append(report(id: "r2"), at: "2020-12-31T00:00:00Z") }
    }

    @Test("rate, alias and unalias keep their history")
    func gradesAndAliases() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        let source = SourceID("dailynk-china-source")!
        _ = try t.journal.rate(source, .b, reason: "track record", recordedAt: nil, by: "tester")
        let record = try #require(try t.journal.sources().first { $0.registration.source == source })
        #expect(record.current == .b && record.grades.map(\.reliability) == [.c, .b])
        _ = try t.journal.alias(.place, "Nam-pho harbour", as: "Nampo", reason: nil, recordedAt: nil, by: "tester")
        #expect(try t.journal.aliasTarget(.place, "NAM-PHO HARBOUR") == "Nampo")
        #expect(throws: InputError.self) {
            try t.journal.alias(.place, "Nam-pho harbour", as: "Haeju", reason: nil, recordedAt: nil, by: "tester")
        }
        _ = try t.journal.unalias(.place, "Nam-pho harbour", reason: nil, recordedAt: nil, by: "tester")
        #expect(try t.journal.aliasTarget(.place, "Nam-pho harbour") == nil)
        #expect(throws: InputError.self) {
            try t.journal.rate(SourceID("nobody")!, .a, reason: "x", recordedAt: nil, by: "t")
        }
    }

    @Test(
        "a source listed again is listed as registered: a different grade is refused (rate re-grades), a different description warned of"
    )
    func sourceListedAgain() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(seedReport)
        func listing(_ id: String, _ reliability: String, description: String? = nil) -> String {
            report(
                id: id, claims: "  - {id: c1, kind: policy, source: dailynk-china-source, credibility: 2}",
                extra: """
                    sources:
                      - id: dailynk-china-source
                        name: China-based source (Daily NK)
                        kind: human
                        reliability: \(reliability)
                    \(description.map { "    description: \($0)" } ?? "")
                    """)
        }
        let before = try t.journal.log.head().lastPosition
        #expect {
            try t.append(listing("r-a", "A"))
        } throws: { error in
            let e = error as? InputError
            return e?.field == "sources[0].reliability" && e?.line == 9 && "\(error)".contains("graded C")
                && "\(error)".contains("strata rate")
        }
        #expect(try t.journal.log.head().lastPosition == before, "nothing appended")
        for (name, kind, field) in [
            ("China-based source (Daily NK)", "government", "kind"), ("Someone else", "human", "name"),
        ] {
            #expect {
                try t.append(
                    report(
                        id: "r-k", claims: "  - {id: c1, kind: policy}",
                        extra: "sources:\n  - {id: dailynk-china-source, name: \(name), kind: \(kind)}"))
            } throws: {
                ($0 as? InputError)?.field == "sources[0].\(field)" && "\($0)".contains("already registered as")
            }
        }
        // As registered: accepted, and the grade stays.
        #expect(try t.append(listing("r-c", "C")).warnings.isEmpty)
        // Re-graded B since: B (the grade now) and C (as registered) are accepted, A is not.
        _ = try t.journal.rate(
            SourceID("dailynk-china-source")!, .b, reason: "track record", recordedAt: nil, by: "tester")
        try t.append(listing("r-b", "B"))
        try t.append(listing("r-c2", "C"))
        #expect {
            try t.append(listing("r-a2", "A"))
        } throws: { "\($0)".contains("graded B now (registered C)") }
        let described = try t.append(listing("r-d", "B", description: "another description"))
        #expect(described.warnings.map(\.field) == ["sources[0].description"])
        #expect(described.warnings.map(\.line) == [10])
        let record = try #require(try t.journal.source(SourceID("dailynk-china-source")!))
        #expect(record.current == .b && record.registration.description == nil)
        // The same report again is unchanged, whatever the grade has become.
        _ = try t.journal.rate(SourceID("dailynk-china-source")!, .e, reason: "burned", recordedAt: nil, by: "tester")
        #expect(try t.append(listing("r-c", "C")).appended == 0)
    }

    @Test("a source registered without a grade takes the first grade a report lists for it, as a rating; later, as any")
    func ungradedSourceGradedByReport() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        try t.append(report(id: "r1", claims: "  - {id: c1, kind: policy}"), at: "2025-01-01T00:00:00Z")
        let wire = SourceID("test-wire")!
        #expect(try t.journal.source(wire)?.current == nil)
        func listing(_ id: String, _ reliability: String) -> String {
            report(
                id: id, claims: "  - {id: c1, kind: policy}",
                extra: "sources:\n  - {id: test-wire, name: Test Wire, kind: outlet, reliability: \(reliability)}")
        }
        let graded = try t.append(listing("r2", "B"), at: "2025-02-01T00:00:00Z")
        #expect(graded.appended == 3)  // the rating, the report and its claim
        #expect(graded.warnings.map(\.field) == ["sources[0].reliability"], "\(graded.warnings)")
        #expect(graded.warnings.first?.message.contains("had no grade: graded B") == true, "\(graded.warnings)")
        let record = try #require(try t.journal.source(wire))
        #expect(record.current == .b && record.registration.reliability == nil)
        #expect(record.grades.map(\.reason) == ["graded in report r2"])
        #expect(record.grades.first?.recordedAt == RecordTime(iso8601: "2025-02-01T00:00:00Z"))
        // Now graded: the same grade is accepted, another refused as a re-grade.
        try t.append(listing("r3", "B"))
        #expect(throws: InputError.self) { try t.append(listing("r4", "C")) }
        #expect(try t.append(listing("r2", "B")).appended == 0)
        #expect(try t.journal.source(wire)?.grades.count == 1)
    }

    @Test(
        "an outlet named without ASCII letters gets a source id of its own; an id shared with another outlet's name is warned of"
    )
    func outletIDs() throws {
        let t = try TemporaryJournal()
        defer { t.remove() }
        func filed(_ id: String, outlet: String) -> String {
            "report: {id: \(id), outlet: \(outlet), published: 2020-06-01}\nclaims:\n  - {id: c1, kind: policy}"
        }
        try t.append(filed("r1", outlet: "조선일보"))
        try t.append(filed("r2", outlet: "人民日报"))
        try t.append(filed("r3", outlet: "조선 일보"))
        let outlets = try t.journal.sources().map { ($0.registration.source.rawValue, $0.registration.name) }
        #expect(outlets.count == 2, "\(outlets)")
        #expect(outlets.allSatisfy { $0.0.hasPrefix("outlet-") && $0.0.count == "outlet-".count + 10 }, "\(outlets)")
        #expect(
            try t.journal.claim(ClaimID("r3/c1")!)?.fields.source == t.journal.claim(ClaimID("r1/c1")!)?.fields.source)
        #expect(SourceID.outlet(named: "조선일보 Chosun")?.rawValue == "chosun")
        #expect(SourceID.outlet(named: "— · —") == nil)
        #expect(SourceID.outletProblem(named: "— · —") == "an outlet name needs letters or digits")
        try t.append(filed("r4", outlet: "KCNA 조선"))
        let shared = try t.append(filed("r5", outlet: "KCNA 중앙"))
        #expect(shared.warnings.map(\.field) == ["report.outlet"] && "\(shared.warnings)".contains("registered for"))
    }
}
