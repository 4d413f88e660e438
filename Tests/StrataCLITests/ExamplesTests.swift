import Foundation
import Testing

// The report files in examples/: they validate against schemas/report.schema.json (the
// schema and the decoder agree on them), they append cleanly in file-name order into a fresh
// journal, appending them again changes nothing, and the corrections and links they carry
// show up in `strata claim` and `strata log`.

private let examplesDirectory = repositoryRoot.appendingPathComponent("examples")

/// The report files in examples/ (.yaml, .yml, .json; not the bundled NDJSON export), in the
/// order they are appended: by file name, byte order (`01-…` … `15-…`, then the seed
/// `dailynk-2020-05-minerals.yaml`, then `followup-…`, which refer to the seed's claims).
private let exampleFiles: [URL] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)) ?? []
    return names.filter { name in [".yaml", ".yml", ".json"].contains { name.lowercased().hasSuffix($0) } }
        .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        .map { examplesDirectory.appendingPathComponent($0) }
}()

/// Files that are meant to warn when appended, with a fragment the warning must contain.
/// Every other example must append without any warning.
private let intendedWarnings: [String: String] = [
    // KCS's spelling of Taean, kept on purpose: an unknown place name is accepted with a warning.
    "08-ap-2018-08-10-kcs-coal-via-russia.yaml": #"unknown place "Daean""#
]

/// The record time given to the i-th example (0-based): one hour apart from 2025-01-01T01:00Z.
private func recordedAt(_ index: Int) -> String {
    let hours = index + 1
    return String(format: "2025-01-%02dT%02d:00:00Z", 1 + hours / 24, hours % 24)
}

private func recordedAt(file name: String) throws -> String {
    let index = try #require(exampleFiles.firstIndex { $0.lastPathComponent == name }, "no example \(name)")
    return recordedAt(index)
}

/// One example appended: its file name, report id and what `strata append` said.
private struct Appended {
    let file: String
    let report: String
    let result: RunResult
}

/// Appends every example, in order, into `journal` with its fixed record time; each must
/// succeed. Returns what each append printed.
private func appendExamples(to journal: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Appended]
{
    try #require(!exampleFiles.isEmpty, "no report files in \(examplesDirectory.path)", sourceLocation: sourceLocation)
    var appended: [Appended] = []
    for (i, file) in exampleFiles.enumerated() {
        let name = file.lastPathComponent
        let result = try strata("append", "--journal", journal, "--recorded-at", recordedAt(i), file.path)
        try #require(
            result.exited(0), "append \(name): exit \(result.status)\n\(result.out)\(result.err)",
            sourceLocation: sourceLocation)
        let firstLine = result.out.split(separator: "\n").first.map(String.init) ?? ""
        let report = try #require(
            firstLine.range(of: ": ").map { String(firstLine[..<$0.lowerBound]) }, "append \(name) said: \(result.out)",
            sourceLocation: sourceLocation)
        appended.append(Appended(file: name, report: report, result: result))
    }
    return appended
}

/// `strata claim ID --format json` of a claim, which must succeed.
private func claimJSON(_ id: String, journal: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [String: Any]
{
    let result = try strata("claim", id, "--journal", journal, "--format", "json")
    try #require(result.exited(0), "claim \(id): exit \(result.status): \(result.err)", sourceLocation: sourceLocation)
    return try jsonObject(result.stdout)
}

private func object(_ value: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String:
    Any]
{
    try #require(
        value as? [String: Any], "\(what) is not an object: \(String(describing: value))",
        sourceLocation: sourceLocation)
}

private func objects(_ value: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [[String: Any]]
{
    try #require(
        value as? [[String: Any]], "\(what) is not a list of objects: \(String(describing: value))",
        sourceLocation: sourceLocation)
}

@Suite("examples/ report files")
struct ExamplesTests {
    @Test("tools/check-reports validates every example against schemas/report.schema.json")
    func examplesMatchTheSchema() throws {
        let check = try Running(
            "/usr/bin/env", ["python3", "tools/check-reports", "--quiet"], currentDirectory: repositoryRoot
        ).wait()
        #expect(check.exited(0), "check-reports: exit \(check.status)\n\(check.out)\(check.err)")
        #expect(
            check.out.contains("\(exampleFiles.count)/\(exampleFiles.count) examples valid"),
            "check-reports said: \(check.out)")
    }

    @Test("tools/check-reports fails on a report the schema refuses")
    func checkerCanFail() throws {
        try withTemporaryDirectory { dir in
            // A policy claim with a quantity, a credibility of 7 and an IMO number whose check
            // digit is wrong (9074728; it should be 9).
            let bad = """
                report: {id: bad, outlet: Daily NK, published: 2020-05-22}
                claims:
                  - {id: c1, kind: policy, quantity: {value: 5, unit: t}}
                  - {id: c2, kind: shipment, credibility: 7}
                  - {id: c3, kind: shipment, vessel: {imo: 9074728}}
                """
            try Data(bad.utf8).write(to: dir.appendingPathComponent("bad.yaml"))
            let check = try Running(
                "/usr/bin/env", ["python3", "tools/check-reports", "--examples", dir.path],
                currentDirectory: repositoryRoot
            ).wait()
            #expect(check.exited(1), "check-reports: exit \(check.status)\n\(check.out)\(check.err)")
            for fragment in ["claims[0]", "claims[1].credibility", "claims[2].vessel.imo", "0/1 examples valid"] {
                #expect(check.out.contains(fragment), "check-reports did not report \(fragment): \(check.out)")
            }
        }
    }

    @Test("every example appends in order into a fresh journal, warns only where intended, and verify passes")
    func appendInOrder() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let appended = try appendExamples(to: journal)
            #expect(appended.count >= 8, "examples/ should hold the seed and at least seven more reports")
            #expect(Set(appended.map(\.report)).count == appended.count, "two examples share a report id")
            for a in appended {
                #expect(a.result.out.contains("\(a.report): "), "append \(a.file) said: \(a.result.out)")
                #expect(a.result.out.contains("events appended"), "append \(a.file) said: \(a.result.out)")
                let warnings = a.result.err.split(separator: "\n").filter { $0.hasPrefix("warning:") }
                if let fragment = intendedWarnings[a.file] {
                    #expect(warnings.count == 1, "append \(a.file) should warn once: \(a.result.err)")
                    #expect(a.result.err.contains(fragment), "append \(a.file) warned: \(a.result.err)")
                } else {
                    #expect(a.result.err.isEmpty, "append \(a.file) printed: \(a.result.err)")
                }
            }
            // The seed sorts among the examples, and every report that refers to its claims after it.
            let seedIndex = try #require(appended.firstIndex { $0.report == "dailynk-2020-05-minerals" })
            #expect(appended[(seedIndex + 1)...].contains { $0.file.hasPrefix("followup-") })

            let verify = try strata("verify", "--journal", journal)
            #expect(verify.exited(0), "verify: exit \(verify.status)\n\(verify.out)\(verify.err)")

            // The volumes table: thousands separators, and the right-aligned tonnes columns
            // end at the same column on every line.
            let table = try strata("volumes", "--by", "year", "--journal", journal)
            #expect(table.exited(0))
            // The sums: the lines before the list of reported totals.
            let sums = table.out.components(separatedBy: "\n\n")[0]
            let lines = sums.split(separator: "\n").map(String.init).filter {
                !$0.isEmpty && !$0.hasPrefix("as of") && !$0.hasPrefix("at ")
            }
            let header = try #require(lines.first)
            #expect(header.hasPrefix("COMMODITY"))
            #expect(table.out.contains("2,800,000"), "thousands separators: \(table.out)")
            let bestEnd = try #require(header.range(of: "BEST t")).upperBound
            let column = header.unicodeScalars.distance(from: header.unicodeScalars.startIndex, to: bestEnd)
            for line in lines.dropFirst() where line.unicodeScalars.count > column && line.contains("→") {
                let scalars = Array(line.unicodeScalars)
                #expect(
                    scalars[column - 1] != " " && (scalars.count == column || scalars[column] == " "),
                    "misaligned: \(line)")
            }
        }
    }

    @Test(
        "the timeline names each claim's outlet, filtered through the claim index or not, now and as of the first report"
    )
    func timelineOutlets() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let appended = try appendExamples(to: journal)
            // The outlet each example report gives, by report id.
            var outlets: [String: String] = [:]
            for a in appended {
                let text = try String(contentsOf: examplesDirectory.appendingPathComponent(a.file), encoding: .utf8)
                let line = try #require(
                    text.split(separator: "\n").first {
                        let t = $0.trimmingCharacters(in: .whitespaces)
                        return t.hasPrefix("outlet:") || t.hasPrefix("\"outlet\":")
                    }, "\(a.file) names no outlet")
                outlets[a.report] = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\",")).trimmingCharacters(in: .whitespaces)
            }
            for filter in [[], ["--commodity", "coal"], ["--place", "Nampo"], ["--as-of", "2000-01-01"]] {
                let result = try Running(
                    Binaries.strata, ["timeline", "--format", "json", "--journal", journal] + filter
                ).wait()
                #expect(result.exited(0), "\(result.err)")
                let rows = try viewRows(result)
                #expect(filter.contains("--as-of") ? rows.isEmpty : !rows.isEmpty, "\(filter)")
                for row in rows {
                    let claim = try #require(row["claim"] as? String)
                    let report = String(claim.split(separator: "/")[0])
                    #expect(row["outlet"] as? String == outlets[report], "\(filter) \(claim)")
                }
            }
        }
    }

    @Test(
        "at 80 columns ids are never cut: the log's streams, a claim's reports and analysts, the timeline's and shipments' sources"
    )
    func idsWholeAtEightyColumns() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let first = try reportFile(
                """
                report: {id: yonhap-2018-01-31-koti-transfer, outlet: Yonhap News Agency, published: 2018-01-31}
                sources:
                  - {id: kr-customs-pyeongtaek-office, name: Korea Customs Service, kind: government, reliability: B}
                claims:
                  - {id: c1, kind: shipment, source: kr-customs-pyeongtaek-office, said: oil transfer, credibility: 2,
                     commodity: refined petroleum products, quantity: {min: 1500, max: 1700, unit: t}, from: Pyeongtaek,
                     to: KP, vessel: {name: Koti, imo: "9417115"}, when: 2017-12~}
                  - {id: c2, kind: shipment, source: kr-customs-pyeongtaek-office, said: the same transfer, credibility: 3,
                     commodity: refined petroleum products, quantity: {value: 1600, unit: t}, from: Pyeongtaek, to: KP,
                     when: 2017-12, links: [{relation: same-shipment, claim: c1}]}
                """, named: "a.yaml", in: dir)
            let second = try reportFile(
                """
                report: {id: un-poe-2019-03-05-s2019-171-annex, outlet: United Nations Security Council, published: 2019-03-05}
                corrections:
                  - {correct: yonhap-2018-01-31-koti-transfer/c1, set: {quantity: {value: 1600, unit: t, qualifier: about}},
                     reason: "Panel gives about 1,600 tonnes for the Koti transfer, citing the ship's own records"}
                """, named: "b.yaml", in: dir)
            let appended = try strata(
                "append", first, "--journal", journal, environment: ["STRATA_ANALYST": "hana-kim"])
            #expect(appended.exited(0), "\(appended.err)")
            #expect(
                try strata("append", second, "--journal", journal, environment: ["STRATA_ANALYST": "minjun-lee"])
                    .exited(0))
            func narrow(_ arguments: String...) throws -> String {
                let r = try Running(
                    Binaries.strata, arguments + ["--journal", journal], environment: ["COLUMNS": "80"]
                ).wait()
                #expect(r.exited(0), "\(arguments): \(r.err)")
                let widest = r.out.split(separator: "\n").map { $0.unicodeScalars.count }.max() ?? 0
                #expect(widest <= 80, "\(arguments): \(widest) columns\n\(r.out)")
                return r.out
            }
            let claim = try narrow("claim", "yonhap-2018-01-31-koti-transfer/c1")
            for whole in [
                "yonhap-2018-01-31-koti-transfer", "un-poe-2019-03-05-s2019-171-annex", "by hana-kim", "by minjun-lee",
            ] {
                #expect(claim.contains(whole), "\(whole) in\n\(claim)")
            }
            #expect(claim.contains("quantity: 1,500–1,700 t → about 1,600 t"), "\(claim)")
            let log = try narrow("log")
            let streams = try jsonObjects(try strata("log", "--format", "ndjson", "--journal", journal).stdout)
                .compactMap { $0["stream"] as? String }
            #expect(!streams.isEmpty)
            for stream in streams { #expect(log.contains(stream), "\(stream) in\n\(log)") }
            // The source column is shown whole (the timeline has room for it here) or left out.
            let timeline = try narrow("timeline")
            #expect(timeline.contains("kr-customs-pyeongtaek-office"), "\(timeline)")
            for table in [timeline, try narrow("shipments")] {
                let words = table.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
                #expect(
                    words.filter { $0.hasPrefix("kr-") }.allSatisfy { $0 == "kr-customs-pyeongtaek-office" }, "\(table)"
                )
            }
        }
    }

    @Test(
        "a cut cell keeps the start of its text (or its start and end) within its column, wide characters and emoji counted double"
    )
    func cutCells() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let name = "조선중앙통신 평양 본사 🚢⚓ 해외보도국 (Korean Central News Agency, foreign desk)"
            let report = try reportFile(
                """
                report: {id: r, outlet: Wire, published: 2020-01-01}
                sources:
                  - {id: kcna-desk, name: "\(name)", kind: outlet, reliability: C}
                claims:
                  - {id: c1, kind: policy, source: kcna-desk}
                """, named: "r.yaml", in: dir)
            #expect(try strata("append", report, "--journal", journal).exited(0))
            for grade in ["B", "A", "D", "E", "B", "C", "F", "A"] {
                #expect(try strata("rate", "kcna-desk", grade, "--reason", "r", "--journal", journal).exited(0))
            }
            let history = "C→B→A→D→E→B→C→F→A"
            func columns(_ text: Substring) -> Int {
                // Hangul, the ship and the anchor are drawn double (East Asian Width W).
                text.unicodeScalars.reduce(0) {
                    $0 + ((0xAC00...0xD7A3).contains($1.value) || [0x1F6A2, 0x2693].contains($1.value) ? 2 : 1)
                }
            }
            for width in [40, 52, 64, 72, 80] {
                let out = try strata("sources", "--journal", journal, environment: ["COLUMNS": "\(width)"]).out
                let lines = out.split(separator: "\n")
                #expect(lines.allSatisfy { columns($0) <= width }, "\(out)")
                // The source id heads its row, on the row's line or on a line of its own.
                let at = try #require(lines.firstIndex { $0.hasPrefix("kcna-desk") }, "\(out)")
                let row = lines[at] == "kcna-desk" ? lines[at + 1] : lines[at].dropFirst("kcna-desk".count)
                let cells = row.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
                #expect(cells.count == 4 && cells[0] == "outlet" && cells[1] == "A", "\(row)")
                // HISTORY, cut in the middle: its start and its end.
                let cutHistory = String(cells[2])
                let halves = cutHistory.split(separator: "…", omittingEmptySubsequences: false)
                if halves.count == 1 {
                    #expect(cutHistory == history, "\(row)")
                } else {
                    #expect(halves.count == 2, "\(row)")
                    #expect(history.hasPrefix(halves[0]) && history.hasSuffix(halves[1]), "\(row)")
                    #expect(abs(halves[0].unicodeScalars.count - halves[1].unicodeScalars.count) <= 1, "\(row)")
                }
                // NAME, cut at its end: a start of the name, then ….
                let cutName = String(cells[3].drop { $0 == " " })
                #expect(cutName.hasSuffix("…") && name.hasPrefix(cutName.dropLast()), "\(cutName) of \(name)")
            }
        }
    }

    @Test("tables count invisible characters as no column, and print a text's line breaks as spaces")
    func invisibleCharactersAndLineBreaks() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let report = try reportFile(
                """
                report: {id: r, outlet: Wire, published: 2020-01-01}
                claims:
                  - {id: c1, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-05, vessel: {name: "Chon\\u200BMa San"}}
                  - {id: c2, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-06, vessel: {name: "Chon Ma Sam"}}
                  - id: c3
                    kind: observation
                    said: |
                      line one
                      line two
                """, named: "r.yaml", in: dir)
            #expect(try strata("append", report, "--journal", journal).exited(0))
            let table = try strata("shipments", "--journal", journal, environment: ["COLUMNS": "1000"]).out
            // Where each row's WHEN begins, in columns a terminal draws (U+200B draws none).
            let starts = table.split(separator: "\n").compactMap { line -> Int? in
                guard let at = line.range(of: "2019-0") else { return nil }
                return line[..<at.lowerBound].unicodeScalars.filter { $0 != "\u{200B}" }.count
            }
            #expect(starts.count == 2 && Set(starts).count == 1, "\(table)")
            let claim = try strata("claim", "r/c3", "--journal", journal).out
            #expect(claim.contains("  said: line one line two"), "\(claim)")
            // A correction's table says what it changed, as it was and as it became.
            #expect(
                try strata(
                    "correct", "r/c1", "--set", "when=2019-07", "--set", "vessel=", "--reason", "AIS", "--journal",
                    journal
                ).exited(0))
            let corrected = try strata("claim", "r/c1", "--journal", journal).out
            let versions = corrected.components(separatedBy: "\nversions:\n").last?.split(separator: "\n").map {
                String($0.drop { $0 == " " })
            }
            #expect(versions?.count == 6, "\(corrected)")
            #expect(
                versions?.last(where: { $0.contains("  by ") })?.hasSuffix("corrected when, vessel") == true,
                "\(corrected)")
            #expect(versions?.contains("reason: AIS") == true, "\(corrected)")
            #expect(
                versions?.suffix(2) == ["when: 2019-05 → 2019-07", "vessel: Chon\u{200B}Ma San → -"], "\(corrected)")
        }
    }

    @Test(
        "tables fit an 80-column terminal, cutting names with …, and use a wider one when given; shipment, claim and source ids are never cut"
    )
    func tablesFitTheTerminal() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            _ = try appendExamples(to: journal)
            for command in [
                ["volumes"], ["volumes", "--by", "year"], ["shipments"], ["shipments", "--commodity", "coal"],
                ["timeline"],
            ] {
                let narrow = try Running(Binaries.strata, command + ["--journal", journal]).wait()
                #expect(narrow.exited(0), "\(narrow.err)")
                // The same layout every run: which column gives way must not depend on a
                // process's hash seed (it did: the widest of equal columns was picked in
                // dictionary order, so a table came out in one of three layouts).
                for _ in 0..<8 {
                    let again = try Running(Binaries.strata, command + ["--journal", journal]).wait()
                    #expect(again.out == narrow.out, "\(command): another layout\n\(narrow.out)\n\(again.out)")
                }
                let widest = narrow.out.split(separator: "\n").map { $0.unicodeScalars.count }.max() ?? 0
                #expect(widest <= 80, "\(command): \(widest) columns\n\(narrow.out)")
                #expect(narrow.out.contains("…"), "\(command): the examples need cutting at 80 columns")
                let wide = try Running(
                    Binaries.strata, command + ["--journal", journal], environment: ["COLUMNS": "1000"]
                ).wait()
                #expect(wide.exited(0))
                #expect(!wide.out.contains("…"), "\(command) cut at 1,000 columns")
                let wideLines = wide.out.split(separator: "\n")
                let narrowLines = narrow.out.split(separator: "\n")
                let idColumn = ["shipments": ("SHIPMENT", "id"), "timeline": ("CLAIM", "claim")]
                if let (heading, key) = idColumn[command[0]] {
                    // Ids are never cut: each on a line of its own, whole, above the rest of
                    // its row (indented).
                    let json = try Running(Binaries.strata, command + ["--journal", journal, "--format", "ndjson"])
                        .wait().out
                    let ids = try json.split(separator: "\n").map { line in
                        try #require(
                            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?[key] as? String
                        )
                    }
                    let headings = narrowLines.filter { !$0.hasPrefix(" ") && !$0.hasPrefix("view:") }
                    #expect(headings.map(String.init) == [heading] + ids, "\(narrow.out)")
                    #expect(
                        zip(narrowLines, narrowLines.dropFirst()).allSatisfy { a, b in
                            a.hasPrefix(" ") || b.hasPrefix("  ")
                        },
                        "a heading line is followed by its row")
                } else {
                    // The sums a line each (the reported totals' ids may take lines of their own).
                    func sums(_ lines: [Substring]) -> Int { lines.prefix { !$0.hasPrefix("reported totals") }.count }
                    #expect(sums(wideLines) == sums(narrowLines))
                }
                // A wide terminal shows every column the read model has; a narrow one
                // leaves the optional ones out rather than cutting all to nothing.
                let everyColumn: [String: [String]] = [
                    "timeline": ["WHEN", "GRADE", "CLAIM", "SOURCE", "OUTLET", "RECORDED", "SUMMARY"],
                    "shipments": [
                        "SHIPMENT", "COMMODITY", "LOW t", "BEST t", "HIGH t", "FROM", "TO", "VESSEL", "WHEN", "CONF",
                        "STATUS", "CLAIMS", "SOURCES",
                    ],
                ]
                if let columns = everyColumn[command[0]] {
                    let header = wide.out.prefix { $0 != "\n" }.split(separator: " ", omittingEmptySubsequences: true)
                    #expect(header.joined(separator: " ") == columns.joined(separator: " "), "\(wide.out)")
                    let narrowHeader = narrowLines.prefix(command[0] == "shipments" ? 2 : 1).joined(separator: " ")
                    #expect(!narrowHeader.contains("OUTLET") && !narrowHeader.contains("CLAIMS"), "\(narrow.out)")
                }
            }
            // The other tables fit too: sources (ids whole), the log, a claim's history.
            for command in [["sources"], ["log"], ["claim", "eia-2017-06-09-coal-cap/c1"]] {
                let narrow = try Running(Binaries.strata, command + ["--journal", journal]).wait()
                #expect(narrow.exited(0), "\(narrow.err)")
                let widest = narrow.out.split(separator: "\n").map { $0.unicodeScalars.count }.max() ?? 0
                #expect(widest <= 80, "\(command): \(widest) columns\n\(narrow.out)")
                let wide = try Running(
                    Binaries.strata, command + ["--journal", journal], environment: ["COLUMNS": "1000"]
                ).wait()
                if command[0] == "claim" {
                    // A claim's text wraps between words instead of being cut: the same words.
                    #expect(
                        wide.out.split(separator: "\n").contains { $0.unicodeScalars.count > 80 },
                        "needs wrapping: \(wide.out)")
                    #expect(!narrow.out.contains("…"))
                    #expect(
                        narrow.out.split(whereSeparator: \.isWhitespace)
                            == wide.out.split(whereSeparator: \.isWhitespace))
                } else {
                    #expect(
                        !wide.out.contains("…") && wide.out.count > narrow.out.count,
                        "\(command) at 1,000 columns\n\(wide.out)")
                }
            }
            let sourceIDs = try strata("sources", "--format", "json", "--journal", journal).out
            let sources = try strata("sources", "--journal", journal).out
            for id in try #require(try JSONSerialization.jsonObject(with: Data(sourceIDs.utf8)) as? [[String: Any]])
                .compactMap({ $0["id"] as? String })
            {
                #expect(sources.contains(id), "source id \(id) shown whole")
            }
            // Numbers in timeline summaries are grouped by thousands, as in the other columns.
            let timeline = try strata("timeline", "--format", "json", "--journal", journal).out
            #expect(timeline.contains("total: coal 24,000,000–26,000,000 short ton"), "\(timeline.prefix(2000))")
            // Volumes list each reported total once, under the sums, with its whole claim id.
            let volumes = try strata("volumes", "--journal", journal, environment: ["COLUMNS": "400"])
            let parts = volumes.out.components(
                separatedBy: "\n\nreported totals, beside the sums and never added to them:\n")
            #expect(parts.count == 2, "\(volumes.out)")
            let totals = parts.last?.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("view:") } ?? []
            let ids = totals.map { String($0.split(separator: " ")[0]) }
            #expect(!ids.isEmpty && Set(ids).count == ids.count, "\(totals)")
            #expect(ids.contains("eia-2017-06-09-coal-cap/c2"))
            #expect(totals.first { $0.hasPrefix("eia-2017-06-09-coal-cap/c2") }?.contains("2016-01–2016-12") == true)
        }
    }

    @Test("appending every example again changes nothing")
    func appendAgainIsUnchanged() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let appended = try appendExamples(to: journal)
            let before = try statsJSON(journal: journal)
            for a in appended {
                let again = try strata(
                    "append", "--journal", journal, examplesDirectory.appendingPathComponent(a.file).path)
                #expect(again.exited(0), "append \(a.file) again: exit \(again.status)\n\(again.out)\(again.err)")
                #expect(
                    again.out.contains("\(a.report): unchanged"),
                    "append \(a.file) again said: \(again.out)\(again.err)")
            }
            let after = try statsJSON(journal: journal)
            #expect(after["events"] as? Int == before["events"] as? Int, "appending again added events")
            #expect(after["last_position"] as? Int == before["last_position"] as? Int)
            let verify = try strata("verify", "--journal", journal)
            #expect(verify.exited(0), "verify: exit \(verify.status)\n\(verify.out)\(verify.err)")

        }
    }

    @Test("--dry-run prints what would be appended and appends nothing, and creates no journal")
    func dryRun() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("missing/journal").path
            let first = exampleFiles[0].path
            let planned = try strata("append", "--dry-run", "--journal", journal, first)
            #expect(planned.exited(0), "dry run: \(planned.err)")
            #expect(planned.out.contains("would append"), "dry run said: \(planned.out)")
            #expect(planned.out.contains("claim.asserted.v1"), "dry run said: \(planned.out)")
            #expect(
                !FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path),
                "a dry run created the journal")

            let appended = try strata("append", "--journal", journal, first)
            try #require(appended.exited(0), "append: \(appended.err)")
            let before = try statsJSON(journal: journal)
            let again = try strata("append", "--dry-run", "--journal", journal, first)
            #expect(
                again.exited(0) && again.out.contains("unchanged"),
                "dry run of a recorded report: \(again.out)\(again.err)")
            let next = try strata("append", "--dry-run", "--journal", journal, exampleFiles[1].path)
            #expect(next.exited(0) && next.out.contains("would append"), "dry run: \(next.out)\(next.err)")
            // The record-time rule holds in a dry run as in the append it stands for.
            let backwards = try strata(
                "append", "--dry-run", "--recorded-at", "2000-01-01", "--journal", journal, exampleFiles[1].path)
            #expect(
                backwards.exited(65) && backwards.err.contains("record time never goes backwards"), "\(backwards.err)")
            #expect(try statsJSON(journal: journal)["events"] as? Int == before["events"] as? Int, "a dry run appended")
            // Several files: each is checked after the ones before it, as the real run
            // would (the second example links to the first's claims; the first again is
            // unchanged), and the journal is left as it was.
            let fresh = dir.appendingPathComponent("fresh/journal").path
            let several = try strata("append", "--dry-run", "--journal", fresh, first, exampleFiles[1].path, first)
            #expect(several.exited(0), "\(several.err)")
            #expect(several.out.components(separatedBy: "would append").count == 3, "\(several.out)")
            #expect(several.out.contains("unchanged"), "\(several.out)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fresh").path))
            let onTop = try strata(
                "append", "--dry-run", "--journal", journal, exampleFiles[1].path, exampleFiles[2].path)
            #expect(
                onTop.exited(0) && onTop.out.components(separatedBy: "would append").count == 3,
                "\(onTop.out)\(onTop.err)")
            #expect(try statsJSON(journal: journal)["events"] as? Int == before["events"] as? Int, "a dry run appended")
        }
    }

    @Test("corrections in later reports show in strata claim: current value and the version with its reason")
    func correctionsInLaterReports() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            _ = try appendExamples(to: journal)

            // AP's "a total of 35,000 tons" (recorded as about 35 kt) corrected by the Yonhap report
            // to KCS's exact 35,038 t.
            let kcs = try claimJSON("ap-2018-08-10-kcs-coal-via-russia/c1", journal: journal)
            #expect(kcs["retracted"] as? Bool == false)
            let kcsNow = try object(try object(kcs["current"], "current")["quantity"], "current quantity")
            #expect(kcsNow["value"] as? Double == 35038)
            #expect(kcsNow["unit"] as? String == "t")
            #expect(kcsNow["qualifier"] as? String == "exact")
            let kcsVersions = try objects(kcs["versions"], "versions")
            try #require(kcsVersions.count == 2, "versions: \(kcsVersions)")
            #expect(kcsVersions[0]["change"] as? String == "asserted")
            let first = try object(try object(kcsVersions[0]["claim"], "first version")["quantity"], "first quantity")
            #expect(
                first["value"] as? Double == 35 && first["unit"] as? String == "kt"
                    && first["qualifier"] as? String == "about")
            #expect(kcsVersions[1]["change"] as? String == "corrected quantity")
            #expect(kcsVersions[1]["report"] as? String == "yonhap-2018-08-10-kcs-coal-figures")
            #expect((kcsVersions[1]["reason"] as? String)?.contains("35,038 tons") == true, "reason: \(kcsVersions[1])")
            let yonhapTime = String(try recordedAt(file: "09-yonhap-2018-08-10-kcs-coal-figures.yaml").dropLast())
            #expect((kcsVersions[1]["recorded_at"] as? String)?.hasPrefix(yonhapTime) == true, "\(kcsVersions[1])")

            // The Wise Honest: the forfeiture complaint (North Korean Review) corrects DOJ's claim
            // (quantity and destination) and retracts NBC's "en route to American Samoa".
            let doj = try claimJSON("coalzoom-2019-05-11-wise-honest/c1", journal: journal)
            let dojNow = try object(doj["current"], "current")
            let dojQuantity = try object(dojNow["quantity"], "quantity")
            #expect(dojQuantity["value"] as? Double == 25500 && dojQuantity["unit"] as? String == "t")
            let dojTo = try objects(dojNow["to"], "to")
            #expect(
                dojTo.count == 1 && dojTo[0]["place"] as? String == "Balikpapan"
                    && dojTo[0]["country"] as? String == "ID")
            let dojVersions = try objects(doj["versions"], "versions")
            #expect(dojVersions.last?["change"] as? String == "corrected quantity, to", "\(dojVersions)")
            #expect(dojVersions.last?["report"] as? String == "nkreview-2019-05-30-wise-honest")
            // The claim as first recorded had no quantity and went to Indonesia.
            let dojFirst = try object(dojVersions.first?["claim"], "first version")
            #expect(dojFirst["quantity"] is NSNull)

            let nbc = try claimJSON("coalzoom-2019-05-11-wise-honest/c2", journal: journal)
            #expect(nbc["retracted"] as? Bool == true)
            let nbcVersions = try objects(nbc["versions"], "versions")
            #expect(nbcVersions.map { $0["change"] as? String } == ["asserted", "retracted"])
            #expect(nbcVersions.last?["report"] as? String == "nkreview-2019-05-30-wise-honest")
            #expect((nbcVersions.last?["reason"] as? String)?.contains("American Samoa") == true)

            // The seed's claims are left as the seed says them.
            let gold = try claimJSON("dailynk-2020-05-minerals/c11", journal: journal)
            let goldQuantity = try object(try object(gold["current"], "current")["quantity"], "quantity")
            #expect(goldQuantity["value"] as? Double == 20 && goldQuantity["qualifier"] as? String == "about")
            #expect(try objects(gold["versions"], "versions").count == 1)
        }
    }

    @Test("vessels, units, ranges and fuzzy times of the examples are recorded as written")
    func fieldsAsRecorded() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            _ = try appendExamples(to: journal)
            func current(_ id: String) throws -> [String: Any] {
                try object(try claimJSON(id, journal: journal)["current"], id)
            }

            // An IMO number written "IMO 8905490" is kept as its seven digits; the flag as alpha-2.
            let wiseHonest = try object(try current("nkreview-2019-05-30-wise-honest/c1")["vessel"], "vessel")
            #expect(wiseHonest["imo"] as? String == "8905490" && wiseHonest["flag"] as? String == "KP")
            let winmore = try object(try current("nyt-2017-12-29-lighthouse-winmore/c1")["vessel"], "vessel")
            #expect(winmore["name"] as? String == "Lighthouse Winmore" && winmore["imo"] as? String == "9635987")
            #expect(winmore["flag"] as? String == "HK")
            #expect(try current("nyt-2017-12-29-lighthouse-winmore/c1")["method"] as? [String] == ["ship-to-ship"])

            // Units other than tonnes, qualifiers and a range, from YAML and from JSON.
            let pounds = try object(try current("ap-2015-03-09-dhaka-gold/c1")["quantity"], "quantity")
            #expect(pounds["value"] as? Double == 59 && pounds["unit"] as? String == "lb")
            let kilograms = try object(try current("reuters-2015-03-06-dhaka-gold/c1")["quantity"], "quantity")
            #expect(kilograms["unit"] as? String == "kg" && kilograms["qualifier"] as? String == "about")
            let shortTons = try object(try current("eia-2017-06-09-coal-cap/c2")["quantity"], "quantity")
            #expect(shortTons["min"] as? Double == 24_000_000 && shortTons["max"] as? Double == 26_000_000)
            #expect(shortTons["unit"] as? String == "short ton")
            let total = try current("un-poe-2020-03-02-final-report/c1")
            #expect(total["kind"] as? String == "total" && total["when"] as? String == "2019-01/2019-08")
            let megatonnes = try object(total["quantity"], "quantity")
            #expect(megatonnes["value"] as? Double == 3.7 && megatonnes["unit"] as? String == "Mt")
            let atLeast = try object(try current("un-poe-2020-03-02-final-report/c5")["quantity"], "quantity")
            #expect(atLeast["unit"] as? String == "kt" && atLeast["qualifier"] as? String == "at_least")
            let upTo = try object(try current("afp-2017-12-29-lighthouse-winmore/c1")["quantity"], "quantity")
            #expect(upTo["qualifier"] as? String == "up_to")

            // Fuzzy and open-ended valid times.
            #expect(try current("un-poe-2020-03-02-final-report/c3")["when"] as? String == "2019-23?")
            #expect(try current("diplomat-2020-04-ever-glory/c4")["when"] as? String == "2019-08%")
            #expect(try current("diplomat-2020-04-ever-glory/c4")["method"] as? [String] == ["ais-off"])
            #expect(try current("nyt-2020-03-26-idle-ships/c3")["when"] as? String == "2019-XX")
            #expect(try current("nyt-2017-12-29-lighthouse-winmore/c4")["when"] as? String == "../2017-11-21")
            #expect(try current("bloomberg-2020-08-05-coal-resumes/c2")["when"] as? String == "2020-04/..")

            // A place not in the gazetteer with its country, and the unknown name kept as written.
            let dhaka = try objects(try current("reuters-2015-03-06-dhaka-gold/c1")["to"], "to")
            #expect(
                dhaka.count == 1 && dhaka[0]["place"] as? String == "Dhaka" && dhaka[0]["country"] as? String == "BD")
            let origins = try objects(try current("ap-2018-08-10-kcs-coal-via-russia/c2")["from"], "from")
            #expect(origins.compactMap { $0["place"] as? String } == ["Wonsan", "Chongjin", "Daean", "Songrim"])
        }
    }

    @Test("links of the examples: same-shipment, part-of a total, contradicts, corroborates the seed")
    func links() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            _ = try appendExamples(to: journal)
            let log = try strata("log", "--journal", journal, "--format", "ndjson")
            try #require(log.exited(0), "log: \(log.err)")
            let linked = try jsonObjects(log.stdout).filter {
                ($0["type"] as? String)?.hasPrefix("claims.linked") == true
            }
            let links = try linked.map { event -> [String] in
                let p = try object(event["payload"], "payload")
                return [p["claim"], p["other"], p["relation"], p["report"]].map { $0 as? String ?? "" }
            }
            func has(_ claim: String, _ other: String, _ relation: String, by report: String) -> Bool {
                links.contains([claim, other, relation, report])
            }
            #expect(
                has(
                    "ap-2015-03-09-dhaka-gold/c1", "reuters-2015-03-06-dhaka-gold/c1", "same-shipment",
                    by: "ap-2015-03-09-dhaka-gold"),
                "\(links)")
            #expect(
                has(
                    "nyt-2017-12-29-lighthouse-winmore/c2", "afp-2017-12-29-lighthouse-winmore/c2", "contradicts",
                    by: "nyt-2017-12-29-lighthouse-winmore"), "\(links)")
            #expect(
                has(
                    "diplomat-2020-04-ever-glory/c4", "un-poe-2020-03-02-final-report/c1", "part-of",
                    by: "diplomat-2020-04-ever-glory"),
                "\(links)")
            // A link made by a later report's corrections: the AP figure is part of the Panel's total.
            #expect(
                has(
                    "ap-2020-02-14-un-experts-leak/c1", "un-poe-2020-03-02-final-report/c1", "part-of",
                    by: "un-poe-2020-03-02-final-report"), "\(links)")
            #expect(
                has(
                    "bloomberg-2020-08-05-coal-resumes/c2", "dailynk-2020-05-minerals/c1", "corroborates",
                    by: "bloomberg-2020-08-05-coal-resumes"), "\(links)")
            #expect(
                has(
                    "dailynk-2020-05-minerals/c2", "bloomberg-2020-08-05-coal-resumes/c2", "corroborates",
                    by: "bloomberg-2020-08-05-coal-resumes"), "\(links)")
            #expect(Set(links.map { $0[2] }) == ["same-shipment", "corroborates", "contradicts", "part-of"])
        }
    }
}
