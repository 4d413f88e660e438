import ArgumentParser
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who is recording: `$STRATA_ANALYST`, else the login name.
enum Analyst {
    /// The longest name recorded, in UTF-8 bytes.
    static let maximumBytes = 200

    /// The analyst's name, refused (exit 65) when it holds a control character, a line
    /// break or a bidirectional override, or is longer than ``maximumBytes``: it is stored
    /// with every event and printed by `strata claim` and `strata log`, as report text is.
    static func current() throws -> String {
        let (name, origin) = found
        if let problem = problem(in: name) { throw Failure(.dataError, "\(origin): the analyst's name \(problem)") }
        return name
    }

    /// Why `name` cannot be an analyst's name, or `nil`.
    static func problem(in name: String) -> String? {
        if let problem = TextCharacters.problem(in: name) { return problem }
        if name.contains(where: \.isNewline) || name.contains("\t") { return "has a line break or tab" }
        if name.utf8.count > maximumBytes {
            return "may have at most \(maximumBytes) bytes; this one has \(name.utf8.count)"
        }
        return nil
    }

    /// The name and where it came from.
    private static var found: (String, String) {
        for name in ["STRATA_ANALYST", "LOGNAME", "USER"] {
            if let v = getenv(name), let s = String(validatingCString: v), !s.isEmpty { return (s, "$" + name) }
        }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name, let s = String(validatingCString: name) {
            return (s, "the login name")
        }
        return ("unknown", "the login name")
    }
}
