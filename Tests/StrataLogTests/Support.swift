import Foundation
import StrataLog

/// A log in a fresh temporary directory, removed by `remove()`.
/// A clock a test sets by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: RecordTime
    init(_ time: RecordTime) { self.time = time }
    var now: RecordTime {
        get { lock.withLock { time } }
        set { lock.withLock { time = newValue } }
    }
}

struct TemporaryLog {
    let directory: String
    let log: EventLog
    var path: String { directory + "/journal" }

    init(mapSize: Int = 1 << 26, clock: TestClock? = nil) throws {
        directory = NSTemporaryDirectory() + "strata-log-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = EventLog.Options()
        options.mapSize = mapSize
        if let clock { options.clock = { clock.now } }
        log = try EventLog(path: directory + "/journal", options: options)
    }

    /// Another log beside this one, in the same temporary directory.
    func sibling(_ name: String) throws -> EventLog {
        try EventLog(path: directory + "/" + name)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

extension StreamID {
    static func test(_ name: String) -> StreamID {
        guard let s = StreamID(name) else { preconditionFailure("bad test stream id \(name)") }
        return s
    }
}

func event(_ n: Int, type: EventType = "test.happened.v1", id: EventID = .make()) -> ProposedEvent {
    ProposedEvent(id: id, type: type, payload: .object(["n": .int(Int64(n)), "text": .string("event \(n)")]))
}

/// A random payload, nested up to `depth`, with text that needs escaping and non-ASCII.
func randomPayload<G: RandomNumberGenerator>(_ rng: inout G, depth: Int = 3) -> Payload {
    let words = ["coal", "Nampo", "남포", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "", "€", "\u{1}"]
    switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &rng) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0..<63, using: &rng))
    case 3:
        let d = [
            0.1, -0.0, 1.0, 1e300, Double.leastNonzeroMagnitude, 123456.789,
            Double(Int.random(in: -1000...1000, using: &rng)) / 7,
        ]
        return .double(d[Int.random(in: 0..<d.count, using: &rng)])
    case 4, 5:
        return .string(
            words[Int.random(in: 0..<words.count, using: &rng)] + String(Int.random(in: 0..<100, using: &rng)))
    case 6: return .array((0..<Int.random(in: 0..<4, using: &rng)).map { _ in randomPayload(&rng, depth: depth - 1) })
    default:
        let n = Int.random(in: 0..<4, using: &rng)
        return .object((0..<n).map { Payload.Field("k\($0)", randomPayload(&rng, depth: depth - 1)) })
    }
}
