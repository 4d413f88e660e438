import Foundation
import StrataDomain

/// Resolves names as the journal knows them at a view: aliases in force first, then the
/// bundled gazetteer and commodity taxonomy.
public struct Resolver: Sendable {
    public let state: JournalState
    /// The bundled resources are decoded on first use (a view that resolves no name, such
    /// as stored volumes without totals, does not pay for them).
    public var gazetteer: Gazetteer { customGazetteer ?? .bundled }
    public var taxonomy: CommodityTaxonomy { customTaxonomy ?? .bundled }
    private let customGazetteer: Gazetteer?
    private let customTaxonomy: CommodityTaxonomy?

    /// Views resolve the same few names for thousands of claims: remember the answers.
    private let cache = ResolverCache()

    public init(state: JournalState, gazetteer: Gazetteer? = nil, taxonomy: CommodityTaxonomy? = nil) {
        self.state = state
        customGazetteer = gazetteer
        customTaxonomy = taxonomy
    }

    /// A location's canonical place name (if a place) and its ISO country code.
    public func resolve(_ location: Location) -> (place: String?, country: String?) {
        if let known = cache.location(location) { return known }
        let resolved = resolveUncached(location)
        cache.remember(location, resolved)
        return resolved
    }

    private func resolveUncached(_ location: Location) -> (place: String?, country: String?) {
        guard let written = location.place else { return (nil, location.country) }
        let name = state.canonical(.place, written)
        if let place = gazetteer.place(named: name) { return (place.name, location.country ?? place.country) }
        if let country = gazetteer.country(named: name) { return (nil, country.code) }
        return (name, location.country)
    }

    /// A commodity's canonical name (through aliases and the taxonomy), or the name as written.
    public func commodity(_ name: String?) -> String? {
        guard let name else { return nil }
        if let known = cache.commodity(name) { return known }
        let aliased = state.canonical(.commodity, name)
        let canonical = taxonomy.commodity(named: aliased)?.name ?? aliased
        cache.remember(commodity: name, canonical)
        return canonical
    }

    /// Whether a claim's commodity is `filter` or one of its children.
    public func commodity(_ name: String?, isA filter: String) -> Bool {
        guard let c = commodity(name), let f = commodity(filter) else { return false }
        return taxonomy.isA(c, f)
    }

    /// Whether `locations` include the place `filter` (through aliases).
    public func mentions(place filter: String, in locations: [Location]) -> Bool {
        guard let wanted = placeKey(Location(place: filter, country: nil)) else { return false }
        return locations.contains { placeKey($0) == wanted }
    }

    /// The key of a location's canonical place name, if it names a place.
    private func placeKey(_ location: Location) -> NameKey? {
        if let known = cache.placeKey(location) { return known }
        let key = resolve(location).place.map(NameKey.init)
        cache.remember(location, placeKey: key)
        return key
    }

    /// Whether `locations` are in the country `code`.
    public func mentions(country code: String, in locations: [Location]) -> Bool {
        locations.contains { resolve($0).country?.uppercased() == code.uppercased() }
    }

    /// A vessel's name through aliases.
    public func vessel(_ name: String) -> String { state.canonical(.vessel, name) }
}

/// From the Admiralty codes to a number in 0…1, only in read models: source reliability
/// A 0.9, B 0.75, C 0.55, D 0.35, E 0.15, F 0.5 (cannot be judged: neither for nor
/// against); claim credibility 1 0.95, 2 0.8, 3 0.6, 4 0.4, 5 0.2, 6 0.5. A claim's
/// confidence is their product; a shipment's is that of its most confident claim, and
/// when independent sources support it, 1 − Π(1 − cᵢ) over each source's best claim.
public enum Confidence {
    public static func of(_ reliability: Reliability?, _ credibility: Credibility) -> Double {
        let r: Double
        switch reliability ?? .f {
        case .a: r = 0.9
        case .b: r = 0.75
        case .c: r = 0.55
        case .d: r = 0.35
        case .e: r = 0.15
        case .f: r = 0.5
        }
        let c: Double
        switch credibility {
        case .confirmed: c = 0.95
        case .probablyTrue: c = 0.8
        case .possiblyTrue: c = 0.6
        case .doubtful: c = 0.4
        case .improbable: c = 0.2
        case .cannotBeJudged: c = 0.5
        }
        return r * c
    }

    /// For output: the decimal the mapping gives, without binary noise (.75 × .95 is .7125,
    /// not .71249999…; two B1 sources give .91734375), to 15 significant digits.
    static func rounded(_ v: Double) -> Double { v.decimalRounded }
}

/// Memoised resolutions of one view. `@unchecked Sendable`: every access holds `lock`.
final class ResolverCache: @unchecked Sendable {
    private let lock = NSLock()
    private var locations: [Location: (String?, String?)] = [:]
    private var commodities: [String: String] = [:]
    private var placeKeys: [Location: NameKey?] = [:]

    func placeKey(_ l: Location) -> NameKey?? { lock.withLock { placeKeys[l] } }

    func remember(_ l: Location, placeKey: NameKey?) { lock.withLock { placeKeys[l] = placeKey } }

    func location(_ l: Location) -> (place: String?, country: String?)? {
        lock.withLock { locations[l].map { (place: $0.0, country: $0.1) } }
    }

    func remember(_ l: Location, _ r: (place: String?, country: String?)) {
        lock.withLock { locations[l] = (r.place, r.country) }
    }

    func commodity(_ name: String) -> String? { lock.withLock { commodities[name] } }

    func remember(commodity name: String, _ canonical: String) { lock.withLock { commodities[name] = canonical } }
}
