#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of a long operation on standard error, only when it is a terminal.
struct Progress {
    let label: String
    let enabled = Stderr.isTerminal
    private var shown = false

    init(_ label: String) { self.label = label }

    mutating func show(_ count: Int, of total: Int? = nil) {
        guard enabled else { return }
        shown = true
        let of = total.map { " of \(Format.thousands($0))" } ?? ""
        Stderr.write("\r\(label): \(Format.thousands(count))\(of) events\u{1B}[K")
    }

    func finish() {
        if shown { Stderr.write("\r\u{1B}[K") }
    }

    /// Runs `body` with a function that shows its progress (events folded, of how many),
    /// and clears the line when it ends, however it ends.
    static func showing<R>(_ label: String, _ body: (_ show: (Int, Int) -> Void) throws -> R) rethrows -> R {
        var progress = Progress(label)
        defer { progress.finish() }
        return try body { progress.show($0, of: $1) }
    }
}
