import Foundation
import StrataDomain
import Testing

/// Real output checked against the JSON Schemas in schemas/ with Python's jsonschema.
@Suite("JSON output matches schemas/")
struct SchemaTests {
    private func python(_ script: String, _ arguments: [String], stdin: URL? = nil) throws -> RunResult {
        try Running(
            "/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent(script).path] + arguments, stdin: stdin
        )
        .wait()
    }

    @Test("every exported event and payload of a recorded report, its corrections and links is valid")
    func exportedEvents() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            #expect(try strata("append", seed, "--journal", j).exited(0))
            #expect(
                try strata(
                    "correct", "dailynk-2020-05-minerals/c6", "--set", "quantity={min: 250, max: 350, unit: t}",
                    "--reason", "range", "--journal", j
                ).exited(0))
            #expect(try strata("retract", "dailynk-2020-05-minerals/c9", "--reason", "r", "--journal", j).exited(0))
            #expect(
                try strata(
                    "link", "dailynk-2020-05-minerals/c6", "dailynk-2020-05-minerals/c7", "--as", "same-shipment",
                    "--journal", j
                ).exited(0))
            #expect(
                try strata(
                    "unlink", "dailynk-2020-05-minerals/c6", "dailynk-2020-05-minerals/c7", "--as", "same-shipment",
                    "--journal", j
                ).exited(0))
            #expect(try strata("rate", "dailynk-china-source", "B", "--reason", "r", "--journal", j).exited(0))
            #expect(try strata("alias", "place", "Nampho", "Nampo", "--journal", j).exited(0))
            #expect(try strata("unalias", "place", "Nampho", "--journal", j).exited(0))
            let export = dir.appendingPathComponent("export.ndjson")
            #expect(try strata("export", "--output", export.path, "--journal", j).exited(0))
            let check = try python("tools/check-events", [export.path])
            #expect(check.exited(0), "\(check.out)\(check.err)")
            #expect(check.out.contains("22 payloads checked, 0 without a schema, 0 failures"), "\(check.out)")
        }
    }

    @Test(
        "the report schema and strata append take the same units, qualifiers and grades, in the cases strata reads them"
    )
    func reportSchemaSpellings() throws {
        try withTemporaryDirectory { dir in
            let good = dir.appendingPathComponent("good")
            let bad = dir.appendingPathComponent("bad")
            try FileManager.default.createDirectory(at: good, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
            func report(_ name: String, unit: String, qualifier: String = "about", grade: String = "B") -> String {
                """
                report: {id: \(name), outlet: Wire, published: 2020-01-01}
                sources: [{id: s1, name: S1, kind: human, reliability: \(grade)}]
                claims:
                  - {id: c1, kind: shipment, source: s1, commodity: coal, quantity: {value: 5, unit: '\(unit)', qualifier: '\(qualifier)'}}

                """
            }
            var n = 0
            func file(_ dir: URL, _ text: String) throws -> String {
                n += 1
                return try reportFile(text, named: "r\(n).yaml", in: dir)
            }
            var goodFiles: [String] = []
            for spelling in MassUnit.spellings.keys.sorted() + ["Mt"] {
                for written in Set([
                    spelling, spelling.uppercased() == "MT" ? spelling : spelling.uppercased(), " \(spelling) ",
                ]) {
                    goodFiles.append(try file(good, report("r\(n)", unit: written)))
                }
            }
            for qualifier in Quantity.Qualifier.allCases.map(\.rawValue) + [
                "over", "more than", "At Least", "ABOUT", "up to", "at most",
            ] {
                goodFiles.append(try file(good, report("r\(n)", unit: "t", qualifier: qualifier)))
            }
            for grade in ["A", "f", "c"] { goodFiles.append(try file(good, report("r\(n)", unit: "t", grade: grade))) }
            var badFiles: [String] = []
            for unit in ["mt", "MT", "tonnez", "k g", "Kt s"] {
                badFiles.append(try file(bad, report("r\(n)", unit: unit)))
            }
            badFiles.append(try file(bad, report("r\(n)", unit: "t", qualifier: "roughly")))
            badFiles.append(try file(bad, report("r\(n)", unit: "t", grade: "G")))

            let schema = try python("tools/check-reports", ["--examples", good.path, "--quiet"])
            #expect(schema.exited(0), "\(schema.out)\(schema.err)")
            for f in goodFiles {
                let r = try strata("append", "--dry-run", f, "--journal", dir.appendingPathComponent("j").path)
                #expect(r.exited(0), "\(f): \(r.err)")
            }
            for f in badFiles {
                let r = try strata("append", "--dry-run", f, "--journal", dir.appendingPathComponent("j").path)
                #expect(r.exited(65), "\(f) was taken: \(r.out)")
                let one = dir.appendingPathComponent("one-\(URL(fileURLWithPath: f).lastPathComponent.dropLast(5))")
                try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: f, toPath: one.appendingPathComponent("r.yaml").path)
                #expect(
                    try python("tools/check-reports", ["--examples", one.path, "--quiet"]).exited(1),
                    "the schema takes \(f)")
            }
        }
    }

    @Test("a broken payload is caught by the checker (the check can fail)")
    func checkerCatchesErrors() throws {
        try withTemporaryDirectory { dir in
            let bad = dir.appendingPathComponent("bad.ndjson")
            let line =
                #"{"position":1,"id":"019b76da-a800-7485-9e30-e426c708e611","type":"source.rated.v1","stream":"source-x","version":1,"recorded_at":"2026-01-01T00:00:00.000000Z","recorded_by":"a","correlation_id":"019b76da-a800-7484-abbd-61833048a5a4","causation_id":null,"payload":{"source":"x","reliability":"G","reason":"r"}}"#
            try Data((line + "\n").utf8).write(to: bad)
            #expect(try python("tools/check-events", [bad.path]).exited(1))
        }
    }

    @Test(
        "volumes, shipments and timeline JSON match their schemas, now and as of an earlier time",
        arguments: [
            ["volumes"], ["volumes", "--by", "quarter", "--commodity", "coal"], ["shipments"], ["timeline"],
            ["timeline", "--country", "KP", "--from", "2017", "--to", "2019-06"],
            ["shipments", "--as-of", "2026-01-10"],
            ["volumes", "--published-by", "2018-01-01", "--by", "year"],
        ])
    func readModels(arguments: [String]) throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let examples = try FileManager.default.contentsOfDirectory(
                atPath: repositoryRoot.appendingPathComponent("examples").path
            )
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
            for (i, name) in examples.enumerated() {
                let file = repositoryRoot.appendingPathComponent("examples/\(name)").path
                let day = String(format: "%02d", i + 1)
                #expect(
                    try strata("append", file, "--journal", j, "--recorded-at", "2026-01-\(day)T09:00:00Z").exited(0))
            }
            let out = dir.appendingPathComponent("out.json")
            let result = try Running(Binaries.strata, arguments + ["--format", "json", "--journal", j]).wait()
            #expect(result.exited(0), "\(result.err)")
            try result.stdout.write(to: out)
            let check = try python(
                "tools/check-schema", ["schemas/\(arguments[0]).schema.json".asRepositoryPath, out.path])
            #expect(check.exited(0), "\(check.out)\(check.err)")
            let rows = (try jsonObject(result.stdout)["rows"] as? [Any])?.count ?? 0
            #expect(rows > 0, "\(arguments) gave no rows")
        }
    }

    @Test(
        "CSV has the columns of the read model's schema, whatever the rows hold",
        arguments: ["volumes", "shipments", "timeline"])
    func csvColumns(view: String) throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let examples = try FileManager.default.contentsOfDirectory(
                atPath: repositoryRoot.appendingPathComponent("examples").path
            )
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
            // The first shipment (a gold seizure) has no vessel: its null must not decide the columns.
            for name in examples {
                #expect(
                    try strata("append", repositoryRoot.appendingPathComponent("examples/\(name)").path, "--journal", j)
                        .exited(0))
            }
            let expected = try python("tools/csv-columns", ["schemas/\(view).schema.json".asRepositoryPath])
            #expect(expected.exited(0), "\(expected.err)")
            let csv = try strata(view, "--format", "csv", "--journal", j)
            #expect(csv.exited(0), "\(csv.err)")
            let header = csv.out.prefix { $0 != "\n" }
            #expect(header == expected.out.trimmingCharacters(in: .newlines), "\(csv.out.prefix(400))")
            let out = dir.appendingPathComponent("out.csv")
            try csv.stdout.write(to: out)
            let widths = try Running(
                "/usr/bin/env",
                [
                    "python3", "-c", "import csv,sys; print(sorted({len(r) for r in csv.reader(open(sys.argv[1]))}))",
                    out.path,
                ]
            ).wait()
            let count = header.split(separator: ",").count
            #expect(widths.out.trimmingCharacters(in: .newlines) == "[\(count)]", "every line has the header's fields")

            // Every cell is the JSON row's value at the column's path, flattened here by a
            // reader of its own: null or missing → empty, lists joined by ";" (a list of
            // objects, volumes' reported_totals, as its JSON), numbers equal.
            let json = dir.appendingPathComponent("out.json")
            try strata(view, "--format", "json", "--journal", j).stdout.write(to: json)
            let compare = try Running("/usr/bin/env", ["python3", "-c", Self.csvAgainstJSON, out.path, json.path])
                .wait()
            #expect(compare.exited(0), "\(compare.out)\(compare.err)")
            #expect(compare.out.hasPrefix("rows "), "\(compare.out)")
            #expect(!compare.out.hasPrefix("rows 0 "), "the examples give rows: \(compare.out)")
        }
    }

    /// Checks a CSV answer cell by cell against the JSON answer of the same view; prints
    /// `rows N cells M` and exits 0 when all agree, else prints the first difference.
    static let csvAgainstJSON = #"""
        import csv, json, sys
        rows = list(csv.reader(open(sys.argv[1], newline="")))
        header, body = rows[0], rows[1:]
        answer = json.load(open(sys.argv[2]))["rows"]
        if len(body) != len(answer): sys.exit(f"{len(body)} CSV rows, {len(answer)} JSON rows")
        def compact(v): return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
        def text(v):
            if v is None or isinstance(v, dict): return ""
            if isinstance(v, bool): return "true" if v else "false"
            if isinstance(v, list) and any(isinstance(x, dict) for x in v): return compact(v)
            if isinstance(v, list): return ";".join(x if isinstance(x, str) else compact(x) for x in v)
            return v if isinstance(v, str) else json.dumps(v)
        cells = 0
        for n, (line, row) in enumerate(zip(body, answer)):
            for column, got in zip(header, line):
                v = row
                for key in column.split("."):
                    v = v.get(key) if isinstance(v, dict) else None
                want = text(v)
                if want[:1] in ("=", "+", "-", "@", "\t", "\r"): want = "'" + want
                same = got == want
                if not same and isinstance(v, (int, float)) and not isinstance(v, bool):
                    same = float(got) == float(v)
                if not same: sys.exit(f"row {n} column {column}: CSV {got!r}, JSON {want!r}")
                cells += 1
        print(f"rows {len(body)} cells {cells}")
        """#

    @Test(
        "the schemas take spec/cli.md's example view (record times to the second) and refuse an event whose payload is not an object"
    )
    func specExamples() throws {
        try withTemporaryDirectory { dir in
            let answer = dir.appendingPathComponent("answer.json")
            try #"""
            {"view": {"position": 57, "as_of": "2026-11-28T10:15:00Z", "published_by": null,
                      "from": null, "to": null, "certainly": false},
             "rows": []}
            """#.write(to: answer, atomically: false, encoding: .utf8)
            for view in ["volumes", "shipments", "timeline"] {
                let check = try python(
                    "tools/check-schema", ["schemas/\(view).schema.json".asRepositoryPath, answer.path])
                #expect(check.exited(0), "\(view): \(check.out)\(check.err)")
            }
            let event = dir.appendingPathComponent("event.json")
            try #"""
            {"position": 1, "id": "019b76da-a800-77fb-9d63-ff3f27ee645b", "type": "claim.asserted.v1",
             "stream": "claim-r/c1", "version": 1, "recorded_at": "2026-01-01T00:00:00.000000Z",
             "recorded_by": "a", "correlation_id": "019b76da-a800-77fa-9cc6-5b0c66739bc7",
             "causation_id": null, "payload": "not an object"}
            """#.write(to: event, atomically: false, encoding: .utf8)
            let check = try python("tools/check-schema", ["schemas/event.schema.json".asRepositoryPath, event.path])
            #expect(check.exited(1), "\(check.out)\(check.err)")
            #expect(check.err.contains("payload: 'not an object' is not of type 'object'"), "\(check.err)")
        }
    }

    @Test("stats --format json matches its schema")
    func stats() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            #expect(try strata("import", sampleExport.path, "--journal", j).exited(0))
            let out = dir.appendingPathComponent("stats.json")
            try strata("stats", "--format", "json", "--journal", j).stdout.write(to: out)
            let check = try python("tools/check-schema", ["schemas/stats.schema.json".asRepositoryPath, out.path])
            #expect(check.exited(0), "\(check.out)\(check.err)")
        }
    }
}

extension String {
    var asRepositoryPath: String { repositoryRoot.appendingPathComponent(self).path }
}
