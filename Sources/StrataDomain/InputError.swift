/// Bad input: a report file or command argument that cannot be recorded. It names the file,
/// the line and the field where it can, and says what was expected:
/// `FILE:LINE: FIELD: what was wrong`.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    /// The field's path, e.g. `claims[2].quantity.unit`.
    public var field: String?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        // Line 0 means "no line" (command-line arguments).
        let line = self.line.flatMap { $0 > 0 ? $0 : nil }
        if let file {
            parts.append(line.map { "\(file):\($0)" } ?? file)
        } else if let line {
            parts.append("line \(line)")
        }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error, attributed to `file`.
    public func `in`(file: String) -> InputError {
        var copy = self
        copy.file = file
        return copy
    }
}
