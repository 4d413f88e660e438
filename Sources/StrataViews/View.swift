import StrataDomain
import StrataLog

/// The point of the three time axes a read model answers for, and its filters.
public struct View: Sendable, Equatable {
    /// Only events recorded at or before this time (record-time axis).
    public var asOf: RecordTime?
    /// Only events up to this log position.
    public var atPosition: Position?
    /// Only claims and corrections from reports published at or before this time.
    public var publishedBy: RecordTime?
    /// Valid-time window; `nil` ends are open.
    public var from: Day?
    public var to: Day?
    /// Keep what certainly lies within the window rather than what possibly overlaps it.
    public var certainly = false
    /// Days by which the window judges the ends of valid times qualified `~`, `?` or `%`
    /// wider than written (the query-time padding of product.md); 0: as written.
    public var padding = 0
    public var commodity: String?
    public var place: String?
    public var country: String?
    public var vessel: String?
    public var source: String?
    public var kind: ClaimKind?

    public init() {}

    /// Whether the claims the claim index finds for the commodity and place filters are
    /// all the view needs (``StateStore/state(for:claimsFiltered:)``): a view filtered by
    /// one of them and not by an IMO number, which needs every claim to know the names the
    /// ship goes by (``Resolver/vesselNames(imo:)``).
    public var readsIndexedClaims: Bool {
        (commodity != nil || place != nil) && vessel.flatMap(Vessel.imoNumber) == nil
    }
}
