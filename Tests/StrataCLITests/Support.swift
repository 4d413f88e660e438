import Foundation
import StrataLog
import StrataViews
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Helpers for the CLI tests: locating the built executables, running them, temporary
// directories, file modes and NDJSON.

/// The `strata` and `strata-bench` executables built with the tests.
enum Binaries {
    /// The build directory holding both executables: the directory of the running test
    /// bundle (they are built next to it, the test target depends on them), else
    /// `<repo>/.build/debug` computed from this file's path.
    static let directory: URL = {
        var starts: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first).standardizedFileURL)
        }
        for start in starts {
            var dir = start
            for _ in 0..<6 {
                if isExecutable(dir.appendingPathComponent("strata")),
                    isExecutable(dir.appendingPathComponent("strata-bench"))
                {
                    return dir
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        // Tests/StrataCLITests/Support.swift → <repo>/.build/debug
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }()

    static var strata: String { directory.appendingPathComponent("strata").path }
    static var bench: String { directory.appendingPathComponent("strata-bench").path }

    private static func isExecutable(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }
}

/// The repository root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The bundled sample export (200 events).
let sampleExport = repositoryRoot.appendingPathComponent("examples/sample-events.ndjson")

/// What a finished process left.
struct RunResult: Sendable {
    /// The exit status, or the signal number when `signaled`.
    let status: Int32
    let signaled: Bool
    let stdout: Data
    let stderr: Data
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    /// Whether it exited (not killed) with `code`.
    func exited(_ code: Int32) -> Bool { !signaled && status == code }
}

/// A started process whose standard output and error go to temporary files (so a large
/// output can never block it on a full pipe).
final class Running {
    let process = Process()
    private let outURL: URL
    private let errURL: URL
    private let handles: [FileHandle]

    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: URL? = nil, stdin: URL? = nil
    ) throws {
        let scratch = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        outURL = scratch.appendingPathComponent("strata-cli-\(id).out")
        errURL = scratch.appendingPathComponent("strata-cli-\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        var handles = [out, err]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["STRATA_JOURNAL"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = try FileHandle(forReadingFrom: stdin)
            handles.append(input)
            process.standardInput = input
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        self.handles = handles
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL (if it is still running).
    func kill() {
        #if canImport(Glibc)
            _ = Glibc.kill(pid, SIGKILL)
        #else
            _ = Darwin.kill(pid, SIGKILL)
        #endif
    }

    /// Waits for the end and collects the outputs.
    func wait() -> RunResult {
        process.waitUntilExit()
        for h in handles { try? h.close() }
        let stdout = (try? Data(contentsOf: outURL)) ?? Data()
        let stderr = (try? Data(contentsOf: errURL)) ?? Data()
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return RunResult(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            stdout: stdout, stderr: stderr)
    }
}

/// Runs `strata ARGS…` to the end.
@discardableResult
func strata(
    _ arguments: String..., environment: [String: String] = [:], currentDirectory: URL? = nil, stdin: URL? = nil
) throws -> RunResult {
    try Running(
        Binaries.strata, arguments, environment: environment, currentDirectory: currentDirectory, stdin: stdin
    ).wait()
}

/// Runs `strata-bench ARGS…` to the end.
@discardableResult
func bench(_ arguments: String...) throws -> RunResult {
    try Running(Binaries.bench, arguments).wait()
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "strata-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

/// The permission bits of a file (`st_mode & 0o7777`), nil when it does not exist.
func permissions(_ path: String) -> mode_t? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return st.st_mode & 0o7777
}

/// The size in bytes of a file, nil when it does not exist.
func fileSize(_ path: String) -> Int? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int(st.st_size)
}

/// A `strata-bench journal` of `events` events made in `dir/source` and exported to
/// `dir/all.ndjson`: a source for imports. Returns the journal's path and the export's.
func benchExport(in dir: URL, events: Int) throws -> (journal: String, export: URL) {
    let source = dir.appendingPathComponent("source").path
    let made = try bench("journal", "--journal", source, "--events", String(events))
    try #require(made.exited(0), "strata-bench journal: \(made.err)")
    let export = dir.appendingPathComponent("all.ndjson")
    try #require(try strata("export", "--journal", source, "--output", export.path).exited(0))
    return (source, export)
}

/// The lines of NDJSON output, without their newlines. Every line must end with one.
func ndjsonLines(_ data: Data) -> [Data] {
    var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

/// Each NDJSON line parsed as a JSON object.
func jsonObjects(_ data: Data) throws -> [[String: Any]] {
    try ndjsonLines(data).map { try jsonObject($0) }
}

/// The `rows` of a read model's `--format json` answer.
func viewRows(_ result: RunResult) throws -> [[String: Any]] {
    try #require(try jsonObject(result.stdout)["rows"] as? [[String: Any]], "no rows: \(result.err)")
}

/// One JSON object.
func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object")
}

/// A summary line of `strata-bench append`.
struct BenchSummary {
    let appended: Int
    let conflicts: Int
    let firstPosition: Int
    let lastPosition: Int

    init(_ result: RunResult) throws {
        let object = try jsonObject(Data(result.out.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        appended = try #require(object["appended"] as? Int)
        conflicts = try #require(object["conflicts"] as? Int)
        firstPosition = try #require(object["first_position"] as? Int)
        lastPosition = try #require(object["last_position"] as? Int)
    }
}

/// Milliseconds since `start`.
func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let d = ContinuousClock.now - start
    return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
}

/// `strata stats --format json` of a journal, which must succeed.
func statsJSON(journal: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let stats = try strata("stats", "--journal", journal, "--format", "json")
    try #require(stats.exited(0), "stats: exit \(stats.status): \(stats.err)", sourceLocation: sourceLocation)
    return try jsonObject(stats.stdout)
}

/// Imports the NDJSON `file` into `journal` in this process through the log alone, leaving
/// the read models where they were (behind, or absent for a new journal): what an import
/// run by a binary whose read models are of another version leaves, for the tests of
/// the catch-up that follows.
func importWithoutReadModels(_ file: URL, into journal: String) throws -> ImportResult {
    let reader = try #require(LineReader(path: file.path))
    return try EventLog(path: journal, options: StateStore.logOptions).importNDJSON(from: reader)
}

/// Where a journal's read models stand (their checkpoint) and where its log ends, read in
/// this process without bringing the read models up to date as the commands do.
func readModelsAndLogEnd(_ journal: String) throws -> (readModels: Position?, log: Position) {
    let log = try EventLog(path: journal, options: StateStore.logOptions)
    return (try StateStore(log: log).status()?.position, try log.head().lastPosition)
}

/// The seed example (the Daily NK article of the spec), a report of 15 events.
let seedExample = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml")

/// Runs `body` with a fresh temporary directory and the path of a journal in it that holds
/// the seed example, appended.
func withSeedJournal<R>(sourceLocation: SourceLocation = #_sourceLocation, _ body: (URL, String) throws -> R) throws
    -> R
{
    try withTemporaryDirectory { dir in
        let j = dir.appendingPathComponent("journal").path
        let r = try strata("append", seedExample.path, "--journal", j)
        try #require(r.exited(0), "append the seed: \(r.err)", sourceLocation: sourceLocation)
        return try body(dir, j)
    }
}

/// Writes a report file `name` with `yaml` in `dir`; returns its path.
func reportFile(_ yaml: String, named name: String, in dir: URL) throws -> String {
    let file = dir.appendingPathComponent(name)
    try yaml.write(to: file, atomically: false, encoding: .utf8)
    return file.path
}

/// `n` with its digits in groups of three, as strata prints counts: `21,676`.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = n < 0 ? "-" : ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return out
}
