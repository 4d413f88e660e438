import ArgumentParser
import LMDB
import StrataDomain
import StrataLog
import StrataViews

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
}
