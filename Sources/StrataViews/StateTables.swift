import LMDB
import StrataDomain
import StrataLog

/// One generation of the stored read-model state: a versioned table per kind of entity
/// and its checkpoint. There are two generations, `a` and `b`: queries and appends use the
/// active one while a rebuild fills the other, which then becomes active in one commit.
struct StateTables {
    let generation: String
    /// A version of each claim per change, keyed by the position of its assertion.
    let claims: ClaimVersions
    /// Claim id → the position of its assertion (8 bytes, big-endian): the claim's key in
    /// `claims` and the claim index. Not versioned: a view reads claims by key, and an
    /// id names one assertion (asserted again, the id moves to the new one).
    let claimPositions: Database
    let reports: VersionedTable
    let sources: VersionedTable
    let links: VersionedTable
    let aliases: VersionedTable
    /// Which claims name a commodity or place (see ``ClaimIndex``), versioned like the rest.
    let index: VersionedMembers
    /// The claims linked `same-shipment` to each claim (see ``ClaimIndex``).
    let adjacency: VersionedTable
    /// Every commodity and place name the index has rows for, as first written.
    let names: Database
    /// The volumes read model: a ``VolumeCell`` per commodity × route × month.
    let volumes: VolumeStore

    /// The claim index's database: a set database (``VersionedMembers``).
    static let indexKind = "claim_index"
    static let kinds = [
        "claims", "claim_changes", "claim_positions", "reports", "sources", "links", "aliases", indexKind, "adjacency",
        "names", "volumes",
        "volume_log", "volume_snapshots",
    ]
    static let generations = ["a", "b"]

    static func databaseName(_ generation: String, _ kind: String) -> String { "view_\(generation)_\(kind)" }

    init(environment env: Environment, generation: String, snapshotEvery: Int = VolumeStore.defaultSnapshotEvery) {
        self.generation = generation
        func table(_ kind: String) -> VersionedTable {
            VersionedTable(database: env.database(StateTables.databaseName(generation, kind)))
        }
        claims = ClaimVersions(asserted: table("claims"), changes: table("claim_changes"))
        claimPositions = env.database(StateTables.databaseName(generation, "claim_positions"))
        reports = table("reports")
        sources = table("sources")
        links = table("links")
        aliases = table("aliases")
        index = VersionedMembers(database: env.database(StateTables.databaseName(generation, StateTables.indexKind)))
        adjacency = table("adjacency")
        names = env.database(StateTables.databaseName(generation, "names"))
        volumes = VolumeStore(
            current: env.database(StateTables.databaseName(generation, "volumes")),
            log: env.database(StateTables.databaseName(generation, "volume_log")),
            snapshots: env.database(StateTables.databaseName(generation, "volume_snapshots")),
            snapshotEvery: snapshotEvery)
    }

    var claimIndex: ClaimIndex { ClaimIndex(rows: index, names: names, adjacency: adjacency) }

    /// The aliases in force at `position`, by kind and name key.
    func aliases(_ tx: Transaction, at position: Position) throws -> [EntityKind: [NameKey: String]] {
        var out: [EntityKind: [NameKey: String]] = [:]
        try aliases.scan(tx, at: position) { k, v in
            if let (kind, key) = StateCodec.alias(k) {
                out[kind, default: [:]][key] = String(decoding: v, as: UTF8.self)
            }
        }
        return out
    }

    /// Every database of the generation.
    var databases: [Database] {
        claims.databases + [reports, sources, links, aliases, adjacency].map(\.database)
            + [index.database, claimPositions, names, volumes.current, volumes.log, volumes.snapshots]
    }

    /// The meta key of this generation's checkpoint.
    var checkpointKey: [UInt8] { Array("checkpoint_\(generation)".utf8) }
}
