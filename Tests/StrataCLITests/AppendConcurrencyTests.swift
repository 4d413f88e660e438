import Foundation
import Testing

/// Several analysts recording the same report at the same moment record it once.
@Suite("concurrent appends of one report")
struct AppendConcurrencyTests {
    @Test("four processes append the same report at once: one records it, the others say unchanged")
    func sameReportAtOnce() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            // Create the journal first so the four race on the report, not on creating files.
            #expect(try strata("stats", "--journal", j).exited(66))
            #expect(try strata("import", sampleExport.path, "--journal", j).exited(0))
            let runs = try (0..<4).map { _ in try Running(Binaries.strata, ["append", seed, "--journal", j]) }
            let results = runs.map { $0.wait() }
            for r in results { #expect(r.exited(0), "\(r.status) \(r.err)") }
            #expect(results.filter { $0.out.contains("15 events appended") }.count == 1, "\(results.map(\.out))")
            #expect(results.filter { $0.out.contains("unchanged") }.count == 3, "\(results.map(\.out))")
            let stats = try statsJSON(journal: j)
            #expect(stats["events"] as? Int == 215)
            #expect(stats["claims"] as? Int == 12)
            #expect(try strata("verify", "--journal", j).exited(0))
        }
    }

    @Test("commands racing on one claim are judged as if run in turn: one retraction, one link, part-of one way")
    func checkedCommandsRace() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let report = try reportFile(
                """
                report: {id: rep, outlet: Test Wire, published: 2020-01-10}
                claims:
                  - {id: a1, kind: shipment, commodity: coal, quantity: {value: 10, unit: t}, from: KP, to: CN, when: 2019-12}
                  - {id: a2, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-12}
                  - {id: a3, kind: shipment, commodity: coal, from: KP, to: CN, when: 2019-12}
                  - {id: t1, kind: total, commodity: coal, quantity: {value: 100, unit: t}, from: KP, to: CN, when: 2019}
                """, named: "r.yaml", in: dir)
            #expect(try strata("append", report, "--journal", j).exited(0))
            func race(_ commands: [[String]]) throws -> [RunResult] {
                try commands.map { try Running(Binaries.strata, $0 + ["--journal", j]) }.map { $0.wait() }
            }
            func count(_ type: String) throws -> Int {
                try strata("log", "--format", "ndjson", "--journal", j).out.split(separator: "\n")
                    .filter { $0.contains("\"type\":\"\(type)\"") }.count
            }
            let retractions = try race((0..<6).map { ["retract", "rep/a1", "--reason", "r\($0)"] })
            #expect(retractions.filter { $0.exited(0) }.count == 1, "\(retractions.map(\.err))")
            for r in retractions where !r.exited(0) {
                #expect(r.exited(65) && r.err.contains("claim rep/a1 is already retracted"), "\(r.status) \(r.err)")
            }
            #expect(try count("claim.retracted.v1") == 1)
            let links = try race((0..<6).map { _ in ["link", "rep/a2", "rep/a3", "--as", "corroborates"] })
            #expect(links.filter { $0.exited(0) }.count == 1, "\(links.map(\.err))")
            #expect(try count("claims.linked.v1") == 1)
            let partOf = try race([
                ["link", "rep/a2", "rep/t1", "--as", "part-of"], ["link", "rep/t1", "rep/a2", "--as", "part-of"],
            ])
            #expect(partOf.filter { $0.exited(0) }.count == 1, "\(partOf.map(\.err))")
            #expect(try count("claims.linked.v1") == 2)
            #expect(try strata("verify", "--journal", j).exited(0))
        }
    }
}
