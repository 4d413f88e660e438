import Foundation
import StrataDomain

/// Memoised resolutions of one view. `@unchecked Sendable`: every access holds `lock`.
final class ResolverCache: @unchecked Sendable {
    private let lock = NSLock()
    private var locations: [Location: (String?, String?)] = [:]
    private var commodities: [String: String] = [:]
    private var placeKeys: [Location: NameKey?] = [:]
    private var vesselNames: [String: Set<NameKey>] = [:]

    /// The names of the vessel with IMO number `imo`, worked out by `make` on first need.
    func vesselNames(imo: String, _ make: () -> Set<NameKey>) -> Set<NameKey> {
        if let known = lock.withLock({ vesselNames[imo] }) { return known }
        let made = make()
        lock.withLock { vesselNames[imo] = made }
        return made
    }

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
