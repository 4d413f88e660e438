import StrataDomain

/// The filters of a view, applied to one claim (timeline, reported totals) or to one
/// shipment as it is shown (shipments and the volumes summed from them).
struct ViewFilter {
    let view: View
    let resolver: Resolver
    /// The id of the source `--source` names (see ``Resolver/source(_:)``), or the text
    /// as written when it names none (and admits nothing).
    private let source: String?

    init(view: View, resolver: Resolver) {
        self.view = view
        self.resolver = resolver
        source = view.source.map { resolver.source($0)?.rawValue ?? $0 }
    }

    func admits(_ claim: JournalState.Claim) -> Bool {
        let f = claim.fields
        if let kind = view.kind, f.kind != kind { return false }
        if let source, f.source.rawValue != source { return false }
        if let commodity = view.commodity, !resolver.commodity(f.commodity, isA: commodity) { return false }
        if let place = view.place, !resolver.mentions(place: place, in: f.from + f.to) { return false }
        if let country = view.country, !resolver.mentions(country: country, in: f.from + f.to) { return false }
        if view.vessel != nil, !admits(vessel: f.vessel) { return false }
        return admits(f.when.bounds(padding: view.padding))  // autoclosure: worked out only under a window
    }

    /// A shipment is judged as its row shows it: by its commodity (from its most confident claim that names one), any
    /// of its places, countries and sources, its vessel, and the valid time of all its
    /// claims together (`padded`: with the view's padding, see ``Shipments/paddedBounds``),
    /// so that a filtered answer is part of the unfiltered one.
    func admits(_ shipment: Shipments.Row, padded: ValidTime.Bounds? = nil) -> Bool {
        if let kind = view.kind, kind != .shipment { return false }
        if let source, !shipment.sources.contains(where: { $0.rawValue == source }) { return false }
        if let commodity = view.commodity, !resolver.commodity(shipment.commodity, isA: commodity) { return false }
        if let place = view.place,
            !resolver.mentions(
                place: place,
                in: (shipment.fromPlaces + shipment.toPlaces).map {
                    Location(place: $0, country: nil)
                })
        {
            return false
        }
        if let country = view.country,
            !(shipment.fromCountries + shipment.toCountries).contains(where: { $0.uppercased() == country.uppercased() }
            )
        {
            return false
        }
        if view.vessel != nil, !admits(vessel: shipment.vessel) { return false }
        return admits(padded ?? ValidTime.Bounds(earliestStart: shipment.earliest, latestEnd: shipment.latest))
    }

    private func admits(vessel: Vessel?) -> Bool {
        guard let wanted = view.vessel else { return true }
        return ViewFilter.vessel(vessel, matches: wanted, resolver)
    }

    /// Whether `vessel` is the one `wanted` names: by IMO number when `wanted` is one
    /// (`8905490`, `IMO 8905490`: the number stays when a ship is renamed) — a vessel
    /// written without a number matches when its name, through the aliases in force, is
    /// one that claims give the ship with that number (``Resolver/vesselNames(imo:)``) —
    /// else by name through the aliases in force.
    static func vessel(_ vessel: Vessel?, matches wanted: String, _ resolver: Resolver) -> Bool {
        if let imo = Vessel.imoNumber(wanted) {
            guard let vessel else { return false }
            if let number = vessel.imo { return number == imo }
            guard let name = vessel.name else { return false }
            return resolver.vesselNames(imo: imo).contains(NameKey(resolver.vessel(name)))
        }
        guard let name = vessel?.name else { return false }
        return NameKey(resolver.vessel(name)) == NameKey(resolver.vessel(wanted))
    }

    /// The valid-time window: what possibly overlaps it, or with `--certainly` what
    /// certainly lies within it.
    private func admits(_ bounds: @autoclosure () -> ValidTime.Bounds) -> Bool {
        guard view.from != nil || view.to != nil else { return true }
        let time = bounds()
        return view.certainly
            ? time.certainlyWithin(from: view.from, to: view.to) : time.possiblyOverlaps(from: view.from, to: view.to)
    }
}
