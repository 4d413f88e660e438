import StrataDomain

/// The filters of a view that name nothing the journal knows: a commodity, place, vessel or
/// source that no taxonomy or gazetteer entry, alias or claim has. Such a filter admits
/// nothing, and the CLI says so rather than answer with an empty table and no reason (a
/// typo, mostly: `--commodity coall`).
public enum UnknownFilterNames {
    /// Names the journal's claims have used (see ``StateStore/namesInClaims()``).
    public typealias ClaimNames = (commodities: [String], places: [String])

    /// One message per filter of `view` that names nothing known, such as
    /// `--commodity "coall": no such commodity in the taxonomy, the aliases or the claims`.
    /// `resolver` resolves names at the view; `allClaims` says whether its state holds every
    /// claim of the view (a state narrowed by the claim index does not), without which
    /// vessels are not checked.
    public static func messages(view: View, resolver: Resolver, claimNames: ClaimNames, allClaims: Bool) -> [String] {
        var out: [String] = []
        if let c = view.commodity, !knows(commodity: c, resolver, claimNames.commodities) {
            out.append("--commodity \"\(c)\": no such commodity in the taxonomy, the aliases or the claims")
        }
        if let p = view.place {
            let resolved = resolver.resolve(Location(place: p, country: nil))
            if resolved.place == nil, let country = resolved.country {
                // A country's name, code or alias: --place matches places, so nothing.
                out.append(
                    "--place \"\(p)\" names a country: --place matches places and ports; use --country \(country)")
            } else if !knows(place: p, resolver, claimNames.places) {
                out.append("--place \"\(p)\": no such place or country in the gazetteer, the aliases or the claims")
            }
        }
        if let v = view.vessel, allClaims, !knows(vessel: v, resolver) {
            out.append("--vessel \"\(v)\": no claim or alias at this view names that vessel (by name or IMO number)")
        }
        if let s = view.source, resolver.source(s) == nil {
            out.append("--source \"\(s)\": no source of that id or outlet name is registered at this view")
        }
        return out
    }

    /// Whether `name` is an alias, or the canonical name of one, of `kind` at the view.
    private static func aliased(_ kind: EntityKind, _ name: String, _ resolver: Resolver) -> Bool {
        let key = NameKey(name)
        guard let aliases = resolver.state.aliases[kind] else { return false }
        return aliases[key] != nil || aliases.values.contains { NameKey($0) == key }
    }

    private static func knows(commodity name: String, _ resolver: Resolver, _ inClaims: [String]) -> Bool {
        if aliased(.commodity, name, resolver) { return true }
        if let canonical = resolver.commodity(name), resolver.taxonomy.commodity(named: canonical) != nil {
            return true
        }
        return inClaims.contains { resolver.commodity($0, isA: name) }
    }

    private static func knows(place name: String, _ resolver: Resolver, _ inClaims: [String]) -> Bool {
        if aliased(.place, name, resolver) { return true }
        // (A name that resolves to a country is reported before this is asked.)
        if resolver.gazetteer.place(named: resolver.state.canonical(.place, name)) != nil { return true }
        return inClaims.contains { resolver.mentions(place: name, in: [Location(place: $0, country: nil)]) }
    }

    private static func knows(vessel name: String, _ resolver: Resolver) -> Bool {
        if aliased(.vessel, name, resolver) { return true }
        return resolver.state.claims.values.contains { ViewFilter.vessel($0.fields.vessel, matches: name, resolver) }
    }
}
