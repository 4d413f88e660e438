import Foundation
import Testing

/// The `strata` commands of the contract (spec/cli.md) against the bundled sample export:
/// import, verify, stats, export, log, file modes, exit codes.
@Suite("strata CLI")
struct CLITests {
    let sample: Data
    let sampleLines: [Data]

    init() throws {
        sample = try Data(contentsOf: sampleExport)
        sampleLines = ndjsonLines(sample)
        try #require(sampleLines.count == 200, "the sample export should hold 200 events")
    }

    /// Imports the sample into `dir/journal` and returns the journal path.
    private func importedSample(in dir: URL) throws -> String {
        let journal = dir.appendingPathComponent("journal").path
        let result = try strata("import", "--journal", journal, sampleExport.path)
        try #require(result.exited(0), "import: \(result.err)")
        #expect(result.out.contains("imported 200 events"), "import said: \(result.out)")
        return journal
    }

    @Test("import of the sample then verify passes")
    func importAndVerify() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let verify = try strata("verify", "--journal", journal)
            #expect(verify.exited(0), "verify: \(verify.out) \(verify.err)")
            #expect(verify.out.contains("200 events"), "verify said: \(verify.out)")
        }
    }

    @Test("verify lists every damaged event of a journal with claims, not only the first, and exits 74")
    func verifyListsEveryProblem() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let examples = repositoryRoot.appendingPathComponent("examples")
            // Each report's events carry their analyst's name, stored only in the log.
            for (analyst, file) in [
                ("analyst-one", "01-reuters-2015-03-06-dhaka-gold.yaml"),
                ("analyst-two", "dailynk-2020-05-minerals.yaml"),
            ] {
                let appended = try strata(
                    "append", examples.appendingPathComponent(file).path, "--journal", journal,
                    environment: ["STRATA_ANALYST": analyst])
                try #require(appended.exited(0), "append: \(appended.err)")
            }
            let events =
                try jsonObject(try strata("stats", "--journal", journal, "--format", "json").stdout)["events"] as? Int
            try #require(try strata("verify", "--journal", journal).exited(0))
            // Every copy of both names (LMDB may keep stale copies of pages) gets one letter
            // changed: every event of both commands is damaged.
            let data = URL(fileURLWithPath: journal + "/data.mdb")
            var bytes = try Data(contentsOf: data)
            for marker in ["analyst-one", "analyst-two"] {
                var from = bytes.startIndex
                while let at = bytes.range(of: Data(marker.utf8), in: from..<bytes.endIndex) {
                    bytes[at.lowerBound] ^= 0x20
                    from = at.upperBound
                }
            }
            try bytes.write(to: data)
            let verify = try strata("verify", "--journal", journal)
            #expect(verify.exited(74), "verify: \(verify.out) \(verify.err)")
            let mismatches = verify.out.split(separator: "\n").filter { $0.hasSuffix("checksum mismatch") }
            #expect(mismatches.count == events, "verify said: \(verify.out)")
            #expect(verify.out.contains("read models not checked"), "verify said: \(verify.out)")
            #expect(verify.err.hasPrefix("error: journal corrupted: "), "\(verify.err)")
        }
    }

    @Test(
        "an analyst's name with a control character, a line break or a bidirectional override, or over 200 bytes, is refused (exit 65) and nothing is recorded"
    )
    func analystNames() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let report = seedExample.path
            for (name, problem) in [
                ("ev\u{1B}[31mil", "control character (U+001B)"), ("two\nlines", "line break"),
                ("\u{202E}nimda", "bidirectional override"), (String(repeating: "a", count: 201), "at most 200 bytes"),
            ] {
                let r = try strata("append", report, "--journal", journal, environment: ["STRATA_ANALYST": name])
                #expect(r.exited(65), "\(r.status) \(r.err)")
                #expect(r.err.hasPrefix("error: $STRATA_ANALYST: the analyst's name "), "\(r.err)")
                #expect(r.err.contains(problem), "\(r.err)")
                #expect(!FileManager.default.fileExists(atPath: journal), "a refused append created the journal")
            }
            let ok = try strata("append", report, "--journal", journal, environment: ["STRATA_ANALYST": "Kim Min-jun"])
            #expect(ok.exited(0), "\(ok.err)")
            // Commands on the journal refuse the name too.
            let before = try strata("export", "--journal", journal).stdout
            let r = try strata(
                "retract", "dailynk-2020-05-minerals/c1", "--reason", "r", "--journal", journal,
                environment: ["STRATA_ANALYST": "a\u{1B}b"])
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(try strata("export", "--journal", journal).stdout == before)
            // A vessel name set by a correction follows the rule of report files.
            let v = try strata(
                "correct", "dailynk-2020-05-minerals/c1", "--set", "vessel={name: '!!!'}", "--reason", "r", "--journal",
                journal)
            #expect(v.exited(65), "\(v.status) \(v.err)")
            #expect(v.err.contains("vessel") && v.err.contains("letters or digits"), "\(v.err)")
            #expect(try strata("export", "--journal", journal).stdout == before)
        }
    }

    @Test("a report listing a source whose id is its outlet's warns that the outlet's claims become that source's")
    func outletSharesListedSourceID() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let file = try reportFile(
                """
                report: {id: tx, outlet: X, published: 2020-01-01}
                sources: [{id: x, name: Y, kind: human, reliability: A}]
                claims: [{id: c1, kind: policy, said: hi}]
                """, named: "tx.yaml", in: dir)
            let r = try strata("append", file, "--journal", journal)
            #expect(r.exited(0), "\(r.err)")
            #expect(
                r.err.contains(
                    #"warning: \#(file):1: report.outlet: outlet "X" has the source id x, listed in this report for "Y""#
                ),
                "\(r.err)")
        }
    }

    @Test(
        "a correction that changes no field is refused by strata correct (exit 65, nothing appended) and warned of in a report file"
    )
    func correctionChangingNothing() throws {
        try withSeedJournal { dir, journal in
            let set = ["--set", "quantity={value: 850, unit: t}", "--reason", "r", "--journal", journal]
            let first = try Running(Binaries.strata, ["correct", "dailynk-2020-05-minerals/c1"] + set).wait()
            #expect(first.exited(0), "\(first.err)")
            let before = try strata("export", "--journal", journal).stdout
            let again = try Running(Binaries.strata, ["correct", "dailynk-2020-05-minerals/c1"] + set).wait()
            #expect(again.exited(65), "\(again.status) \(again.err)")
            #expect(
                again.err.contains("already has the values set (quantity): the correction changes no field"),
                "\(again.err)")
            #expect(try strata("export", "--journal", journal).stdout == before)
            // A report file that restates the value is recorded, with a warning.
            let file = try reportFile(
                """
                report: {id: restated, outlet: Daily NK, published: 2020-06-01}
                corrections:
                  - {correct: dailynk-2020-05-minerals/c1, set: {quantity: {value: 850, unit: t}}, reason: restated}
                """, named: "restated.yaml", in: dir)
            let restated = try strata("append", file, "--journal", journal)
            #expect(restated.exited(0), "\(restated.err)")
            #expect(
                restated.err.contains("warning: ") && restated.err.contains("changes no field (recorded)"),
                "\(restated.err)")
        }
    }

    @Test("the volumes table shows - for a row whose shipments have no quantity, not 0 t; a partial row shows its sums")
    func unquantifiedVolumesRow() throws {
        try withSeedJournal { dir, journal in
            func row(_ commodity: String, _ j: String) throws -> [Substring] {
                let table = try strata("volumes", "--journal", j, environment: ["COLUMNS": "200"]).out
                let line = try #require(
                    table.split(separator: "\n").first { $0.hasPrefix(commodity + " ") }, "\(table)")
                return line.split(separator: " ", omittingEmptySubsequences: true)
            }
            // The seed's coal: one shipment, no quantity.
            #expect(try row("coal", journal) == ["coal", "2019-10", "KP→CN", "-", "-", "-", "1", "(1", "no", "qty)"])
            // With a quantified shipment beside it, the row sums what is known.
            let more = try reportFile(
                """
                report: {id: r2, outlet: Wire, published: 2020-01-01}
                claims:
                  - {id: c1, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-10, quantity: {value: 40, unit: t}}
                """, named: "r2.yaml", in: dir)
            #expect(try strata("append", more, "--journal", journal).exited(0))
            #expect(
                try row("coal", journal) == ["coal", "2019-10", "KP→CN", "40", "40", "40", "2", "(1", "no", "qty)"])
        }
    }

    @Test("a rating that gives a source the grade it has is refused (exit 65, nothing appended); another is recorded")
    func ratingChangingNothing() throws {
        try withSeedJournal { _, journal in
            // The seed registers dailynk-china-source at C.
            let before = try strata("export", "--journal", journal).stdout
            let same = try strata("rate", "dailynk-china-source", "C", "--reason", "r", "--journal", journal)
            #expect(same.exited(65), "\(same.status) \(same.err)")
            #expect(same.err.contains("GRADE: dailynk-china-source is graded C already"), "\(same.err)")
            #expect(try strata("export", "--journal", journal).stdout == before)
            #expect(try strata("rate", "dailynk-china-source", "B", "--reason", "r", "--journal", journal).exited(0))
            let again = try strata("rate", "dailynk-china-source", "B", "--reason", "r", "--journal", journal)
            #expect(again.exited(65), "\(again.err)")
            #expect(try strata("rate", "dailynk-china-source", "C", "--reason", "back", "--journal", journal).exited(0))
        }
    }

    @Test(
        "verify whose copy of the journal cannot be made says where and why (exit 74), and leaves the journal as it was"
    )
    func verifyWithoutRoomForItsCopy() throws {
        try withSeedJournal { dir, journal in
            let before = try strata("export", "--journal", journal).stdout
            let file = dir.appendingPathComponent("not-a-directory")
            try Data().write(to: file)
            let r = try strata("verify", "--journal", journal, environment: ["TMPDIR": file.path])
            #expect(r.exited(74), "\(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: verify's copy of the journal in \(file.path)/strata-verify-"), "\(r.err)")
            #expect(r.err.contains("set TMPDIR to a directory with room"), "\(r.err)")
            #expect(try strata("export", "--journal", journal).stdout == before)
            #expect(try strata("verify", "--journal", journal).exited(0))
        }
    }

    @Test("stats --format json reports the sample's counts and last record time")
    func statsAsJSON() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let stats = try strata("stats", "--journal", journal, "--format", "json")
            try #require(stats.exited(0), "stats: \(stats.err)")
            let object = try jsonObject(stats.stdout)
            let lastLine = try jsonObject(try #require(sampleLines.last))
            #expect(object["events"] as? Int == 200)
            #expect(object["last_position"] as? Int == lastLine["position"] as? Int)
            #expect(object["last_position"] as? Int == 200)
            let lastRecordedAt = try #require(lastLine["recorded_at"] as? String)
            #expect(object["last_recorded_at"] as? String == lastRecordedAt)
            for key in ["reports", "claims", "sources"] {
                #expect(object[key] is Int, "stats has no integer \(key): \(stats.out)")
            }
            let bytes = try #require(object["bytes"] as? Int)
            #expect(bytes > 0)
            // `strata stats --help`: "bytes" is the size of the data file.
            #expect(bytes == fileSize(journal + "/data.mdb"))
        }
    }

    @Test("a rebuild frees the old read-model generation: stats counts it in free_bytes, and the file stops growing")
    func rebuildFreesOldGeneration() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            try #require(try bench("journal", "--journal", j, "--events", "3000").exited(0))
            let before = try statsJSON(journal: j)
            try #require(try strata("rebuild", "--journal", j).exited(0))
            let after = try statsJSON(journal: j)
            let usedBefore = try #require(before["map_used"] as? Int)
            let freeBefore = try #require(before["free_bytes"] as? Int)
            let freeAfter = try #require(after["free_bytes"] as? Int)
            let usedAfter = try #require(after["map_used"] as? Int)
            // The read models are about half of this journal; all of the old copy is free.
            #expect(freeAfter - freeBefore > usedBefore / 4, "free \(freeBefore) -> \(freeAfter) of \(usedBefore)")
            #expect(freeAfter <= usedAfter)
            // A second rebuild writes into those pages instead of growing the file much.
            try #require(try strata("rebuild", "--journal", j).exited(0))
            let again = try statsJSON(journal: j)
            #expect(try #require(again["map_used"] as? Int) < usedAfter + usedAfter / 10)
        }
    }

    @Test("export to standard output gives back the imported file byte for byte")
    func exportIsLossless() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let export = try strata("export", "--journal", journal)
            #expect(export.exited(0), "export: \(export.err)")
            #expect(export.stdout == sample, "export differs from the imported sample")
        }
    }

    @Test("export --output writes the same bytes to a file of mode 0600")
    func exportToFile() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let file = dir.appendingPathComponent("out.ndjson").path
            let export = try strata("export", "--journal", journal, "--output", file)
            #expect(export.exited(0), "export: \(export.err)")
            #expect(export.stdout.isEmpty, "results go to the file, not to standard output")
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == sample)
            #expect(permissions(file) == 0o600)
            // Exporting again over an existing file replaces it (not appends).
            let again = try strata("export", "--journal", journal, "--output", file)
            #expect(again.exited(0))
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == sample)
        }
    }

    @Test("the journal directory is 0700 and its files 0600")
    func journalModes() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            #expect(permissions(journal) == 0o700)
            #expect(permissions(journal + "/data.mdb") == 0o600)
            #expect(permissions(journal + "/lock.mdb") == 0o600)
        }
    }

    @Test("log --format ndjson prints what export writes; --after and --limit select positions")
    func logNDJSON() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let all = try strata("log", "--journal", journal, "--format", "ndjson")
            #expect(all.exited(0), "log: \(all.err)")
            #expect(all.stdout == sample)

            let page = try strata("log", "--journal", journal, "--after", "10", "--limit", "5", "--format", "ndjson")
            #expect(page.exited(0), "log: \(page.err)")
            let positions = try jsonObjects(page.stdout).map { $0["position"] as? Int }
            #expect(positions == [11, 12, 13, 14, 15])
            // The lines are the sample's own lines 11…15.
            #expect(ndjsonLines(page.stdout) == Array(sampleLines[10..<15]))

            let tail = try strata("log", "--journal", journal, "--after", "198", "--format", "ndjson")
            #expect(try jsonObjects(tail.stdout).map { $0["position"] as? Int } == [199, 200])
            let none = try strata("log", "--journal", journal, "--after", "200", "--format", "ndjson")
            #expect(none.exited(0) && none.stdout.isEmpty)
        }
    }

    @Test("log --format json is one array of the same events")
    func logJSON() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let log = try strata("log", "--journal", journal, "--format", "json", "--limit", "3")
            #expect(log.exited(0), "log: \(log.err)")
            let array = try #require(try JSONSerialization.jsonObject(with: log.stdout) as? [[String: Any]])
            #expect(array.map { $0["position"] as? Int } == [1, 2, 3])
            let first = try jsonObject(sampleLines[0])
            #expect(array.first?["id"] as? String == first["id"] as? String)
        }
    }

    @Test("importing the same file again imports nothing, skips it all and exits 0")
    func reimportSkips() throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let again = try strata("import", "--journal", journal, sampleExport.path)
            #expect(again.exited(0), "import: \(again.err)")
            #expect(again.out.contains("imported 0 events"), "import said: \(again.out)")
            #expect(again.out.contains("skipped 200"), "import said: \(again.out)")
            #expect(try strata("export", "--journal", journal).stdout == sample)
            // A prefix of the journal: the journal's end is said, not the file's.
            let prefix = dir.appendingPathComponent("prefix.ndjson")
            try Data(sampleLines.prefix(60).map { $0 + Data([0x0A]) }.joined()).write(to: prefix)
            let part = try strata("import", "--journal", journal, prefix.path)
            #expect(part.exited(0), "import: \(part.err)")
            #expect(
                part.out.contains("imported 0 events, skipped 60 already present; the journal ends at position 200"),
                "import said: \(part.out)")
        }
    }

    @Test("import - reads standard input")
    func importStandardInput() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let result = try strata("import", "--journal", journal, "-", stdin: sampleExport)
            #expect(result.exited(0), "import: \(result.err)")
            #expect(result.out.contains("imported 200 events"), "import said: \(result.out)")
            #expect(try strata("export", "--journal", journal).stdout == sample)
        }
    }

    @Test("the journal is --journal, else $STRATA_JOURNAL, else ./strata-journal")
    func journalLocation() throws {
        try withTemporaryDirectory { dir in
            let fromEnv = dir.appendingPathComponent("from-env").path
            let imported = try strata("import", sampleExport.path, environment: ["STRATA_JOURNAL": fromEnv])
            #expect(imported.exited(0), "import: \(imported.err)")
            #expect(permissions(fromEnv + "/data.mdb") != nil, "$STRATA_JOURNAL was not used")
            // --journal wins over the environment: this one does not exist.
            let other = dir.appendingPathComponent("other").path
            let stats = try strata("stats", "--journal", other, environment: ["STRATA_JOURNAL": fromEnv])
            #expect(stats.exited(66))
            // Neither: ./strata-journal in the working directory.
            let local = try strata("import", sampleExport.path, currentDirectory: dir)
            #expect(local.exited(0), "import: \(local.err)")
            #expect(permissions(dir.appendingPathComponent("strata-journal/data.mdb").path) != nil)
        }
    }

    @Test(
        "reading commands on a missing journal exit 66 with error: and create nothing",
        arguments: [["log"], ["verify"], ["export"], ["stats"], ["log", "--format", "ndjson"]])
    func missingJournal(command: [String]) throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("missing").path
            let result = try Running(Binaries.strata, command + ["--journal", journal]).wait()
            #expect(result.exited(66), "\(command): exit \(result.status), \(result.err)")
            #expect(result.err.hasPrefix("error: "), "stderr: \(result.err)")
            #expect(result.stdout.isEmpty)
            #expect(permissions(journal) == nil, "a reading command created the journal")
        }
    }

    @Test(
        "reading commands on a journal whose data file is empty exit 74 and leave it empty (LMDB would make a new journal of it)",
        arguments: [["verify"], ["stats"], ["volumes"], ["log"]])
    func emptyDataFile(command: [String]) throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("j").path
            try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false)
            #expect(FileManager.default.createFile(atPath: journal + "/data.mdb", contents: Data()))
            let result = try Running(Binaries.strata, command + ["--journal", journal]).wait()
            #expect(result.exited(74), "\(command): exit \(result.status), \(result.err)")
            #expect(
                result.err.hasPrefix("error: journal corrupted: ") && result.err.contains("data file is empty"),
                "\(result.err)")
            #expect(fileSize(journal + "/data.mdb") == 0)
        }
    }

    @Test(
        "importing a file that is not an export (a report) into a missing journal exits 65 with its line and creates nothing"
    )
    func importNotAnExport() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let report = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            let result = try strata("import", "--journal", journal, report)
            #expect(result.exited(65), "exit \(result.status): \(result.err)")
            #expect(result.err.hasPrefix("error: \(report):1: "), "the error names the file and line: \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: journal), "a refused import created the journal")
        }
    }

    @Test("correct --set FIELD= (nothing after =) is YAML's null: it clears an optional field")
    func correctClearsAField() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            #expect(try strata("append", seed, "--journal", j).exited(0))
            func voyages() throws -> String? {
                let out = try strata("claim", "dailynk-2020-05-minerals/c6", "--format", "json", "--journal", j).out
                let claim = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
                return (claim?["current"] as? [String: Any])?["voyages"] as? String
            }
            #expect(try voyages() == "several")
            let r = try strata(
                "correct", "dailynk-2020-05-minerals/c6", "--set", "voyages=", "--reason", "unclear", "--journal", j)
            #expect(r.exited(0), "\(r.status) \(r.err)")
            #expect(try voyages() == nil)
        }
    }

    @Test("correct --set source takes an outlet's name as report files do, stored as the source's id")
    func correctSourceByOutletName() throws {
        try withSeedJournal { _, j in
            func source() throws -> String? {
                let out = try strata("claim", "dailynk-2020-05-minerals/c6", "--format", "json", "--journal", j).out
                let claim = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
                return (claim?["current"] as? [String: Any])?["source"] as? String
            }
            let before = try source()
            #expect(before != "daily-nk")
            let r = try strata(
                "correct", "dailynk-2020-05-minerals/c6", "--set", "source=Daily NK", "--reason", "the outlet's own",
                "--journal", j)
            #expect(r.exited(0), "\(r.status) \(r.err)")
            #expect(try source() == "daily-nk")
            // The event holds the id, not the name as typed.
            let last =
                try strata("log", "--format", "ndjson", "--journal", j).out.split(separator: "\n").last.map(String.init)
                ?? ""
            #expect(last.contains(#""source":"daily-nk""#), "\(last)")
            let unknown = try strata(
                "correct", "dailynk-2020-05-minerals/c6", "--set", "source=Nobody Press", "--reason", "r", "--journal",
                j)
            #expect(unknown.exited(65))
            #expect(unknown.err.contains(#"--set source: unknown source "Nobody Press""#), "\(unknown.err)")
            #expect(try source() == "daily-nk")
        }
    }

    @Test("aliasing a place to a gazetteer place warns of claims that write it in another country, which they keep")
    func aliasWarnsOfCountriesAtOdds() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            func claim(_ id: String, _ place: String, _ country: String) -> String {
                """
                  - id: \(id)
                    kind: shipment
                    source: s1
                    said: coal left \(place)
                    credibility: 3
                    commodity: coal
                    from: {place: \(place), country: \(country)}
                    to: CN
                    when: 2020-05
                """
            }
            let report = try reportFile(
                """
                report:
                  id: r-places
                  outlet: Daily NK
                  published: 2020-05-22
                sources:
                  - id: s1
                    name: Someone
                    kind: human
                    reliability: C
                claims:
                \(claim("c1", "Lianyun anchorage", "CN"))
                \(claim("c2", "lianyun  Anchorage", "cn"))
                \(claim("c3", "Sohae pier", "KP"))
                \(claim("c4", "Lianyun anchorage", "KP"))
                """, named: "r.yaml", in: dir)
            try #require(try strata("append", report, "--journal", j).exited(0))
            // Two claims write the name (in any spelling) in CN; Nampo is in KP.
            let odd = try strata("alias", "place", "Lianyun anchorage", "Nampo", "--journal", j)
            #expect(odd.exited(0), "\(odd.err)")
            let warnings = odd.err.split(separator: "\n").filter { $0.hasPrefix("warning:") }
            #expect(warnings.count == 1, "\(odd.err)")
            #expect(
                odd.err.contains(
                    #"warning: NAME: 2 claims write "Lianyun anchorage" in CN (r-places/c1, r-places/c2); Nampo is in KP in the gazetteer: they keep CN"#
                ), "\(odd.err)")
            // The claims in the canonical place's country: nothing to warn of.
            let fine = try strata("alias", "place", "Sohae pier", "Nampo", "--journal", j)
            #expect(fine.exited(0) && !fine.err.contains("warning:"), "\(fine.err)")
            // Refused (already an alias), it is not warned of again.
            let again = try strata("alias", "place", "Lianyun anchorage", "Nampo", "--journal", j)
            #expect(again.exited(65) && !again.err.contains("warning:"), "\(again.err)")
        }
    }

    @Test(
        "a filter naming nothing known (not in the taxonomy, gazetteer, aliases, claims or sources) is warned of; known names are not"
    )
    func unknownFilterNamesWarn() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            for name in ["07-mofa-japan-2018-02-27-chon-ma-san.yaml", "08-ap-2018-08-10-kcs-coal-via-russia.yaml"] {
                let r = try strata(
                    "append", repositoryRoot.appendingPathComponent("examples/\(name)").path, "--journal", j)
                try #require(r.exited(0), "\(name): \(r.err)")
            }
            // Vessel names an alias declares, and nothing else knows.
            let alias = try strata("alias", "vessel", "Ghost", "Phantom", "--journal", j)
            try #require(alias.exited(0), "\(alias.err)")
            func warnings(_ command: String, _ filter: [String]) throws -> [String] {
                let r = try Running(Binaries.strata, [command, "--journal", j, "--format", "json"] + filter).wait()
                #expect(r.exited(0), "\(command) \(filter): exit \(r.status) \(r.err)")
                return r.err.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning:") }
            }
            let unknown: [([String], String)] = [
                (["--commodity", "coall"], #"warning: --commodity "coall": no such commodity"#),
                (["--place", "Nampho2"], #"warning: --place "Nampho2": no such place or country"#),
                (["--vessel", "Chon Ma Sun"], #"warning: --vessel "Chon Ma Sun": no claim or alias"#),
                (["--source", "kcs2"], #"warning: --source "kcs2": no source of that id or outlet name"#),
                (
                    ["--place", "Russia"],
                    #"warning: --place "Russia" names a country: --place matches places and ports; use --country RU"#
                ),
            ]
            for command in ["timeline", "shipments", "volumes"] {
                for (filter, expected) in unknown {
                    let said = try warnings(command, filter)
                    #expect(said.count == 1 && said[0].hasPrefix(expected), "\(command) \(filter): \(said)")
                }
                // The taxonomy, a parent commodity, the gazetteer, a name only
                // claims use (Daean), a vessel of a claim (any case), both names of an alias, a source.
                for filter in [
                    ["--commodity", "coal"], ["--commodity", "minerals"], ["--place", "Nampo"],
                    ["--place", "Daean"], ["--vessel", "chon ma san"], ["--vessel", "Ghost"], ["--vessel", "phantom"],
                    ["--source", "kcs"],
                ] {
                    #expect(try warnings(command, filter) == [], "\(command) \(filter)")
                }
            }
            // A source registered after the view is unknown at it.
            let early = try strata("timeline", "--journal", j, "--source", "kcs", "--at-position", "1")
            #expect(
                early.exited(0)
                    && early.err.contains(
                        #"--source "kcs": no source of that id or outlet name is registered at this view"#)
            )
        }
    }

    @Test(
        "a blank --reason, a --set of one field twice and a --set without a field are refused with exit 65, and nothing is appended"
    )
    func blankReasonsAndRepeatedFields() throws {
        try withSeedJournal { dir, j in
            let c1 = "dailynk-2020-05-minerals/c1", c3 = "dailynk-2020-05-minerals/c3"
            let refused: [([String], String)] = [
                (["retract", c1, "--reason", "  "], "--reason: must not be blank"),
                (["rate", "daily-nk", "B", "--reason", ""], "--reason: must not be blank"),
                (["alias", "place", "Foo", "Nampo", "--reason", " "], "--reason: must not be blank"),
                (["link", c1, c3, "--as", "corroborates", "--reason", ""], "--reason: must not be blank"),
                (
                    ["correct", c1, "--set", "credibility=2", "--set", "credibility=5", "--reason", "r"],
                    "--set credibility: given twice"
                ),
                (["correct", c1, "--set", "=5", "--reason", "r"], "with a field name"),
            ]
            for (args, message) in refused {
                let r = try Running(Binaries.strata, args + ["--journal", j]).wait()
                #expect(r.exited(65), "\(args): \(r.status) \(r.err)")
                #expect(r.err.contains(message), "\(args): \(r.err)")
            }
            #expect(try statsJSON(journal: j)["events"] as? Int == 15)
        }
    }

    @Test(
        "a report's outlet and the source it cites are one source for a shipment, by the outlet id the report recorded (older journals made other ids)"
    )
    func outletVoiceByRecordedID() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("j").path
            let report = try reportFile(
                """
                report: {id: r1, outlet: Daily NK, published: 2020-06-01}
                sources: [{id: cn-source, name: China-based source, kind: human, reliability: C}]
                claims:
                  - {id: a, kind: shipment, source: cn-source, credibility: 2, commodity: coal, from: KP, to: CN, when: 2020-05}
                  - {id: b, kind: shipment, credibility: 3, commodity: coal, from: KP, to: CN, when: 2020-05, links: [{relation: same-shipment, claim: a}]}
                """, named: "r1.yaml", in: dir)
            #expect(try strata("append", report, "--journal", journal).exited(0))
            func shipment(_ journal: String) throws -> [String: Any] {
                try #require(try viewRows(try strata("shipments", "--format", "json", "--journal", journal)).first)
            }
            #expect(try shipment(journal)["status"] as? String == "single-source")
            // The same events with the outlet under an id an older naming rule could have
            // made: still the outlet's own voice.
            let export = try strata("export", "--journal", journal).out
            #expect(export.contains("\"daily-nk\""))
            let older = dir.appendingPathComponent("older.ndjson")
            try export.replacingOccurrences(of: "daily-nk", with: "dailynk-2016").write(
                to: older, atomically: false, encoding: .utf8)
            let copy = dir.appendingPathComponent("older").path
            let imported = try strata("import", older.path, "--journal", copy)
            #expect(imported.exited(0), "\(imported.err)")
            let row = try shipment(copy)
            #expect(row["sources"] as? [String] == ["cn-source", "dailynk-2016"], "\(row)")
            #expect(row["status"] as? String == "single-source", "\(row)")
        }
    }

    @Test(
        "a report file is read by its extension: another one (the article's .txt) is refused and appends nothing; no extension and standard input are read by their first character"
    )
    func reportFileExtensions() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = seedExample
            let yaml = try String(contentsOf: seed, encoding: .utf8)
            for name in ["report.txt", "dailynk.yaml.bak", "article.TXT"] {
                let file = try reportFile(yaml, named: name, in: dir)
                let r = try strata("append", file, "--journal", j)
                let ext = String(name.split(separator: ".").last!)
                #expect(r.exited(65), "\(name): \(r.status) \(r.err)")
                #expect(
                    r.err.hasPrefix(
                        "error: \(file): a report file is YAML (.yaml, .yml) or JSON (.json), not .\(ext.lowercased())"),
                    "\(r.err)")
                #expect(!FileManager.default.fileExists(atPath: j), "a refused file must not create a journal")
            }
            // The corpus article itself, given in place of its report.
            let article = URL(fileURLWithPath: repositoryRoot.path).deletingLastPathComponent()
                .appendingPathComponent("shared/corpus/dailynk-mineral-exports.txt")
            if FileManager.default.fileExists(atPath: article.path) {
                let r = try strata("append", article.path, "--journal", j)
                #expect(r.exited(65) && r.err.contains("not .txt"), "\(r.status) \(r.err)")
            }
            // Without an extension (a shell's <(...) is /dev/fd/N): YAML, and JSON by its `{`.
            let bare = try reportFile(yaml, named: "dailynk", in: dir)
            let appended = try strata("append", bare, "--journal", j)
            #expect(appended.exited(0) && appended.out.contains("dailynk-2020-05-minerals:"), "\(appended.err)")
            let exported = try strata("append", "-", "--journal", j, stdin: seed)
            #expect(exported.exited(0) && exported.out.contains("unchanged"), "\(exported.out) \(exported.err)")
            let jsonReport = repositoryRoot.appendingPathComponent("examples/02-ap-2015-03-09-dhaka-gold.json")
            let jsonBare = try reportFile(try String(contentsOf: jsonReport, encoding: .utf8), named: "ap", in: dir)
            let dry = try strata("append", "--dry-run", jsonBare, "--journal", j)
            // It decodes as JSON: the error is the link to a report not in this journal, at
            // the JSON file's line of that field.
            #expect(dry.exited(65) && dry.err.contains("claims[0].links[0].claim"), "\(dry.status) \(dry.err)")
        }
    }

    @Test(
        "append - - is a usage error before anything is read; a report published in the future and a correction to unknown names are accepted with warnings"
    )
    func stdinOnceAndWarnings() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml")
            let twice = try strata("append", "-", "-", "--journal", j, stdin: seed)
            #expect(twice.exited(64) && twice.err.contains("can be given once"), "\(twice.status) \(twice.err)")
            #expect(!FileManager.default.fileExists(atPath: j))
            let future = dir.appendingPathComponent("future.yaml")
            try String(contentsOf: seed, encoding: .utf8).replacingOccurrences(
                of: "published: 2020-05-22", with: "published: 2099-05-22"
            )
            .write(to: future, atomically: false, encoding: .utf8)
            let appended = try strata("append", future.path, "--journal", j)
            #expect(appended.exited(0), "\(appended.err)")
            // The warning names the line of `published`, not of `report.id`.
            let publishedLine =
                try #require(
                    try String(contentsOf: future, encoding: .utf8).split(
                        separator: "\n", omittingEmptySubsequences: false
                    )
                    .firstIndex { $0.contains("published: 2099") }) + 1
            #expect(
                appended.err.contains(
                    "future.yaml:\(publishedLine): report.published: 2099-05-22 is in the future, accepted"),
                "\(appended.err)")
            let corrected = try strata(
                "correct", "dailynk-2020-05-minerals/c1", "--set", "commodity=coall", "--set", "from=Narnia",
                "--reason", "r", "--journal", j)
            #expect(corrected.exited(0), "\(corrected.err)")
            #expect(
                corrected.err.contains(#"warning: --set commodity: unknown commodity "coall", accepted"#),
                "\(corrected.err)")
            #expect(
                corrected.err.contains(#"warning: --set from: unknown place "Narnia", accepted"#), "\(corrected.err)")
        }
    }

    @Test(
        "report text with a control character or a bidirectional override is refused (exit 65, nothing appended); CSV cells that would run as formulas are defused"
    )
    func untrustedText() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            func report(_ id: String, _ claim: String) throws -> String {
                try reportFile(
                    "report: {id: \(id), outlet: Daily NK, published: 2020-05-22}\nclaims:\n  - \(claim)\n",
                    named: "\(id).yaml", in: dir)
            }
            for (id, claim, message) in [
                (
                    "esc", #"{id: c1, kind: observation, said: "red \e[31mALERT"}"#,
                    "claims[0].said: holds a control character (U+001B)"
                ),
                (
                    "rtl", #"{id: c1, kind: shipment, commodity: coal, from: "\u202EopmaN"}"#,
                    "claims[0].from: holds a bidirectional override (U+202E)"
                ),
            ] {
                let r = try strata("append", try report(id, claim), "--journal", j)
                #expect(r.exited(65) && r.err.contains(message), "\(r.status) \(r.err)")
            }
            let recorded =
                FileManager.default.fileExists(atPath: j + "/data.mdb")
                ? try statsJSON(journal: j)["events"] as? Int : 0
            #expect(recorded == 0)
            let formula = try report("csv", #"{id: c1, kind: observation, said: '=HYPERLINK("http://evil","click")'}"#)
            try #require(try strata("append", formula, "--journal", j).exited(0))
            let csv = try strata("timeline", "--format", "csv", "--journal", j).out
            #expect(csv.contains(#""'=HYPERLINK(""http://evil"",""click"")""#), "\(csv)")
            #expect(!csv.contains(#","=HYPERLINK"#) && !csv.contains(#",=HYPERLINK"#))
        }
    }

    @Test(
        "a number option given anything but a whole number in range is bad data (65), a directory is not an input file (66), and --at-position past the end warns"
    )
    func positionsAndInputs() throws {
        try withSeedJournal { dir, j in
            for (args, code, message) in [
                (
                    ["timeline", "--at-position", "-1"], Int32(65),
                    "--at-position: expected a position, 0 or more, not -1"
                ),
                (["timeline", "--at-position", "abc"], 65, "--at-position: expected a position, 0 or more, not abc"),
                (["volumes", "--pad", "x"], 65, "--pad: expected days, 0 or more, not x"),
                (["log", "--limit", "-1"], 65, "--limit: expected a count, 0 or more, not -1"),
                (["log", "--limit", "1x"], 65, "--limit: expected a count, 0 or more, not 1x"),
                (["log", "--after", "-3"], 65, "--after: expected a position"),
                // A year past Day's range trapped converting it (exit 132).
                (["timeline", "--from", "6000000"], 65, "--from: \"6000000\": years have four digits (0000–9999)"),
                (["volumes", "--to", "99999999999-01"], 65, "--to: \"99999999999-01\": years have four digits"),
                // A day the calendar lacks says so; what is no date says the forms a window takes.
                (
                    ["shipments", "--to", "2019-02-29"], 65,
                    "--to: \"2019-02-29\": 2019-02-29 does not exist: 2019 is not a leap year"
                ),
                (
                    ["timeline", "--from", "May 2020"], 65,
                    "--from: expected YYYY, YYYY-MM or YYYY-MM-DD, not \"May 2020\""
                ),
                (
                    ["import", "-", "--batch-size", "0"], 65,
                    "--batch-size: expected events per commit, 1 or more, not 0"
                ),
                (
                    ["import", "-", "--batch-size", "ten"], 65,
                    "--batch-size: expected events per commit, 1 or more, not ten"
                ),
                (["log", "--after", "x"], 65, "--after: expected a position, 0 or more, not x"),
                (["append", dir.path], 66, "it is a directory, not a file"),
                (["import", dir.path], 66, "it is a directory, not a file"),
            ] {
                let r = try Running(Binaries.strata, args + ["--journal", j]).wait()
                #expect(r.exited(code) && r.err.contains(message), "\(args): \(r.status) \(r.err)")
            }
            for command in ["timeline", "volumes", "shipments"] {
                let r = try strata(command, "--at-position", "999", "--format", "json", "--journal", j)
                #expect(r.exited(0))
                #expect(
                    r.err.contains("warning: --at-position 999 is past the journal's last position, 15"),
                    "\(command): \(r.err)")
                #expect(try (jsonObject(r.stdout)["view"] as? [String: Any])?["position"] as? Int == 15)
                #expect(try strata(command, "--at-position", "15", "--journal", j).err.isEmpty)
                // --certainly and --pad say how a window admits valid times: without one, a warning.
                let unwindowed = try strata(command, "--certainly", "--pad", "10", "--journal", j)
                #expect(
                    unwindowed.exited(0)
                        && unwindowed.err.contains(
                            "warning: --certainly and --pad change nothing without --from or --to"),
                    "\(unwindowed.err)")
                #expect(try strata(command, "--certainly", "--from", "2020", "--journal", j).err.isEmpty)
            }
        }
    }

    @Test(
        "--pad widens the qualified ends of valid times for --from/--to: what possibly overlaps grows, what certainly lies within shrinks"
    )
    func paddingQualifiedTimes() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let file = try reportFile(
                """
                report: {id: pad, outlet: Daily NK, published: 2020-07-01}
                claims:
                  - {id: about, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05~}
                  - {id: exact, kind: shipment, commodity: coal, from: KP, to: CN, when: 2020-05}
                """, named: "r.yaml", in: dir)
            try #require(try strata("append", file, "--journal", j).exited(0))
            func ids(_ command: String, _ args: [String]) throws -> Set<String> {
                let r = try Running(Binaries.strata, [command, "--format", "ndjson", "--journal", j] + args).wait()
                #expect(r.exited(0), "\(args): \(r.err)")
                return Set(try jsonObjects(r.stdout).compactMap { ($0["claim"] ?? $0["id"]) as? String })
            }
            for command in ["timeline", "shipments"] {
                let june = ["--from", "2020-06", "--to", "2020-06"]
                let may = ["--from", "2020-05", "--to", "2020-05", "--certainly"]
                #expect(try ids(command, june).isEmpty)
                #expect(
                    try ids(command, june + ["--pad", "15"]).map { $0.hasPrefix("pad/about") } == [true], "\(command)")
                #expect(try ids(command, may).count == 2, "\(command)")
                #expect(
                    try ids(command, may + ["--pad", "1"]).map { $0.hasPrefix("pad/exact") } == [true], "\(command)")
            }
            let r = try strata("timeline", "--pad", "-1", "--journal", j)
            #expect(r.exited(65) && r.err.contains("--pad: expected days"), "\(r.err)")
            // The view says the window was padded, under a table and on standard error for
            // the formats whose output is rows only.
            for format in ["table", "csv", "ndjson"] {
                let padded = try strata(
                    "timeline", "--from", "2020-06", "--to", "2020-06", "--pad", "15", "--format", format, "--journal",
                    j)
                let caption = "view: position 4, overlapping 2020-06-01/2020-06-30, ~ ? % ends padded 15 days"
                #expect(
                    (format == "table" ? padded.out : padded.err).hasSuffix(caption + "\n"),
                    "\(format): \(padded.out) \(padded.err)")
                #expect(!(format == "table" ? padded.err : padded.out).contains("view:"), "\(format)")
            }
        }
    }

    @Test("--vessel takes an IMO number as well as a name; --source takes an outlet's name as well as a source id")
    func vesselByIMOAndSourceByName() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            for name in [
                "01-reuters-2015-03-06-dhaka-gold.yaml", "07-mofa-japan-2018-02-27-chon-ma-san.yaml",
                "dailynk-2020-05-minerals.yaml",
            ] {
                try #require(
                    try strata("append", repositoryRoot.appendingPathComponent("examples/\(name)").path, "--journal", j)
                        .exited(0))
            }
            func rows(_ args: String...) throws -> [[String: Any]] {
                let r = try Running(Binaries.strata, args + ["--format", "json", "--journal", j]).wait()
                #expect(r.exited(0) && !r.err.contains("warning"), "\(args): \(r.err)")
                return try viewRows(r)
            }
            let byName = try rows("timeline", "--vessel", "Chon Ma San").compactMap { $0["claim"] as? String }
            #expect(!byName.isEmpty)
            #expect(try rows("timeline", "--vessel", "8660313").compactMap { $0["claim"] as? String } == byName)
            #expect(try rows("timeline", "--vessel", "IMO 8660313").compactMap { $0["claim"] as? String } == byName)
            let byID = try rows("timeline", "--source", "daily-nk").compactMap { $0["claim"] as? String }
            #expect(!byID.isEmpty)
            #expect(try rows("timeline", "--source", "Daily NK").compactMap { $0["claim"] as? String } == byID)
            // "Reuters" is a well-formed id too, but no source has it: it names the outlet.
            let reuters = try rows("timeline", "--source", "reuters").compactMap { $0["claim"] as? String }
            #expect(reuters == ["reuters-2015-03-06-dhaka-gold/c2"])
            #expect(try rows("timeline", "--source", "Reuters").compactMap { $0["claim"] as? String } == reuters)
            #expect(
                try rows("shipments", "--source", "Reuters").count
                    == (try rows("shipments", "--source", "reuters").count))
        }
    }

    @Test(
        "--vessel IMO also finds the ship where claims name it without its number, by its name or a name aliased to it")
    func vesselByIMOThroughNames() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let file = try reportFile(
                """
                report: {id: r, outlet: Wire, published: 2020-01-01}
                claims:
                  - {id: a, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-05, vessel: {name: Asia Bridge 1, imo: "8916061"}}
                  - {id: b, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-06, vessel: {name: Xin Hai 8}}
                  - {id: c, kind: shipment, commodity: iron ore, from: KP, to: CN, when: 2019-07, vessel: {name: ASIA BRIDGE 1}}
                  - {id: d, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-08, vessel: {name: Asia Bridge 1, imo: "9417115"}}
                  - {id: e, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-09, vessel: {name: Rich Glory}}
                """, named: "r.yaml", in: dir)
            #expect(try strata("append", file, "--journal", j).exited(0))
            func claims(_ args: String...) throws -> [String] {
                let r = try Running(Binaries.strata, args + ["--format", "json", "--journal", j]).wait()
                #expect(r.exited(0), "\(args): \(r.err)")
                return try viewRows(r).compactMap { $0["claim"] as? String }
            }
            // Asia Bridge 1 without a number is the ship the number names; d, numbered otherwise, is not.
            #expect(try claims("timeline", "--vessel", "8916061") == ["r/a", "r/c"])
            #expect(try strata("alias", "vessel", "Xin Hai 8", "Asia Bridge 1", "--journal", j).exited(0))
            #expect(try claims("timeline", "--vessel", "IMO 8916061") == ["r/a", "r/b", "r/c"])
            // With a commodity filter, the same claims less those of other commodities.
            #expect(try claims("timeline", "--vessel", "8916061", "--commodity", "coal") == ["r/a", "r/b"])
            let shipments = try Running(
                Binaries.strata, ["shipments", "--vessel", "8916061", "--format", "json", "--journal", j]
            ).wait()
            let ids = try viewRows(shipments).compactMap { $0["id"] as? String }
            #expect(ids == ["r/a", "r/b", "r/c"], "\(ids)")
        }
    }

    @Test("the shipments table shows 999.6 kg as 1 t and a confidence of .997 as 1.00 (it crashed, and showed 0.100)")
    func tableNumbersNearOne() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let report = dir.appendingPathComponent("r.yaml")
            try Data(
                """
                report: {id: r1, outlet: Wire, published: 2020-01-01}
                sources:
                  - {id: s1, name: S1, kind: human, reliability: A}
                  - {id: s2, name: S2, kind: imagery, reliability: A}
                  - {id: s3, name: S3, kind: document, reliability: A}
                claims:
                  - {id: c1, kind: shipment, source: s1, credibility: 1, said: x, commodity: gold, from: KP, to: CN, when: 2019-08, quantity: {value: 999.6, unit: kg}}
                  - {id: c2, kind: shipment, source: s2, credibility: 1, said: x, commodity: gold, from: KP, to: CN, when: 2019-08, links: [{relation: same-shipment, claim: c1}]}
                  - {id: c3, kind: shipment, source: s3, credibility: 1, said: x, commodity: gold, from: KP, to: CN, when: 2019-08, links: [{relation: same-shipment, claim: c1}]}
                """.utf8
            ).write(to: report)
            #expect(try strata("append", report.path, "--journal", j).exited(0))
            let table = try strata("shipments", "--journal", j, environment: ["COLUMNS": "200"])
            #expect(table.exited(0), "\(table.status) \(table.err)")
            let row = try #require(table.out.split(separator: "\n").first { $0.hasPrefix("r1/c1") })
            let cells = row.split(separator: " ")
            #expect(cells.contains("1") && !cells.contains("1.000"), "\(row)")  // 999.6 kg, best
            #expect(cells.contains("1.00") && !cells.contains("0.100"), "\(row)")  // 1 − (1 − .855)³ = .99695
        }
    }

    @Test(
        "ids of the longest length link, unlink and show (a link's stream id of two 241-byte claim ids crashed the append)"
    )
    func longestIDs() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let report = "r" + String(repeating: "e", count: 119)
            let (a, b) = ("a" + String(repeating: "1", count: 119), "b" + String(repeating: "2", count: 119))
            let file = try reportFile(
                """
                report: {id: \(report), outlet: Wire, published: 2020-01-01}
                claims:
                  - {id: \(a), kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-05}
                  - {id: \(b), kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-05,
                     links: [{relation: same-shipment, claim: \(a)}]}
                """, named: "long.yaml", in: dir)
            let dry = try strata("append", "--dry-run", file, "--journal", j)
            #expect(dry.exited(0), "\(dry.err)")
            let appended = try strata("append", file, "--journal", j)
            #expect(appended.exited(0), "\(appended.err)")
            let (ca, cb) = ("\(report)/\(a)", "\(report)/\(b)")
            let streams = try jsonObjects(try strata("log", "--format", "ndjson", "--journal", j).stdout).compactMap {
                $0["stream"] as? String
            }
            #expect(streams.contains { $0.hasPrefix("link-") && $0.utf8.count == 488 }, "\(streams)")
            #expect(
                try strata("shipments", "--format", "ndjson", "--journal", j).stdout.split(separator: 0x0A).count == 1)
            let unlinked = try strata("unlink", ca, cb, "--as", "same-shipment", "--journal", j)
            #expect(unlinked.exited(0), "\(unlinked.err)")
            #expect(
                try strata("shipments", "--format", "ndjson", "--journal", j).stdout.split(separator: 0x0A).count == 2)
            #expect(try strata("link", cb, ca, "--as", "same-shipment", "--journal", j).exited(0))
            #expect(try strata("verify", "--journal", j).exited(0))
            let exported = try strata("export", "--journal", j)
            let copy = dir.appendingPathComponent("copy").path
            let input = dir.appendingPathComponent("export.ndjson")
            try exported.stdout.write(to: input)
            #expect(try strata("import", input.path, "--journal", copy).exited(0))
        }
    }

    @Test("strata claim shows structured fields as a reader writes them: quantity, places, vessel, method, no JSON")
    func claimTableReadable() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            for name in ["07-mofa-japan-2018-02-27-chon-ma-san.yaml", "08-ap-2018-08-10-kcs-coal-via-russia.yaml"] {
                #expect(
                    try strata("append", repositoryRoot.appendingPathComponent("examples/\(name)").path, "--journal", j)
                        .exited(0))
            }
            let tanker = try strata("claim", "mofa-japan-2018-02-27-chon-ma-san/c1", "--journal", j)
            #expect(tanker.exited(0), "\(tanker.err)")
            #expect(tanker.out.contains("\n  vessel: Chon Ma San (IMO 8660313, KP)\n"), "\(tanker.out)")
            #expect(tanker.out.contains("\n  method: ship-to-ship\n"), "\(tanker.out)")
            let coal = try strata("claim", "ap-2018-08-10-kcs-coal-via-russia/c2", "--journal", j)
            #expect(coal.out.contains("\n  from: Wonsan, Chongjin, Daean, Songrim\n  to: KR\n"), "\(coal.out)")
            #expect(coal.out.contains("\n  method: transshipment, relabelled\n"), "\(coal.out)")
            let total = try strata("claim", "ap-2018-08-10-kcs-coal-via-russia/c1", "--journal", j)
            #expect(total.out.contains("\n  quantity: about 35 kt\n"), "\(total.out)")
            for out in [tanker.out, coal.out, total.out] {
                #expect(!out.contains("{") && !out.contains("[\""), "JSON in the table: \(out)")
            }
        }
    }

    @Test("import of a missing file exits 66 and does not create the journal")
    func importMissingFile() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let missing = dir.appendingPathComponent("nothing-here.ndjson").path
            let result = try strata("import", "--journal", journal, missing)
            #expect(result.exited(66), "exit \(result.status): \(result.err)")
            #expect(result.err.hasPrefix("error: "), "stderr: \(result.err)")
            #expect(result.err.contains("nothing-here.ndjson"), "the error should name the file: \(result.err)")
            #expect(permissions(journal + "/data.mdb") == nil)
        }
    }

    @Test("strata without a command prints its help on standard error and exits 64")
    func noCommand() throws {
        let r = try Running(Binaries.strata, []).wait()
        #expect(r.exited(64), "\(r.status) \(r.err)")
        #expect(r.err.hasPrefix("error: no command given"), "\(r.err)")
        #expect(r.err.contains("SUBCOMMANDS:") && r.err.contains("append"), "\(r.err)")
        #expect(r.stdout.isEmpty)
    }

    @Test("a --set without FIELD=VALUE is bad data (65), with or without its '='")
    func malformedSet() throws {
        try withSeedJournal { _, j in
            let before = try strata("export", "--journal", j).stdout
            for set in ["credibility", "=3"] {
                let r = try strata(
                    "correct", "dailynk-2020-05-minerals/c6", "--set", set, "--reason", "r", "--journal", j)
                #expect(r.exited(65), "\(set): \(r.status) \(r.err)")
                #expect(r.err.hasPrefix("error: --set") && r.err.contains("expected FIELD=VALUE"), "\(r.err)")
            }
            #expect(try strata("export", "--journal", j).stdout == before)
        }
    }

    @Test("unlink names an unknown claim as unknown, as link does; of two known claims not linked, the relation")
    func unlinkUnknownClaim() throws {
        try withSeedJournal { _, j in
            let known = "dailynk-2020-05-minerals/c7"
            for (a, b) in [("no-such/c1", known), (known, "no-such/c1")] {
                for command in ["link", "unlink"] {
                    let r = try strata(command, a, b, "--as", "corroborates", "--journal", j)
                    #expect(r.exited(65), "\(command) \(a) \(b): \(r.status) \(r.err)")
                    #expect(r.err == "error: CLAIM: no claim no-such/c1 in the journal\n", "\(command): \(r.err)")
                }
            }
            let r = try strata("unlink", "dailynk-2020-05-minerals/c6", known, "--as", "contradicts", "--journal", j)
            #expect(
                r.exited(65) && r.err.contains("--as:") && r.err.contains("are not linked as contradicts"), "\(r.err)")
        }
    }

    @Test(
        "wrong usage exits 64",
        arguments: [
            ["log", "--bogus"], ["stats", "--format", "yaml"], ["import"], ["frobnicate"],
            ["log", "--limit"], ["export", "--output"],
        ])
    func wrongUsage(arguments: [String]) throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let result = try Running(Binaries.strata, arguments + ["--journal", journal]).wait()
            #expect(result.exited(64), "\(arguments): exit \(result.status), \(result.err)")
            #expect(result.err.hasPrefix("error: "), "a usage error starts 'error: ' like every other: \(result.err)")
            #expect(result.stdout.isEmpty, "usage errors go to standard error: \(result.out)")
        }
    }

    @Test(
        "an invalid value given to an option is bad data: exit 65, named, nothing appended",
        arguments: [
            (["timeline", "--as-of", "yesterday"], "--as-of"),
            (["volumes", "--published-by", "2020-02-30"], "--published-by"),
            (["shipments", "--from", "2018-13"], "--from"), (["shipments", "--to", "20x8"], "--to"),
            (["timeline", "--kind", "rumour"], "--kind"), (["shipments", "--country", "Korea"], "--country"),
            (["link", "a/b", "c/d", "--as", "friends"], "--as"),
            (["alias", "planet", "Foo", "Bar"], "KIND"), (["unalias", "planet", "Foo"], "KIND"),
            (["rate", "some-source", "B", "--reason", "r", "--recorded-at", "2024-13-01"], "--recorded-at"),
            (["volumes", "--from", "2020", "--to", "2019"], "--from 2020 --to 2019"),
        ])
    func invalidValue(arguments: [String], names: String) throws {
        try withTemporaryDirectory { dir in
            let journal = try importedSample(in: dir)
            let before = try strata("stats", "--journal", journal, "--format", "json").out
            let result = try Running(Binaries.strata, arguments + ["--journal", journal]).wait()
            #expect(result.exited(65), "\(arguments): exit \(result.status), \(result.err)")
            #expect(result.err.hasPrefix("error: \(names): "), "the error names the option: \(result.err)")
            #expect(!result.err.contains("Usage:"), "bad data is not a usage error: \(result.err)")
            #expect(try strata("stats", "--journal", journal, "--format", "json").out == before, "nothing appended")
        }
    }

    @Test("--version and --help exit 0")
    func versionAndHelp() throws {
        let version = try strata("--version")
        #expect(version.exited(0))
        #expect(version.out.contains("strata"), "--version said: \(version.out)")
        let hasDigit = version.out.contains { $0.isNumber }
        #expect(hasDigit, "--version said: \(version.out)")
        let help = try strata("--help")
        #expect(help.exited(0))
        for command in ["log", "verify", "export", "import", "stats"] {
            #expect(help.out.contains(command), "--help does not list \(command)")
        }
        for command in ["log", "verify", "export", "import", "stats"] {
            let sub = try strata(command, "--help")
            #expect(sub.exited(0), "\(command) --help: exit \(sub.status)")
            #expect(sub.out.contains("--journal"), "\(command) --help does not show --journal")
        }
    }

    @Test("strata help NAME shows a command's help, and refuses a name that is no command (exit 64)")
    func helpOfACommand() throws {
        let known = try strata("help", "volumes")
        #expect(known.exited(0) && known.out.contains("USAGE: strata volumes"), "\(known.status) \(known.err)")
        let unknown = try strata("help", "nosuch")
        #expect(unknown.exited(64), "\(unknown.status)")
        #expect(unknown.err.contains("error: no command \"nosuch\""), "\(unknown.err)")
        #expect(unknown.out.isEmpty, "\(unknown.out)")
    }

    @Test("every command's --help, its usage line too, fits an 80-column terminal")
    func helpFitsEightyColumns() throws {
        let commands = [
            "append", "correct", "retract", "link", "unlink", "rate", "alias", "unalias", "claim", "sources",
            "shipments", "volumes", "timeline", "rebuild", "log", "verify", "export", "import", "stats",
        ]
        let top = try strata("--help", environment: ["COLUMNS": "80"])
        for command in commands {
            #expect(top.out.contains(command), "--help does not list \(command)")
            let help = try strata(command, "--help", environment: ["COLUMNS": "80"])
            #expect(help.exited(0), "\(command) --help: exit \(help.status)")
            #expect(help.out.contains("USAGE: strata \(command)"), "\(command) --help: \(help.out)")
            for line in help.out.split(separator: "\n") where line.count > 80 {
                Issue.record("\(command) --help has a line of \(line.count) characters: \(line)")
            }
        }
    }
}
