import ArgumentParser
import Foundation
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#endif

extension StrataBench {
    struct JSONTree: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "json-tree",
            abstract: "Time building a Payload tree from one JSON array of N and of 2N small objects.",
            discussion:
                "Prints one JSON line per size with the seconds and elements per second; the two rates should be close (building is linear). Appending to an array frame used to copy it, which made 80,000 elements take 34 s."
        )

        @Option(help: "Elements of the smaller array.") var elements: Int = 40_000

        func validate() throws { if elements < 1 { throw ValidationError("--elements must be at least 1") } }

        func run() throws {
            try StrataBench.timeDoubling(elements, op: "json-tree", counting: "elements") { n in
                let text = "[" + (0..<n).map { "{\"a\":\($0),\"b\":\"x\"}" }.joined(separator: ",") + "]"
                let start = monotonicSeconds()
                let tree = try Payload(json: text)
                let seconds = monotonicSeconds() - start
                guard tree.arrayValue?.count == n else { throw ValidationError("parsed the wrong number of elements") }
                return seconds
            }
        }
    }
}
