import Foundation

/// Small text helpers of the CLI (named apart from Foundation's, which take other
/// arguments).
extension String {
    /// With `prefix` replaced by `with`, when it starts with `prefix`.
    func replacingPrefix(_ prefix: String, _ with: String) -> String {
        hasPrefix(prefix) ? with + dropFirst(prefix.count) : self
    }

    /// Without the characters of `set` at either end.
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
