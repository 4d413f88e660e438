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

    /// The source a view's `--source` names: the source registered at the view under that
    /// id, else the one registered under the id an outlet of that name gets, as a report
    /// file's `source` takes it ("Reuters" → reuters, "Daily NK" → daily-nk); `nil` when
    /// neither is registered.
    public func source(_ written: String) -> SourceID? {
        SourceID.resolve(written) { state.sources[$0] != nil }
    }

    /// A location's canonical place name (if a place; a place the gazetteer does not know
    /// as first written) and its ISO country code.
    public func resolve(_ location: Location) -> (place: String?, country: String?) {
        if let known = cache.location(location) { return known }
        let resolved = resolveUncached(location)
        cache.remember(location, resolved)
        return resolved
    }

    private func resolveUncached(_ location: Location) -> (place: String?, country: String?) {
        guard let written = location.place else { return (nil, location.country) }
        let name = state.canonical(.place, written)
        switch gazetteer.resolve(placeName: name) {
        case .place(let place)?: return (place.name, location.country ?? place.country)
        case .country(let country)?: return (nil, country.code)
        case nil: return (state.spellings.spelling(.place, name), location.country)
        }
    }

    /// A commodity's canonical name (through aliases and the taxonomy), or, for one the
    /// taxonomy does not know, the name as first written (``Spellings``).
    public func commodity(_ name: String?) -> String? {
        guard let name else { return nil }
        if let known = cache.commodity(name) { return known }
        let aliased = state.canonical(.commodity, name)
        let canonical = taxonomy.commodity(named: aliased)?.name ?? state.spellings.spelling(.commodity, aliased)
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

    /// The names (through aliases, as keys) that live claims give the vessel with IMO number
    /// `imo`: a claim that names the vessel without its number, by one of these names or by
    /// a name aliased to one (a renamed ship), is about it too.
    public func vesselNames(imo: String) -> Set<NameKey> {
        cache.vesselNames(imo: imo) {
            var names: Set<NameKey> = []
            for c in state.claims.values where !c.retracted {
                if let v = c.fields.vessel, v.imo == imo, let name = v.name { names.insert(NameKey(vessel(name))) }
            }
            return names
        }
    }
}
