/// A named place — a port, city, province or region — in a country, from the bundled
/// gazetteer or given by a report (`{place, country}`) for a place the gazetteer lacks.
public struct Place: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The canonical name: `"Nampo"`.
    public let name: String
    /// The ISO 3166-1 alpha-2 code of its country: `"KP"`.
    public let country: String
    /// What sort of place it is.
    public let kind: Kind
    /// Romanisation variants and other names, matched like the name:
    /// `["Nam-po", "Namp'o", "Nampho"]`.
    public let aliases: [String]
    /// The canonical name of the province or region it lies in (`"Liaoning"` for Dalian),
    /// a place of the same country in the gazetteer; `nil` when not recorded.
    public let within: String?
    /// Approximate position of the city or port centre, where known with confidence.
    public let coordinate: Coordinate?

    /// What sort of place a ``Place`` is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case port, city, province, region
    }

    /// A position in decimal degrees (WGS 84), north and east positive.
    public struct Coordinate: Hashable, Sendable {
        public let latitude: Double
        public let longitude: Double
        public init(latitude: Double, longitude: Double) {
            self.latitude = latitude
            self.longitude = longitude
        }
        /// True when latitude is within ±90 and longitude within ±180.
        public var isValid: Bool { (-90...90).contains(latitude) && (-180...180).contains(longitude) }
    }

    public init(
        name: String, country: String, kind: Kind, aliases: [String] = [],
        within: String? = nil, coordinate: Coordinate? = nil
    ) {
        self.name = name
        self.country = country
        self.kind = kind
        self.aliases = aliases
        self.within = within
        self.coordinate = coordinate
    }

    /// The name followed by the aliases.
    public var allNames: [String] { [name] + aliases }

    /// `"Nampo, KP"`.
    public var description: String { "\(name), \(country)" }

    // The resource's shape: {"name", "country", "kind", "within"?, "lat"?, "lon"?, "aliases"?}.
    private enum CodingKeys: String, CodingKey { case name, country, kind, within, lat, lon, aliases }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        country = try c.decode(String.self, forKey: .country)
        kind = try c.decode(Kind.self, forKey: .kind)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        within = try c.decodeIfPresent(String.self, forKey: .within)
        let lat = try c.decodeIfPresent(Double.self, forKey: .lat)
        let lon = try c.decodeIfPresent(Double.self, forKey: .lon)
        switch (lat, lon) {
        case let (lat?, lon?): coordinate = Coordinate(latitude: lat, longitude: lon)
        case (nil, nil): coordinate = nil
        default:
            throw DecodingError.dataCorruptedError(
                forKey: lat == nil ? .lat : .lon, in: c,
                debugDescription: "place \(name): lat and lon must be given together")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(country, forKey: .country)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(within, forKey: .within)
        try c.encodeIfPresent(coordinate?.latitude, forKey: .lat)
        try c.encodeIfPresent(coordinate?.longitude, forKey: .lon)
        if !aliases.isEmpty { try c.encode(aliases, forKey: .aliases) }
    }
}
