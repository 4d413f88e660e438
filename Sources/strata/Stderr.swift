#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard error, unbuffered.
enum Stderr {
    /// Prints a message; control characters and bidirectional controls from input files
    /// are shown escaped, so a file cannot send escape sequences to the terminal or make
    /// a message display as another.
    static func print(_ text: String) {
        var safe = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            // C0 and C1 controls, and the bidirectional controls that reorder what follows.
            if v < 0x20 && scalar != "\n" && scalar != "\t" || (0x7F...0x9F).contains(v)
                || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v)
            {
                safe += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                safe.unicodeScalars.append(scalar)
            }
        }
        write(safe.hasSuffix("\n") ? safe : safe + "\n")
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = systemWrite(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// `write(2)`, under a name that `Stderr.write` and `Stdout.write` do not shadow (and that
/// Glibc and Darwin both provide).
func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
