import ArgumentParser
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who is recording: `$STRATA_ANALYST`, else the login name.
enum Analyst {
    static var current: String {
        for name in ["STRATA_ANALYST", "LOGNAME", "USER"] {
            if let v = getenv(name), let s = String(validatingCString: v), !s.isEmpty { return s }
        }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name, let s = String(validatingCString: name) {
            return s
        }
        return "unknown"
    }
}
