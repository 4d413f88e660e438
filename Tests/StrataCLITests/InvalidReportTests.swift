import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Bad input gets the error format and exit code of the spec, and nothing of the report is
// appended (product.md, "What bad input gets"; cli.md, "Exit codes"). The corpus is
// `InvalidReports/`: one small file per defect, each wrong in one way, and `expected.tsv`
// saying for each the exit code, the line the error must name and the fragments (field
// path, words of the message) it must contain.

/// The corpus directory, next to this file.
private let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("InvalidReports", isDirectory: true)

/// The seed example every corpus journal holds before the bad report is tried.
private let seedReport = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml")

/// One row of `expected.tsv`.
private struct InvalidReport: Sendable, CustomTestStringConvertible {
    let file: String
    let exit: Int32
    /// The 1-based line the error must name (`FILE:LINE:`).
    let line: Int
    /// Text the error must contain, every one of them (`|`-separated in the manifest).
    let fragments: [String]

    var testDescription: String { file }
    var path: String { corpusDirectory.appendingPathComponent(file).path }
}

/// The rows of `expected.tsv` (columns: file, exit, line, fragment; `#` starts a comment).
private let manifest: [InvalidReport] = {
    let url = corpusDirectory.appendingPathComponent("expected.tsv")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { row -> InvalidReport? in
        guard !row.hasPrefix("#"), !row.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let cols = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cols.count == 4, let exit = Int32(cols[1]), let line = Int(cols[2]) else {
            // A malformed row becomes a case that fails, rather than vanishing.
            return InvalidReport(file: "malformed manifest row: \(row)", exit: -1, line: 0, fragments: [])
        }
        return InvalidReport(
            file: cols[0], exit: exit, line: line,
            fragments: cols[3].split(separator: "|").map(String.init).filter { !$0.isEmpty })
    }
}()

/// A journal holding the seed example, made once and copied for each case, and its export.
private struct SeedJournal: Sendable {
    let journal: URL
    let export: Data
}

private struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// Where the seed journal template lives; removed when the test process exits.
private let templateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-invalid-reports-\(getpid())-\(UUID().uuidString)", isDirectory: true)

private let seedJournal: Result<SeedJournal, SetupError> = {
    do {
        try FileManager.default.createDirectory(at: templateDirectory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: templateDirectory) }
        let journal = templateDirectory.appendingPathComponent("journal")
        let append = try strata("append", seedReport.path, "--journal", journal.path)
        guard append.exited(0) else {
            return .failure(SetupError(description: "appending the seed: exit \(append.status): \(append.err)"))
        }
        let export = try strata("export", "--journal", journal.path)
        guard export.exited(0), !export.stdout.isEmpty else {
            return .failure(SetupError(description: "exporting the seed journal: exit \(export.status): \(export.err)"))
        }
        return .success(SeedJournal(journal: journal, export: export.stdout))
    } catch {
        return .failure(SetupError(description: "\(error)"))
    }
}()

/// A fresh copy of the seed journal in `directory`.
private func seededJournal(in directory: URL) throws -> (path: String, export: Data) {
    let seed = try seedJournal.get()
    let copy = directory.appendingPathComponent("journal")
    try FileManager.default.copyItem(at: seed.journal, to: copy)
    return (copy.path, seed.export)
}

/// `strata export` of `journal`, which must succeed.
private func export(_ journal: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Data {
    let result = try strata("export", "--journal", journal)
    try #require(result.exited(0), "export: exit \(result.status): \(result.err)", sourceLocation: sourceLocation)
    return result.stdout
}

/// Checks a refused append: exit code, `error: FILE:LINE:` and the fragments.
private func expectRefused(
    _ result: RunResult, file: String, exit: Int32, line: Int, fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let err = result.err
    #expect(!result.signaled, "killed by signal \(result.status): \(err)", sourceLocation: sourceLocation)
    #expect(
        result.exited(exit), "exit \(result.status), expected \(exit); stderr: \(err)", sourceLocation: sourceLocation)
    #expect(err.hasPrefix("error: "), "stderr does not start with `error: `: \(err)", sourceLocation: sourceLocation)
    #expect(err.contains("\(file):\(line):"), "expected `\(file):\(line):` in: \(err)", sourceLocation: sourceLocation)
    // The fragments are looked for after the file's name, which often holds the same words.
    let message = err.components(separatedBy: "\(file):\(line):").dropFirst().joined()
    for fragment in fragments {
        #expect(message.contains(fragment), "expected \"\(fragment)\" in: \(err)", sourceLocation: sourceLocation)
    }
}

@Suite("strata append refuses invalid reports")
struct InvalidReportTests {
    @Test("the corpus has at least 70 distinct files, 10 of them JSON, each in the manifest")
    func corpusIsComplete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)
            .filter { $0 != "expected.tsv" }.sorted()
        let listed = manifest.map(\.file)
        #expect(files.count >= 70)
        #expect(files.filter { $0.hasSuffix(".json") }.count >= 10)
        #expect(Set(listed).count == listed.count, "a file is listed twice")
        #expect(
            Set(files) == Set(listed), "files and manifest differ: \(Set(files).symmetricDifference(listed).sorted())")
        // Distinct contents, so no defect is counted twice.
        var seen: [Data: String] = [:]
        for file in files {
            let data = try Data(contentsOf: corpusDirectory.appendingPathComponent(file))
            #expect(seen[data] == nil, "\(file) has the same bytes as \(seen[data] ?? "")")
            seen[data] = file
        }
    }

    @Test("each invalid report is refused with the spec's error and nothing is appended", arguments: manifest)
    fileprivate func refused(_ report: InvalidReport) throws {
        try withTemporaryDirectory { dir in
            let (journal, before) = try seededJournal(in: dir)
            let result = try strata("append", report.path, "--journal", journal)
            expectRefused(result, file: report.path, exit: report.exit, line: report.line, fragments: report.fragments)
            #expect(!result.out.contains("appended"), "stdout says something was appended: \(result.out)")
            let after = try export(journal)
            #expect(after == before, "the journal changed: \(after.count - before.count) more bytes of export")
        }
    }

    /// Text that only looks like what is refused (anchors, aliases, comments, keys, flow
    /// punctuation) inside a plain or quoted scalar is valid YAML and must be accepted:
    /// the checks for bad input must not refuse good input.
    @Test(
        "valid text that looks like refused syntax is accepted",
        arguments: [
            "said: the ship *Rich Glory* was seen off Nampo",
            "said: trade between North Korea & China resumed",
            "said: \"an alias looks like *this and an anchor like &that\"",
            "said: 'it''s coal, #1 grade: anthracite'",
            "said: AT&T and M&A *deals* [sic]",
        ])
    func lookalikesAccepted(line: String) throws {
        try withTemporaryDirectory { dir in
            let (journal, _) = try seededJournal(in: dir)
            let file = dir.appendingPathComponent("lookalike.yaml")
            let text = """
                report:
                  id: lookalike
                  outlet: Daily NK
                  published: 2020-05-29
                claims:
                  - id: c1
                    kind: policy
                    \(line)

                """
            try text.write(to: file, atomically: false, encoding: .utf8)
            let result = try strata("append", file.path, "--journal", journal)
            #expect(result.exited(0), "exit \(result.status): \(result.err)")
        }
    }

    /// A report of 10 good claims and 1 bad one (the last), the defect either in the file
    /// itself (found decoding) or against the journal (found while laying out events).
    @Test(
        "one bad claim refuses the whole report",
        arguments: [
            ("    when: 2020-02-30", "claims[10].when:"),
            (
                "    links:\n      - relation: corroborates\n        claim: dailynk-2020-05-minerals/c99",
                "claims[10].links[0].claim:"
            ),
        ])
    func oneBadClaimRefusesAll(defect: String, field: String) throws {
        try withTemporaryDirectory { dir in
            let (journal, before) = try seededJournal(in: dir)
            var lines = [
                "report:", "  id: ten-good-one-bad", "  outlet: Daily NK", "  published: 2020-05-29", "claims:",
            ]
            for i in 1...10 {
                lines += [
                    "  - id: c\(i)", "    kind: shipment", "    source: dailynk-china-source",
                    "    said: shipment number \(i)", "    credibility: 3", "    commodity: coal",
                    "    quantity: {value: \(i * 100), unit: t}", "    from: KP", "    to: CN", "    when: 2020-05",
                ]
            }
            lines += ["  - id: c11", "    kind: shipment", "    commodity: coal", "    from: KP"]
            let good = dir.appendingPathComponent("good.yaml")
            try (lines.joined(separator: "\n") + "\n").write(to: good, atomically: false, encoding: .utf8)
            let defectLine = lines.count + defect.split(separator: "\n").count  // the defect's last line
            let bad = dir.appendingPathComponent("bad.yaml")
            try (lines.joined(separator: "\n") + "\n" + defect + "\n").write(
                to: bad, atomically: false, encoding: .utf8)

            let result = try strata("append", bad.path, "--journal", journal)
            expectRefused(result, file: bad.path, exit: 65, line: defectLine, fragments: [field])
            #expect(try export(journal) == before, "some of the report was appended")

            // The ten good claims (and the eleventh without the defect) are fine on their own.
            let control = try strata("append", good.path, "--journal", journal)
            #expect(control.exited(0), "the report without the defect: exit \(control.status): \(control.err)")
            #expect(try export(journal).count > before.count)
        }
    }
}
