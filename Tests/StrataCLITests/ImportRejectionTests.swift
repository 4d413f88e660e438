import Foundation
import Testing

/// Invalid NDJSON given to `strata import`: exit 65, `error: FILE:LINE: FIELD: …` naming the
/// offending line (and field), and the journal left as it was. Most inputs are the bundled
/// sample (200 lines, less than one 10,000-event import batch) with one defect, mostly
/// late in the file, so the valid events before it must be rolled back too; one is longer
/// than a batch, so only whole batches before the defect may stay.
@Suite("strata import rejects invalid input")
struct ImportRejectionTests {
    /// One defective input.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The 1-based line of the file the error must name.
        let line: Int
        /// The field the error must name, if the defect is in one.
        let field: String?
        /// Import the untouched sample first (the defect is then against the journal).
        var importSampleFirst = false
        /// Makes the defective file from the sample's lines.
        let make: @Sendable ([String]) -> [String]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "not JSON", line: 57, field: nil) { lines in
            replacing(lines, 57) { String($0.prefix($0.count / 2)) }
        },
        Case(name: "a JSON array, not an object", line: 1, field: nil) { lines in
            replacing(lines, 1) { _ in "[1, 2, 3]" }
        },
        Case(name: "missing key", line: 120, field: "stream") { lines in
            replacing(lines, 120) { setField($0, "stream", to: nil) }
        },
        Case(name: "unknown key", line: 33, field: "extra") { lines in
            replacing(lines, 33) { "{\"extra\":true," + $0.dropFirst() }
        },
        Case(name: "repeated key", line: 64, field: "stream") { lines in
            replacing(lines, 64) { "{\"stream\":\"other\"," + $0.dropFirst() }
        },
        Case(name: "bad event UUID", line: 88, field: "id") { lines in
            replacing(lines, 88) { setField($0, "id", to: "\"not-a-uuid\"") }
        },
        Case(name: "bad correlation UUID", line: 140, field: "correlation_id") { lines in
            replacing(lines, 140) { setField($0, "correlation_id", to: "\"019b76da-a800\"") }
        },
        Case(name: "version is not a number", line: 12, field: "version") { lines in
            replacing(lines, 12) { setField($0, "version", to: "\"3\"") }
        },
        Case(name: "position zero", line: 1, field: "position") { lines in
            replacing(lines, 1) { setField($0, "position", to: "0") }
        },
        Case(name: "bad record time", line: 25, field: "recorded_at") { lines in
            replacing(lines, 25) { setField($0, "recorded_at", to: "\"yesterday\"") }
        },
        // The analyst's name is refused as append refuses it in $STRATA_ANALYST.
        Case(name: "an analyst's name with a bidirectional override", line: 10, field: "recorded_by") { lines in
            replacing(lines, 10) { setField($0, "recorded_by", to: "\"ev\\u202eil\"") }
        },
        Case(name: "an analyst's name with a line break", line: 11, field: "recorded_by") { lines in
            replacing(lines, 11) { setField($0, "recorded_by", to: "\"a\\nb\"") }
        },
        Case(name: "an analyst's name of more than 200 bytes", line: 12, field: "recorded_by") { lines in
            replacing(lines, 12) { setField($0, "recorded_by", to: "\"" + String(repeating: "x", count: 201) + "\"") }
        },
        Case(name: "bad event type name", line: 45, field: "type") { lines in
            replacing(lines, 45) { setField($0, "type", to: "\"Bench Recorded\"") }
        },
        // Events of the journal's own types must decode as their type: once appended, one
        // that does not would stop every view.
        Case(name: "a journal event type whose payload does not fit it", line: 77, field: "payload") { lines in
            replacing(lines, 77) { setField($0, "type", to: "\"claim.asserted.v1\"") }
        },
        Case(name: "a journal event type at a version this strata cannot read", line: 78, field: "payload") { lines in
            replacing(lines, 78) { setField($0, "type", to: "\"report.filed.v9\"") }
        },
        // Positions 1…99, 101…: the line holding position 101 is line 100.
        Case(name: "position gap", line: 100, field: "position") { lines in
            var lines = lines
            lines.remove(at: 99)
            return lines
        },
        Case(name: "stream version does not follow", line: 150, field: "version") { lines in
            replacing(lines, 150) { line in
                let version = Int(fieldValue(line, "version")!)!
                return setField(line, "version", to: String(version + 1))
            }
        },
        Case(name: "record time goes backwards", line: 170, field: "recorded_at") { lines in
            // Earlier than the sample's first record time (2026-01-01).
            replacing(lines, 170) { setField($0, "recorded_at", to: "\"2025-12-31T23:59:59.000000Z\"") }
        },
        Case(name: "duplicate event id at a new position", line: 190, field: "id") { lines in
            let firstID = fieldValue(lines[9], "id")!
            return replacing(lines, 190) { setField($0, "id", to: firstID) }
        },
        // A blank line is skipped but still counted: the defect on sample line 30 is on
        // line 31 of the file.
        Case(name: "line numbers count blank lines", line: 31, field: "id") { lines in
            [""] + replacing(lines, 30) { setField($0, "id", to: "\"zzz\"") }
        },
        Case(name: "different event at an existing position", line: 5, field: "position", importSampleFirst: true) {
            lines in
            replacing(lines, 5) { line in
                let payload = line.range(of: "\"payload\":{")!
                return line.replacingCharacters(in: payload, with: "\"payload\":{\"changed\":1,")
            }
        },
        Case(name: "gap after the journal's last position", line: 1, field: "position", importSampleFirst: true) {
            lines in
            // Positions 202… after a journal ending at 200.
            lines.map { line in
                setField(line, "position", to: String(Int(fieldValue(line, "position")!)! + 201))
            }
        },
    ]

    @Test("invalid input exits 65, names the line and field, and changes nothing", arguments: cases)
    func rejected(_ c: Case) throws {
        let sample = try Data(contentsOf: sampleExport)
        let lines = ndjsonLines(sample).map { String(decoding: $0, as: UTF8.self) }
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            if c.importSampleFirst {
                try #require(try strata("import", "--journal", journal, sampleExport.path).exited(0))
            }
            let input = dir.appendingPathComponent("bad.ndjson")
            let defective = c.make(lines)
            #expect(defective != lines, "the case should change the input")
            try Data((defective.joined(separator: "\n") + "\n").utf8).write(to: input)

            let result = try strata("import", "--journal", journal, input.path)
            #expect(result.exited(65), "exit \(result.status): \(result.err)")
            let location = "error: \(input.path):\(c.line): "
            let expected = location + (c.field.map { "\($0): " } ?? "")
            #expect(result.err.hasPrefix(expected), "expected \(expected)…, got: \(result.err)")
            if c.field == nil {
                // No field was at fault: the message must not start with a field name.
                let rest = result.err.dropFirst(location.count)
                let fields = ["position", "id", "type", "stream", "version", "recorded_at", "payload"]
                #expect(!fields.contains { rest.hasPrefix($0 + ": ") }, "\(result.err)")
            }
            #expect(!result.out.contains("imported"), "a refused import reports no result: \(result.out)")

            // The journal is as it was: the sample, or no events at all.
            let export = try strata("export", "--journal", journal)
            if c.importSampleFirst {
                #expect(export.exited(0))
                #expect(export.stdout == sample, "the refused import changed the journal")
            } else if !export.exited(66) {
                #expect(export.exited(0), "export: \(export.err)")
                #expect(export.stdout.isEmpty, "the refused import left \(ndjsonLines(export.stdout).count) events")
            }
            if export.exited(0) {
                let verify = try strata("verify", "--journal", journal)
                #expect(verify.exited(0), "verify: \(verify.out)")
            }
        }
    }

    @Test("a refused import can be fixed and rerun: the corrected file imports whole")
    func fixedAfterRefusal() throws {
        let sample = try Data(contentsOf: sampleExport)
        let lines = ndjsonLines(sample).map { String(decoding: $0, as: UTF8.self) }
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            let input = dir.appendingPathComponent("in.ndjson")
            let bad = replacing(lines, 199) { setField($0, "id", to: "\"bad\"") }
            try Data((bad.joined(separator: "\n") + "\n").utf8).write(to: input)
            #expect(try strata("import", "--journal", journal, input.path).exited(65))
            try sample.write(to: input)
            let fixed = try strata("import", "--journal", journal, input.path)
            #expect(fixed.exited(0), "import: \(fixed.err)")
            #expect(fixed.out.contains("imported 200 events"), "import said: \(fixed.out)")
            #expect(try strata("export", "--journal", journal).stdout == sample)
        }
    }

    @Test("a bad line after the first batch: exit 65 with its line; whole batches before it at most")
    func rejectedAfterFirstBatch() throws {
        try withTemporaryDirectory { dir in
            let generated = dir.appendingPathComponent("generated").path
            let made = try bench(
                "append", "--journal", generated, "--commands", "450", "--max-events", "60", "--payload-bytes", "0",
                "--tag", "big", "--seed", "5")
            try #require(made.exited(0), "strata-bench append: \(made.err)")
            let source = try strata("export", "--journal", generated).stdout
            let events = try benchEvents(source)
            let firstCommit = try #require(importCommitPoints(events).filter { $0 > 0 }.min())
            try #require(firstCommit < events.count, "the source should be longer than one import batch")

            // Line firstCommit + 100 (in the second batch) is cut short.
            var lines = ndjsonLines(source).map { String(decoding: $0, as: UTF8.self) }
            let bad = firstCommit + 100
            try #require(bad <= lines.count)
            lines = replacing(lines, bad) { String($0.prefix(40)) }
            let input = dir.appendingPathComponent("bad.ndjson")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)

            let journal = dir.appendingPathComponent("journal").path
            let result = try strata("import", "--journal", journal, input.path)
            #expect(result.exited(65), "exit \(result.status): \(result.err)")
            #expect(result.err.hasPrefix("error: \(input.path):\(bad): "), "\(result.err)")
            // What stayed is whole batches before the bad line: nothing, or the first batch.
            let verify = try strata("verify", "--journal", journal)
            #expect(verify.exited(0), "verify: \(verify.out)")
            let kept = try strata("export", "--journal", journal).stdout
            #expect(kept.isEmpty || kept == source.prefix(kept.count), "the journal is not a prefix of the input")
            #expect([0, firstCommit].contains(ndjsonLines(kept).count), "kept \(ndjsonLines(kept).count) events")

            // Fixed, the same file imports the rest.
            try source.write(to: input)
            let fixed = try strata("import", "--journal", journal, input.path)
            #expect(fixed.exited(0), "import: \(fixed.err)")
            #expect(try strata("export", "--journal", journal).stdout == source)
        }
    }
}

/// Imports `lines`, written to a file in `dir`, into a new journal there: the result, the
/// file and the journal.
private func importEdited(_ lines: [String], in dir: URL) throws -> (RunResult, URL, String) {
    let input = dir.appendingPathComponent("edited.ndjson")
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
    let journal = dir.appendingPathComponent("journal").path
    return (try strata("import", input.path, "--journal", journal), input, journal)
}

/// The events the journal at `path` holds: 0 when a refused import left no data file.
private func eventCount(_ journal: String) throws -> Int? {
    FileManager.default.fileExists(atPath: journal + "/data.mdb")
        ? try statsJSON(journal: journal)["events"] as? Int : 0
}

/// The export of a journal made at `journal` from the bundled Daily NK report, as lines.
private func seedExport(in journal: String) throws -> [String] {
    try #require(try strata("append", seedExample.path, "--journal", journal).exited(0))
    return ndjsonLines(try strata("export", "--journal", journal).stdout).map { String(decoding: $0, as: UTF8.self) }
}

// MARK: - Editing NDJSON lines as text (so every other byte stays as exported)

/// `lines` with line `number` (1-based) replaced by `edit` of it.
private func replacing(_ lines: [String], _ number: Int, _ edit: (String) -> String) -> [String] {
    var lines = lines
    lines[number - 1] = edit(lines[number - 1])
    return lines
}

/// The range of `"key":value` for the first top-level occurrence of `key` (the export
/// writes the envelope's keys before the payload, and no payload key of the sample has
/// an envelope key's name), and the range of the value alone.
private func fieldRange(_ line: String, _ key: String) -> (whole: Range<String.Index>, value: Range<String.Index>)? {
    guard let keyRange = line.range(of: "\"\(key)\":") else { return nil }
    var i = keyRange.upperBound
    let start = i
    if line[i] == "\"" {
        i = line.index(after: i)
        while line[i] != "\"" { i = line.index(i, offsetBy: line[i] == "\\" ? 2 : 1) }
        i = line.index(after: i)
    } else {
        while line[i] != "," && line[i] != "}" { i = line.index(after: i) }
    }
    return (keyRange.lowerBound..<i, start..<i)
}

/// The raw JSON text of a field's value (a string keeps its quotes).
private func fieldValue(_ line: String, _ key: String) -> String? {
    fieldRange(line, key).map { String(line[$0.value]) }
}

/// Sets a field's raw JSON value, or removes the field (and its comma) when `raw` is nil.
private func setField(_ line: String, _ key: String, to raw: String?) -> String {
    guard let r = fieldRange(line, key) else { return line }
    var line = line
    if let raw {
        line.replaceSubrange(r.value, with: raw)
    } else {
        let end = line[r.whole.upperBound] == "," ? line.index(after: r.whole.upperBound) : r.whole.upperBound
        line.removeSubrange(r.whole.lowerBound..<end)
    }
    return line
}

/// An export of the journal's own events that was edited: each event must sit in the stream
/// its payload names, after what it refers to, with text a report could hold.
@Suite("strata import checks the journal's events against each other")
struct ImportReferenceTests {
    @Test(
        "an export imports whole when a report's claim links to a claim listed after it (the link's event comes first)")
    func forwardLinkRoundTrip() throws {
        try withTemporaryDirectory { dir in
            let source = dir.appendingPathComponent("source").path
            let file = try reportFile(
                """
                report: {id: fwd, outlet: Wire, published: 2020-07-01}
                claims:
                  - {id: c1, kind: shipment, commodity: coal, from: KP, to: CN, links: [{relation: same-shipment, claim: c2}]}
                  - {id: c2, kind: shipment, commodity: coal, from: KP, to: CN}
                """, named: "fwd.yaml", in: dir)
            try #require(try strata("append", file, "--journal", source).exited(0))
            let exported = try strata("export", "--journal", source).stdout
            let input = dir.appendingPathComponent("fwd.ndjson")
            try exported.write(to: input)
            let journal = dir.appendingPathComponent("journal").path
            let r = try strata("import", input.path, "--journal", journal)
            #expect(r.exited(0), "\(r.status) \(r.err)")
            #expect(try strata("export", "--journal", journal).stdout == exported)
            #expect(try strata("verify", "--journal", journal).exited(0))
        }
    }

    @Test(
        "a claim in another claim's stream, a claim of an unregistered source, or text with a control character: exit 65 with line and field, nothing imported",
        arguments: [
            (
                #""claim":"dailynk-2020-05-minerals/c1""#, #""claim":"other/c1""#,
                "stream: a claim.asserted.v1 event of this payload belongs in stream claim-other/c1, not claim-dailynk-2020-05-minerals/c1"
            ),
            (
                #""source":"dailynk-china-source","said":"Ships"#, #""source":"nosuch","said":"Ships"#,
                "payload: refers to stream source-nosuch, which has no event in its command or before it"
            ),
            (#""said":"Ships"#, #""said":"\u001b[31mShips"#, "payload: \""),
        ])
    func refused(from: String, to: String, message: String) throws {
        try withTemporaryDirectory { dir in
            let source = dir.appendingPathComponent("source").path
            var lines = try seedExport(in: source)
            let line = try #require(
                lines.firstIndex { $0.contains(#""type":"claim.asserted.v1""#) && $0.contains(from) })
            lines[line] = lines[line].replacingOccurrences(of: from, with: to)
            let (r, input, journal) = try importEdited(lines, in: dir)
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: \(input.path):\(line + 1): \(message)"), "\(r.err)")
            if r.err.contains("U+001B") == false && message.hasPrefix("payload: \"") {
                Issue.record("the control character is not named: \(r.err)")
            }
            #expect(try eventCount(journal) == 0)
            // The export as it was imports whole.
            let original = dir.appendingPathComponent("original.ndjson")
            try strata("export", "--journal", source).stdout.write(to: original)
            #expect(try strata("import", original.path, "--journal", journal).exited(0))
        }
    }

    @Test(
        "an event no command would write, added to an export: a correction whose value views cannot read, another program's event in a journal stream, a rating of an unregistered source or from a report never filed, a second assertion or registration in its stream, a self-link, an alias of a name to itself or of no name, values append refuses, a key the type does not record — exit 65, nothing imported",
        arguments: [
            (
                "claim.corrected.v1", "claim-dailynk-2020-05-minerals/c1", 2,
                #"{"claim":"dailynk-2020-05-minerals/c1","set":{"when":"2020-05-20/2020-05-01"},"reason":"x","report":null}"#,
                "payload: claim.corrected.v1: when: expected EDTF"
            ),
            (
                "claim.corrected.v1", "claim-dailynk-2020-05-minerals/c1", 2,
                #"{"claim":"dailynk-2020-05-minerals/c1","set":{"quantity":{"value":1,"unit":"mt"}},"reason":"x","report":null}"#,
                "payload: claim.corrected.v1: quantity.unit"
            ),
            (
                "bench.recorded.v1", "report-x", 1, #"{"n":1}"#,
                "type: stream report-x holds the journal's own events, and bench.recorded.v1 is not one of them"
            ),
            (
                "source.rated.v1", "source-nosuch", 1, #"{"source":"nosuch","reliability":"A","reason":"x"}"#,
                "version: a source.rated.v1 event cannot start stream source-nosuch"
            ),
            (
                "source.rated.v1", "source-dailynk-china-source", 2,
                #"{"source":"dailynk-china-source","reliability":"A","reason":"x","report":"nosuch"}"#,
                "payload: refers to stream report-nosuch, which has no event in its command or before it"
            ),
            (
                "claims.linked.v1", "link-dailynk-2020-05-minerals/c1|dailynk-2020-05-minerals/c1", 1,
                #"{"claim":"dailynk-2020-05-minerals/c1","other":"dailynk-2020-05-minerals/c1","relation":"same-shipment","reason":null,"report":null}"#,
                "payload: claims.linked.v1: a claim cannot link to itself"
            ),
            (
                "entity.aliased.v1", "alias-place-nampo", 1,
                #"{"kind":"place","name":"Nampo","canonical":"NAMPO","reason":null}"#,
                "payload: entity.aliased.v1: \"Nampo\" and \"NAMPO\" are the same name"
            ),
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c1", 2,
                #"{"claim":"dailynk-2020-05-minerals/c1","kind":"shipment","source":"dailynk-china-source","said":"x","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":null,"from":[],"to":[],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null}"#,
                "version: a claim.asserted.v1 event can only start its stream, and this one is version 2 of claim-dailynk-2020-05-minerals/c1"
            ),
            (
                "source.registered.v1", "source-dailynk-china-source", 2,
                #"{"source":"dailynk-china-source","name":"Another","kind":"human","reliability":"A","description":null,"report":"dailynk-2020-05-minerals"}"#,
                "version: a source.registered.v1 event can only start its stream"
            ),
            (
                "entity.aliased.v1", "alias-place-", 1,
                #"{"kind":"place","name":"!!!","canonical":"Nampo","reason":null}"#,
                "payload: entity.aliased.v1: a place name needs letters or digits"
            ),
            // What append refuses of a claim's values, and a report's publication time that
            // --published-by views could not read.
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c99", 1,
                #"{"claim":"dailynk-2020-05-minerals/c99","kind":"shipment","source":"dailynk-china-source","said":"x","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":{"value":300.0,"qualifier":"exact","unit":"t"},"from":[{"place":null,"country":"CN"}],"to":[{"place":null,"country":"XX"}],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null}"#,
                "payload: claim.asserted.v1: \"XX\" is not an ISO 3166 alpha-2 country code"
            ),
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c99", 1,
                #"{"claim":"dailynk-2020-05-minerals/c99","kind":"shipment","source":"dailynk-china-source","said":"x","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":{"value":300.0,"qualifier":"exact","unit":"t"},"from":[{"place":null,"country":"CN"}],"to":[{"place":"!!!","country":"KP"}],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null}"#,
                "payload: claim.asserted.v1: a place name needs letters or digits"
            ),
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c99", 1,
                #"{"claim":"dailynk-2020-05-minerals/c99","kind":"shipment","source":"dailynk-china-source","said":"","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":{"value":300.0,"qualifier":"exact","unit":"t"},"from":[{"place":null,"country":"CN"}],"to":[{"place":null,"country":"KP"}],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null}"#,
                "payload: claim.asserted.v1: said: must not be empty"
            ),
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c99", 1,
                #"{"claim":"dailynk-2020-05-minerals/c99","kind":"shipment","source":"dailynk-china-source","said":"x","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":{"value":300.0,"qualifier":"exact","unit":"t"},"from":[{"place":null,"country":"CN"}],"to":[{"place":null,"country":"KP"}],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null,"extra":1}"#,
                "payload: claim.asserted.v1: extra: not a field of claim.asserted.v1"
            ),
            (
                "claim.asserted.v1", "claim-dailynk-2020-05-minerals/c99", 1,
                #"{"claim":"dailynk-2020-05-minerals/c99","kind":"shipment","source":"dailynk-china-source","said":"x","credibility":3,"when":"2020-05","when_said":null,"commodity":"coal","quantity":{"value":300.0,"qualifier":"exact","unit":"t","margin":5},"from":[{"place":null,"country":"CN"}],"to":[{"place":null,"country":"KP"}],"vessel":null,"voyages":null,"method":[],"price":null,"parties":[],"note":null}"#,
                "payload: claim.asserted.v1: quantity.margin: not a field of claim.asserted.v1"
            ),
            (
                "report.filed.v1", "report-r2", 1,
                #"{"report":"r2","outlet":"Daily NK","outlet_source":"daily-nk","published":"yesterday","title":null,"url":null,"language":null,"translated_from":null,"translator":null,"retrieved":null,"content":"9fc38b0a0c0e973b80070e4bd91b1a14c44238145ffb6f82d3d711ffc53e0892"}"#,
                "payload: report.filed.v1: published: expected an ISO 8601 date or date-time, not \"yesterday\""
            ),
        ])
    func eventNoCommandWrites(type: String, stream: String, version: Int, payload: String, message: String) throws {
        try withTemporaryDirectory { dir in
            let source = dir.appendingPathComponent("source").path
            var lines = try seedExport(in: source)
            let last = try #require(lines.last)
            let time = last[try #require(last.range(of: #""recorded_at":"[^"]*""#, options: .regularExpression))]
            lines.append(
                #"{"position":\#(lines.count + 1),"id":"01a22bb0-0000-7000-8000-000000000001","type":"\#(type)","stream":"\#(stream)","version":\#(version),\#(time),"recorded_by":"x","correlation_id":"01a22bb0-0000-7000-8000-000000000002","causation_id":null,"payload":\#(payload)}"#
            )
            let (r, input, journal) = try importEdited(lines, in: dir)
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: \(input.path):\(lines.count): \(message)"), "\(r.err)")
            #expect(try eventCount(journal) == 0)
        }
    }

    @Test(
        "an import overtaken by a writer that does not take turns says so: the position it meets was written by another process while it ran"
    )
    func overtakenByAnotherWriter() throws {
        try withTemporaryDirectory { dir in
            let journal = dir.appendingPathComponent("journal").path
            // The first 100 lines go in (the import commits its first batch of 50 and waits
            // on line 101 to close the second); a process that does not wait for the import
            // (as a strata before writers took turns) appends; then the rest. A `strata
            // append` there would wait for the import's end, which waits for it.
            let script = """
                set -u
                strata="$1"; journal="$2"; sample="$3"; bench="$4"
                {
                  head -n 100 "$sample"
                  for _ in $(seq 600); do
                    n=$("$strata" stats --format json --journal "$journal" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])' 2>/dev/null || echo 0)
                    [ "$n" -ge 50 ] && break
                    sleep 0.05
                  done
                  "$bench" append --journal "$journal" --commands 1 --without-turns >&2
                  tail -n +101 "$sample"
                } | "$strata" import - --batch-size 50 --journal "$journal"
                """
            let r = try Running(
                "/bin/bash", ["-c", script, "bash", Binaries.strata, journal, sampleExport.path, Binaries.bench]
            ).wait()
            #expect(r.exited(65), "\(r.status) \(r.err)")
            #expect(r.err.contains("was written by another process while this import ran"), "\(r.err)")
            #expect(try strata("verify", "--journal", journal).exited(0))
        }
    }
}
