import StrataDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who is recording: `$STRATA_ANALYST`, else the login name.
enum Analyst {
    /// The analyst's name, refused (exit 65) when ``AnalystName/problem(in:)`` says why it
    /// cannot be one.
    static func current() throws -> String {
        let (name, origin) = found
        if let problem = AnalystName.problem(in: name) {
            throw Failure(.dataError, "\(origin): the analyst's name \(problem)")
        }
        return name
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
