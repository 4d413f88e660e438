import LMDB

/// One generation of the stored read-model state: a versioned table per kind of entity
/// and its checkpoint. There are two generations, `a` and `b`: queries and appends use the
/// active one while a rebuild fills the other, which then becomes active in one commit.
struct StateTables {
    let generation: String
    let claims: VersionedTable
    let reports: VersionedTable
    let sources: VersionedTable
    let links: VersionedTable
    let aliases: VersionedTable

    static let kinds = ["claims", "reports", "sources", "links", "aliases"]
    static let generations = ["a", "b"]

    static func databaseName(_ generation: String, _ kind: String) -> String { "view_\(generation)_\(kind)" }

    init(environment env: Environment, generation: String) {
        self.generation = generation
        func table(_ kind: String) -> VersionedTable {
            VersionedTable(database: env.database(StateTables.databaseName(generation, kind)))
        }
        claims = table("claims")
        reports = table("reports")
        sources = table("sources")
        links = table("links")
        aliases = table("aliases")
    }

    var all: [VersionedTable] { [claims, reports, sources, links, aliases] }

    /// The meta key of this generation's checkpoint.
    var checkpointKey: [UInt8] { Array("checkpoint_\(generation)".utf8) }
}
