import StrataDomain

/// The filters of a view applied to one claim.
struct ViewFilter {
    let view: View
    let resolver: Resolver

    func admits(_ claim: JournalState.Claim) -> Bool {
        let f = claim.fields
        if let kind = view.kind, f.kind != kind { return false }
        if let source = view.source, f.source.rawValue != source { return false }
        if let commodity = view.commodity, !resolver.commodity(f.commodity, isA: commodity) { return false }
        if let place = view.place, !resolver.mentions(place: place, in: f.from + f.to) { return false }
        if let country = view.country, !resolver.mentions(country: country, in: f.from + f.to) { return false }
        if let vessel = view.vessel {
            guard let name = f.vessel?.name, NameKey(resolver.vessel(name)) == NameKey(resolver.vessel(vessel)) else {
                return false
            }
        }
        if view.from != nil || view.to != nil {
            return view.certainly
                ? f.when.certainlyWithin(from: view.from, to: view.to)
                : f.when.possiblyOverlaps(from: view.from, to: view.to)
        }
        return true
    }
}
