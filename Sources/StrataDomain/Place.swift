/// A named place — a port, city, province or region — in a country, from the bundled
/// gazetteer or given by a report (`{place, country}`) for a place the gazetteer lacks.
public struct Place: Hashable, Sendable, CustomStringConvertible {
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
    public enum Kind: String, Sendable, CaseIterable {
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
    init(resource r: ResourceReader) throws {
        let name = try r.string("name")
        let coordinate: Coordinate?
        switch (try r.optionalDouble("lat"), try r.optionalDouble("lon")) {
        case let (lat?, lon?): coordinate = Coordinate(latitude: lat, longitude: lon)
        case (nil, nil): coordinate = nil
        default: throw ResourceReader.error(r.path, "place \(name): lat and lon must be given together")
        }
        self.init(
            name: name, country: try r.string("country"), kind: try r.value("kind", as: Kind.self),
            aliases: try r.strings("aliases"), within: try r.optionalString("within"), coordinate: coordinate)
    }
}
