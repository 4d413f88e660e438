/// Where goods came from or went to, as the analyst wrote it: a place name, a country
/// code, or both. Place names are kept as written and resolved through the gazetteer and
/// aliases when read, so a later alias changes what they mean.
public struct Location: Hashable, Sendable, CustomStringConvertible {
    /// A place name as written (`Nampo`), or `nil` for a whole country.
    public let place: String?
    /// An ISO 3166 alpha-2 code, when written or needed for a place not in the gazetteer.
    public let country: String?

    public init(place: String?, country: String?) {
        self.place = place
        self.country = country
    }

    public var description: String {
        switch (place, country) {
        case (let p?, let c?): return "\(p) (\(c))"
        case (let p?, nil): return p
        case (nil, let c?): return c
        case (nil, nil): return "?"
        }
    }
}
