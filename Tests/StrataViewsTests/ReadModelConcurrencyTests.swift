import Foundation
import LMDB
import StrataDomain
import StrataLog
import Testing

@testable import StrataViews

/// Read models used by several writers at once (in threads here; processes share LMDB's
/// writer lock the same way).
@Suite("Read models under concurrent writers")
struct ReadModelConcurrencyTests {
    private func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = NSTemporaryDirectory() + "strata-views-concurrent-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    @Test("two rebuilds at once leave the active state complete (the later one does not empty it)")
    func overlappingRebuilds() throws {
        try withDirectory { dir in
            let journal = try ProjectionPropertyTests.history(seed: 3, steps: 60, in: dir + "/j")
            let log = journal.log
            let head = try log.head().lastPosition
            let expected = try ProjectionPropertyTests.store(log).state(at: head)
            for _ in 0..<10 {
                let group = DispatchGroup()
                for _ in 0..<2 {
                    // One event a transaction, so the two interleave.
                    DispatchQueue.global().async(group: group) {
                        _ = try? ProjectionPropertyTests.store(log, batch: 1).rebuild()
                    }
                }
                group.wait()
                let store = ProjectionPropertyTests.store(log)
                #expect(try store.status()?.position == head)
                #expect(try store.state(at: head) == expected)
                #expect(try store.problems().isEmpty)
            }
        }
    }

    @Test("verify finds nothing wrong while reports are appended")
    func verifyDuringAppends() throws {
        try withDirectory { dir in
            let journal = try ProjectionPropertyTests.history(seed: 4, steps: 120, in: dir + "/j")
            let log = journal.log
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var appendError: (any Error)? = nil
            DispatchQueue.global().async {
                var rng = SplitMix64(seed: 99)
                do {
                    for n in 1000..<1060 {
                        let doc = try ReportDecoder().decode(
                            Array(ProjectionPropertyTests.report(n, &rng).utf8), json: false)
                        _ = try journal.append(doc, by: "t")
                    }
                } catch {
                    appendError = error
                }
                done.signal()
            }
            var runs = 0
            var problems: [String] = []
            while done.wait(timeout: .now()) == .timedOut {
                runs += 1
                problems += try ProjectionPropertyTests.store(log).problems()
            }
            #expect(appendError == nil)
            #expect(runs > 0)
            #expect(problems.isEmpty, "\(Set(problems))")
            #expect(try ProjectionPropertyTests.store(log).problems().isEmpty)
        }
    }
}
