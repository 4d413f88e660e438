/// A set of event type families (a type's name without its `.vN`), matched against the
/// stored type names of events without decoding them: what a projection reads.
public struct EventFamilies: Sendable {
    private let names: [[UInt8]]

    public init(_ families: [Substring]) {
        names = families.map { Array($0.utf8) }
    }

    /// Whether the stored type name `utf8` (e.g. `claim.asserted.v1`) is of one of the families.
    func contains(typeName utf8: UnsafeRawBufferPointer) -> Bool {
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let family = UnsafeRawBufferPointer(rebasing: utf8[..<dot])
        return names.contains { $0.count == family.count && $0.withUnsafeBytes { $0.elementsEqual(family) } }
    }

    /// Whether `type` is of one of the families.
    func contains(_ type: EventType) -> Bool {
        var name = type.name
        return name.withUTF8 { contains(typeName: UnsafeRawBufferPointer($0)) }
    }
}
