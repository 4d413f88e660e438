/// The characters report text may hold. Report text comes from web pages and documents
/// nobody vouches for, and Strata prints it to terminals and into CSV: control characters
/// other than line breaks and tabs (an escape sequence recolours or rewrites a terminal, a
/// lone carriage return overwrites the start of a line, NUL cuts C strings), and
/// bidirectional overrides (which make "‮opmaN" display as "Nampo") are refused wherever
/// text is read.
public enum TextCharacters {
    /// Why `text` cannot be report text, or `nil`.
    public static func problem(in text: String) -> String? {
        func code(_ v: UInt32) -> String { "U+" + String(v, radix: 16, uppercase: true).leftPadded(4) }
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            let v = scalar.value
            switch v {
            case 0x09, 0x0A:
                continue
            case 0x0D:
                // A Windows line break (CR LF) is a line break; a lone CR is not.
                if next == "\n" { continue }
                return "holds a carriage return (\(code(v))) that is not part of a line break"
            case 0x00...0x1F, 0x7F...0x9F:
                return
                    "holds a control character (\(code(v))); text may hold line breaks and tabs, no other control character (U+0000–U+001F, U+007F–U+009F)"
            case 0x202D, 0x202E:
                // Overrides force a direction on text whatever its script; embeddings and
                // isolates (U+202A–C, U+2066–9), which right-to-left text may carry, pass.
                return "holds a bidirectional override (\(code(v))), which makes text display as other text"
            default:
                continue
            }
        }
        return nil
    }
}
