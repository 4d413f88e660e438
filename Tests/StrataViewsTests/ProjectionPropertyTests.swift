import Foundation
import LMDB
import StrataDomain
import StrataLog
import Testing

@testable import StrataViews

/// Seeded random histories — reports, corrections, retractions, links, unlinks, re-gradings
/// and aliases — recorded through the journal with the read models maintained in the same
/// transactions. The stored state must equal a fresh fold of the log at every position,
/// before and after a rebuild and after export and import.
@Suite("Read-model properties")
struct ProjectionPropertyTests {

    // Unknown names in several spellings of one name key: one commodity, one place.
    static let commodities = [
        "coal", "anthracite", "gold", "iron ore", "urea", "crude oil", "unobtainium", "UNOBTAINIUM", "Un-obtainium",
    ]
    static let places = [
        "Nampo", "Dalian", "Huludao", "KP", "CN", "RU", "Nakhodka", "Xyz Harbour", "XYZ harbour", "Xyz-Harbour",
    ]

    /// A random report file with 1–4 claims.
    static func report(_ n: Int, _ rng: inout SplitMix64) -> String {
        let outlet = Int.random(in: 0..<3, using: &rng)
        var text =
            "report: {id: r\(n), outlet: Wire \(outlet), published: 2020-0\(Int.random(in: 1...9, using: &rng))-1\(Int.random(in: 0...9, using: &rng))}\n"
        text +=
            "sources:\n  - {id: s\(n), name: Source \(n), kind: human, reliability: \(["A", "B", "C", "D", "F"].randomElement(using: &rng) ?? "C")}\n"
        text += "claims:\n"
        for c in 0..<Int.random(in: 1...4, using: &rng) {
            let kind = ["shipment", "shipment", "shipment", "total", "policy"].randomElement(using: &rng) ?? "shipment"
            text +=
                "  - id: c\(c)\n    kind: \(kind)\n    source: \(Bool.random(using: &rng) ? "s\(n)" : "Wire \(outlet)")\n"
            text += "    credibility: \(Int.random(in: 1...6, using: &rng))\n"
            let month = Int.random(in: 1...12, using: &rng)
            // A month, an interval into 2020, or an open end (split to the end of its start).
            let end = [
                "", "", "/2020-0\(Int.random(in: 1...9, using: &rng))", "/..",
            ][Int.random(in: 0...3, using: &rng)]
            text += "    when: 2019-\(month < 10 ? "0" : "")\(month)\(end)\n"
            if kind != "policy" {
                text += "    commodity: \(commodities.randomElement(using: &rng) ?? "coal")\n"
                text +=
                    "    from: \(places.randomElement(using: &rng) ?? "KP")\n    to: \(places.randomElement(using: &rng) ?? "CN")\n"
                if Bool.random(using: &rng) {
                    text +=
                        "    quantity: {value: \(Int.random(in: 1...5000, using: &rng)), unit: t, qualifier: \(["exact", "about", "at_least", "up_to"].randomElement(using: &rng) ?? "exact")}\n"
                }
            }
        }
        return text
    }

    /// Changes to the volume cells between snapshots in the histories: a few, so views read
    /// through snapshots. Part of the stored form, which verify compares with a rebuild's:
    /// every store that writes or verifies a history's read models takes the same.
    static let snapshotEvery = 5

    /// A store of a history's read models (see ``snapshotEvery``).
    static func store(_ log: EventLog, batch: Int = 10_000) -> StateStore {
        StateStore(log: log, batch: batch, volumeSnapshotEvery: snapshotEvery)
    }

    /// Records a random history and returns the journal.
    static func history(seed: UInt64, steps: Int, in dir: String) throws -> Journal {
        var rng = SplitMix64(seed: seed)
        let log = try EventLog(path: dir, options: StateStore.logOptions)
        let store = Self.store(log)
        let journal = store.recordingJournal()
        var claims: [ClaimID] = []
        var reports = 0
        for _ in 0..<steps {
            let ref = { (c: ClaimID) in ReportDocument.ClaimReference(text: c.description, line: 0, field: "") }
            switch Int.random(in: 0..<10, using: &rng) {
            case _ where claims.count < 2, 0..<4:
                let doc = try ReportDecoder().decode(Array(report(reports, &rng).utf8), json: false)
                _ = try journal.append(doc, by: "t")
                claims += doc.claims.map(\.id)
                reports += 1
            case 4:
                let c = claims.randomElement(using: &rng)!
                let q = Payload.object([
                    "value": .double(Double(Int.random(in: 1...9000, using: &rng))), "qualifier": .string("exact"),
                    "unit": .string("t"),
                ])
                let kind = try journal.claim(c)?.fields.kind
                guard kind == .shipment || kind == .total, try journal.claim(c)?.retracted == false else { continue }
                // Some corrections move the claim to another commodity or origin.
                var set = [Payload.Field("quantity", q)]
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    set.append(Payload.Field("commodity", .string(commodities.randomElement(using: &rng)!)))
                }
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    let place = places.randomElement(using: &rng)!
                    set.append(Payload.Field("from", .array([.object(["place": .string(place), "country": .null])])))
                }
                _ = try journal.apply(
                    .correct(ref(c), set: set, setLines: [:], reason: "r"), citing: nil, recordedAt: nil, by: "t")
            case 5:
                let c = claims.randomElement(using: &rng)!
                guard try journal.claim(c)?.retracted == false else { continue }
                _ = try journal.apply(.retract(ref(c), reason: "r"), citing: nil, recordedAt: nil, by: "t")
            case 6:
                let a = claims.randomElement(using: &rng)!
                let b = claims.randomElement(using: &rng)!
                let relation = Relation.allCases.randomElement(using: &rng)!
                guard a != b, try journal.activeLinks(a, b).isEmpty else { continue }
                // Links the journal takes: between live claims, of kinds that fit the
                // relation. (Later corrections and retractions still leave links between
                // claims of other kinds, or retracted ones, for the read models to handle.)
                guard let x = try journal.claim(a), let y = try journal.claim(b), !x.retracted, !y.retracted else {
                    continue
                }
                if relation == .sameShipment, x.fields.kind != .shipment || y.fields.kind != .shipment { continue }
                if relation == .partOf, y.fields.kind != .total { continue }
                _ = try journal.apply(
                    .link(ref(a), ref(b), relation, reason: nil), citing: nil, recordedAt: nil, by: "t")
            case 7:
                let a = claims.randomElement(using: &rng)!
                let b = claims.randomElement(using: &rng)!
                guard a != b, let link = try journal.activeLinks(a, b).first else { continue }
                _ = try journal.unlink(
                    link.claim, link.other, relation: link.relation, reason: nil, recordedAt: nil, by: "t")
            case 8:
                let s = SourceID("s\(Int.random(in: 0..<max(1, reports), using: &rng))")!
                let grade = Reliability.allCases.randomElement(using: &rng)!
                // `strata rate` refuses the grade a source has already.
                guard try journal.source(s)?.current != grade else { continue }
                _ = try journal.rate(s, grade, reason: "r", recordedAt: nil, by: "t")
            default:
                if Bool.random(using: &rng) {
                    if try journal.aliasTarget(.commodity, "Unobtainium") == nil {
                        _ = try journal.alias(
                            .commodity, "Unobtainium", as: "anthracite", reason: nil, recordedAt: nil, by: "t")
                    } else {
                        _ = try journal.unalias(.commodity, "unobtainium", reason: nil, recordedAt: nil, by: "t")
                    }
                } else if try journal.aliasTarget(.place, "Xyz Harbour") == nil {
                    _ = try journal.alias(.place, "Xyz Harbour", as: "Nampo", reason: nil, recordedAt: nil, by: "t")
                } else {
                    _ = try journal.unalias(.place, "Xyz Harbour", reason: nil, recordedAt: nil, by: "t")
                }
            }
        }
        return journal
    }

    private func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = NSTemporaryDirectory() + "strata-views-props-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    private func expectStoreEqualsFold(_ log: EventLog, positions: [Position]) throws {
        let store = StateStore(log: log)
        for p in positions {
            var view = View()
            view.atPosition = p
            let (folded, _) = try JournalState.fold(log, view: view)
            let stored = try store.state(at: p)
            #expect(stored.claims == folded.claims, "claims at \(p)")
            #expect(stored.links == folded.links, "links at \(p)")
            #expect(stored.grades == folded.grades, "grades at \(p)")
            #expect(stored.aliases == folded.aliases, "aliases at \(p)")
            #expect(stored.reports == folded.reports, "reports at \(p)")
            #expect(stored.sources == folded.sources, "sources at \(p)")
            // The stored volume cells, and the volumes answered from them, equal a fresh
            // computation from the folded claims at every granularity.
            let resolver = Resolver(state: folded)
            #expect(
                try store.volumeCells(at: p) == Volumes.monthlyCells(state: folded, resolver: resolver),
                "volume cells at \(p)")
            for g in Granularity.allCases {
                let fromCells = try #require(try store.volumes(for: view, by: g))
                let fromFold = Volumes(state: folded, view: view, point: fromCells.view, resolver: resolver, by: g)
                #expect(fromCells.rows == fromFold.rows, "volumes by \(g) at \(p)")
            }
        }
    }

    @Test(
        "incremental read models equal a fresh fold at every position, and a rebuild",
        arguments: [1, 2, 3, 4] as [UInt64])
    func incrementalEqualsFold(seed: UInt64) throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: seed, steps: 60, in: dir + "/j")
            let log = journal.log
            let head = try log.head().lastPosition
            #expect(head.rawValue > 30)
            let all = (0...head.rawValue).map { Position($0) }
            try expectStoreEqualsFold(log, positions: all)
            // The history snapshots the volume cells every 5 changes, and the count of
            // changes since the last snapshot, kept from command to command, is the number
            // of logged changes after it.
            try log.environment.read { tx in
                let volumes = try StateStore(log: log).active(tx).volumes
                func position(_ key: UnsafeRawBufferPointer) -> UInt64 {
                    UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                }
                let lastSnapshot = try #require(
                    try tx.withCursor(volumes.snapshots) { c in
                        try c.last().map { e in e.key.withUnsafeBytes(position) }
                    })
                var after = 0
                try tx.withCursor(volumes.log) { c in
                    try c.scan { k, _ in
                        if position(k) > lastSnapshot { after += 1 }
                        return true
                    }
                }
                #expect(try volumes.changesSinceSnapshot(tx) == after)
            }
            let before = try StateStore(log: log).state(at: head)
            try StateStore(log: log).rebuild()
            #expect(try StateStore(log: log).state(at: head) == before)
            #expect(try StateStore(log: log).problems().isEmpty)
        }
    }

    @Test("a claim id asserted again (as an imported log can hold) is read from its last assertion at every position")
    func assertedTwice() throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: 11, steps: 12, in: dir + "/j")
            let log = journal.log
            let store = Self.store(log)
            let first = try #require(
                try store.state(at: try log.head().lastPosition).claims.values.min { $0.position < $1.position })
            var fields = first.fields
            fields.kind = .shipment
            fields.commodity = "Testium"
            fields.from = [Location(place: "Nowhere Bay", country: nil)]
            let again = ClaimAsserted(claim: first.id, fields: fields)
            try log.append([StreamAppend(stream: Streams.claim(first.id), events: [again.proposed()])], recordedBy: "t")
            try store.catchUp()
            let head = try log.head().lastPosition
            try expectStoreEqualsFold(log, positions: (0...head.rawValue).map { Position($0) })
            #expect(try store.problems().isEmpty)
            // The index finds it under its new names only, from the second assertion on.
            var view = View()
            view.commodity = "Testium"
            view.place = "Nowhere Bay"
            view.atPosition = head
            #expect(try store.state(at: head, filter: view).claims.keys.sorted() == [first.id])
            view.atPosition = Position(head.rawValue - 1)
            #expect(try store.state(at: Position(head.rawValue - 1), filter: view).claims.isEmpty)
            if let commodity = first.fields.commodity {
                view.commodity = commodity
                view.place = nil
                #expect(try !store.state(at: head, filter: view).claims.keys.contains(first.id))
                #expect(try store.state(at: Position(head.rawValue - 1), filter: view).claims.keys.contains(first.id))
            }
        }
    }

    @Test(
        "a timeline filtered by commodity and place, read through the claim index, equals one over a fold",
        arguments: [5, 6, 7] as [UInt64])
    func indexedTimelineEqualsFold(seed: UInt64) throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: seed, steps: 70, in: dir + "/j")
            let log = journal.log
            let store = StateStore(log: log)
            let head = try log.head().lastPosition
            let filters: [(String?, String?)] = [
                ("coal", nil), ("anthracite", nil), ("Unobtainium", nil), ("crude oil", nil), (nil, "Nampo"),
                (nil, "Xyz Harbour"), (nil, "dalian"), ("coal", "Nampo"), ("gold", "Huludao"), ("iron ore", "KP"),
            ]
            var rowsSeen = 0
            for p in stride(from: UInt64(0), through: head.rawValue, by: 3).map({ Position($0) }) + [head] {
                for (commodity, place) in filters {
                    var view = View()
                    view.atPosition = p
                    view.commodity = commodity
                    view.place = place
                    let (folded, point) = try JournalState.fold(log, view: view)
                    let (indexed, indexedPoint) = try store.state(for: view, claimsFiltered: true)
                    #expect(indexedPoint == point)
                    let expected = Timeline(state: folded, view: view, point: point, resolver: Resolver(state: folded))
                    let got = Timeline(state: indexed, view: view, point: point, resolver: Resolver(state: indexed))
                    #expect(got.rows == expected.rows, "\(commodity ?? "-") \(place ?? "-") at \(p)")
                    rowsSeen += expected.rows.count
                    // The index reads fewer claims than there are, when the filter is narrow.
                    #expect(indexed.claims.count <= folded.claims.count)
                }
            }
            #expect(rowsSeen > 100, "the filters find claims")
        }
    }

    @Test("stored volumes follow re-gradings, aliases, links and retractions as a fold does")
    func storedVolumesFollowEveryKindOfChange() throws {
        try withDirectory { dir in
            let log = try EventLog(path: dir + "/j", options: StateStore.logOptions)
            let store = StateStore(log: log)
            let journal = store.recordingJournal()
            let yaml = """
                report: {id: r1, outlet: Wire, published: 2020-01-01}
                sources: [{id: s1, name: S1, kind: human, reliability: A}, {id: s2, name: S2, kind: human, reliability: E}]
                claims:
                  - {id: a, kind: shipment, source: s1, credibility: 2, commodity: coal, from: Nampo, to: Xyz Harbour, when: 2019-05, quantity: {value: 100, unit: t}}
                  - {id: b, kind: shipment, source: s2, credibility: 2, commodity: Unobtainium, from: Nampo, to: Dalian, when: 2019-05/2019-07, quantity: {value: 700, unit: t}}
                  - {id: c, kind: shipment, source: s2, credibility: 2, commodity: coal, from: KP, to: CN, when: '2019', quantity: {value: 365, unit: t}}
                """
            let doc = try ReportDecoder().decode(Array(yaml.utf8), json: false)
            _ = try journal.append(doc, by: "t")
            let (a, b, c) = (doc.claims[0].id, doc.claims[1].id, doc.claims[2].id)
            let ref = { (id: ClaimID) in ReportDocument.ClaimReference(text: id.description, line: 0, field: "") }
            var answers: [String] = []
            func check(_ what: String) throws {
                let head = try log.head().lastPosition
                var view = View()
                view.atPosition = head
                let (folded, point) = try JournalState.fold(log, view: view)
                let stored = try #require(try store.volumes(for: view, by: .month))
                let fresh = Volumes(
                    state: folded, view: view, point: point, resolver: Resolver(state: folded), by: .month)
                #expect(stored.rows == fresh.rows, "after \(what)")
                answers.append(stored.rows.map { $0.payload.json }.joined())
            }
            try check("the report")
            _ = try journal.apply(
                .link(ref(a), ref(b), .sameShipment, reason: nil), citing: nil, recordedAt: nil, by: "t")
            try check("a same-shipment link")  // one shipment: best from a (A2)
            _ = try journal.rate(SourceID("s1")!, .e, reason: "r", recordedAt: nil, by: "t")
            _ = try journal.rate(SourceID("s2")!, .a, reason: "r", recordedAt: nil, by: "t")
            try check("re-gradings")  // now best from b (700 t over three months)
            _ = try journal.alias(.place, "Xyz Harbour", as: "Dalian", reason: nil, recordedAt: nil, by: "t")
            _ = try journal.alias(.commodity, "Unobtainium", as: "anthracite", reason: nil, recordedAt: nil, by: "t")
            try check("aliases")  // the shipment is anthracite now
            _ = try journal.unalias(.commodity, "Unobtainium", reason: nil, recordedAt: nil, by: "t")
            try check("an unalias")
            _ = try journal.apply(
                .link(ref(b), ref(c), .sameShipment, reason: nil), citing: nil, recordedAt: nil, by: "t")
            try check("a second link")  // one shipment of three claims, spanning 2019
            _ = try journal.rate(SourceID("s1")!, .a, reason: "r", recordedAt: nil, by: "t")
            _ = try journal.rate(SourceID("s2")!, .e, reason: "r", recordedAt: nil, by: "t")
            try check("more re-gradings")  // best from a again
            _ = try journal.apply(.retract(ref(b), reason: "r"), citing: nil, recordedAt: nil, by: "t")
            try check("retracting the claim in the middle")  // a and c are two shipments again
            for i in answers.indices.dropFirst() { #expect(answers[i] != answers[i - 1], "step \(i) changed nothing") }
            // And every position in between, against a fold.
            try expectStoreEqualsFold(log, positions: (0...(try log.head().lastPosition.rawValue)).map { Position($0) })
        }
    }

    @Test("the claim index of the old layout is deleted by the rebuild that switches generations, not at open")
    func obsoleteIndexIsDeletedByTheRebuild() throws {
        try withDirectory { dir in
            let path = dir + "/j"
            do {
                // A journal with the old layout's index databases, holding rows.
                let old = try Environment(path: path, databases: StateStore.obsoleteDatabases)
                try old.write { tx in
                    for name in StateStore.obsoleteDatabases { try tx.put(old.database(name), key: [1], value: [1]) }
                }
            }
            func rows() throws -> [Int] {
                let env = try Environment(path: path, databases: StateStore.obsoleteDatabases)
                return try env.read { tx in
                    try StateStore.obsoleteDatabases.map { try tx.stat(env.database($0)).entries }
                }
            }
            _ = try Self.history(seed: 3, steps: 10, in: path)
            #expect(try rows() == [1, 1], "opening and appending leave them for an old binary")
            do {
                // Closed before the databases are looked at again (one environment open
                // per process at a time).
                let log = try EventLog(path: path, options: StateStore.logOptions)
                try StateStore(log: log).rebuild()
            }
            #expect(try rows() == [0, 0], "the rebuild deleted them (opened again, they are new and empty)")
        }
    }

    @Test("verify finds any stored row that differs from a rebuild of the log, and names its table")
    func damagedStateIsFound() throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: 8, steps: 40, in: dir + "/j")
            let log = journal.log
            let store = Self.store(log)
            let head = try log.head().lastPosition
            #expect(try store.problems().isEmpty)
            // Exactly one problem, naming the table.
            func found(_ kind: String) throws -> Bool {
                let problems = try store.problems()
                return problems.count == 1
                    && ["a", "b"].contains { problems[0].contains("table view_\($0)_\(kind) differs from a rebuild") }
            }
            let (folded, _) = try JournalState.fold(log, view: View())
            // The first such claim in record order (not in the dictionary's order, which
            // changes from run to run), and one the last event did not change: a second
            // row at the position of the claim's own would not override it.
            let claim = try #require(
                folded.claims.values.filter { !$0.retracted && $0.fields.commodity != nil && $0.changed < head }
                    .min { $0.position < $1.position })
            // An index row that says the claim no longer names its commodity.
            try log.environment.write { tx in
                let name = [ClaimIndex.Kind.commodity.rawValue] + Array(NameKey(claim.fields.commodity!).rawValue.utf8)
                try store.active(tx).index.set(tx, name: name, member: claim.position, present: false, at: head)
            }
            #expect(try found("claim_index"))
            try store.rebuild()
            #expect(try store.problems().isEmpty)
            // A claim row that says it was retracted.
            var retracted = claim
            retracted.retracted = true
            try log.environment.write { tx in
                try store.active(tx).claims.put(
                    tx, entity: claim.position.key, at: head, value: StateCodec.claim(retracted))
            }
            #expect(try found("claim_changes"))
            try store.rebuild()
            // A claim position that points elsewhere.
            try log.environment.write { tx in
                _ = try tx.put(
                    store.active(tx).claimPositions, key: Array(claim.id.description.utf8), value: Position(1).key)
            }
            #expect(try found("claim_positions"))
            try store.rebuild()
            // ... or past the log's end (a high byte changed: it passed for an assertion made
            // after the fold).
            try log.environment.write { tx in
                _ = try tx.put(
                    store.active(tx).claimPositions, key: Array(claim.id.description.utf8),
                    value: Position(claim.position.rawValue | 1 << 56).key)
            }
            #expect(try found("claim_positions"))
            try store.rebuild()
            // A volume-log row past the checkpoint (its position's high byte changed).
            try log.environment.write { tx in
                try tx.put(store.active(tx).volumes.log, key: Position(1 << 56).key + Array("coal".utf8), value: [0])
            }
            #expect(try found("volume_log"))
            try store.rebuild()
            // A current volume cell (the one appends add to) that lost a shipment.
            try log.environment.write { tx in
                let current = try store.active(tx).volumes.current
                var first: ([UInt8], [UInt8])? = nil
                try tx.withCursor(current) { c in
                    try c.scan { k, v in
                        guard k.count > 1 else { return true }  // the change counter
                        first = (Array(k), Array(v))
                        return false
                    }
                }
                let (key, value) = try #require(first)
                let cell = try #require(VolumeCell(encoded: value))
                var one = VolumeCell()
                one.count(.month, unquantified: false)
                try tx.put(current, key: key, value: (cell - one).encoded)
            }
            #expect(try found("volumes"))
            try store.rebuild()
            // A claim as asserted, where a later version of it stands from a correction or
            // retraction on: only a view as of a moment before that reads it (verify once
            // compared four positions and missed such a row).
            try log.environment.write { tx in
                let claims = try store.active(tx).claims
                let changed = try #require(try tx.withCursor(claims.changes.database) { try $0.first() })
                let entity = Array(changed.key.prefix(8))  // the position of the claim's assertion
                let key = VersionedTable.key(entity, try #require(entity.withUnsafeBytes { Position(key: $0) }))
                var asserted = try StateCodec.claim(try #require(try tx.value(claims.asserted.database, key: key)))
                asserted.retracted.toggle()
                try tx.put(claims.asserted.database, key: key, value: StateCodec.claim(asserted))
            }
            #expect(try found("claims"))
            try store.rebuild()
            // A volume-log row at a snapshot's position: the snapshot already holds its
            // change, so no view reads the row, but it is not what the log gives.
            try log.environment.write { tx in
                let volumes = try store.active(tx).volumes
                var snapshots = Set<[UInt8]>()
                try tx.withCursor(volumes.snapshots) { c in
                    try c.scan { k, _ in
                        if k.count == 8 { snapshots.insert(Array(k)) }
                        return true
                    }
                }
                var row: ([UInt8], [UInt8])? = nil
                try tx.withCursor(volumes.log) { c in
                    try c.scan { k, v in
                        guard snapshots.contains(Array(k.prefix(8))) else { return true }
                        row = (Array(k), Array(v))
                        return false
                    }
                }
                let (key, value) = try #require(row)
                var change = try #require(VolumeCell(encoded: value))
                change.count(.month, unquantified: false)
                try tx.put(volumes.log, key: key, value: change.encoded)
            }
            #expect(try found("volume_log"))
            try store.rebuild()
            #expect(try store.problems().isEmpty)
        }
    }

    @Test("a damaged name of the active generation is damage (LogError.corrupted), not a crash, for views and verify")
    func unknownActiveGeneration() throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: 12, steps: 10, in: dir + "/j")
            let store = Self.store(journal.log)
            try journal.log.environment.write { tx in
                try tx.put(store.meta, key: StateStore.activeKey, value: Array("c".utf8))
            }
            func corrupted(_ body: () throws -> Void) -> Bool {
                do {
                    try body()
                    return false
                } catch LogError.corrupted {
                    return true
                } catch {
                    return false
                }
            }
            #expect(corrupted { _ = try store.state(at: try journal.log.head().lastPosition) })
            #expect(corrupted { _ = try store.problems() })
        }
    }

    @Test("after export and import, the read models give the same answers")
    func exportImport() throws {
        try withDirectory { dir in
            let journal = try Self.history(seed: 9, steps: 50, in: dir + "/j")
            try journal.log.export(to: OutputFile(path: dir + "/e.ndjson"))
            let copy = try EventLog(path: dir + "/copy", options: StateStore.logOptions)
            _ = try copy.importNDJSON(from: try #require(LineReader(path: dir + "/e.ndjson")))
            try StateStore(log: copy).catchUp()
            // Imported with the read models written in its transactions (as `strata import`
            // does), a few events each: they are current with no catch-up.
            let projected = try EventLog(path: dir + "/projected", options: StateStore.logOptions)
            let result = try projected.importNDJSON(
                from: try #require(LineReader(path: dir + "/e.ndjson")), batchSize: 5,
                projection: StateStore(log: projected).importProjection())
            #expect(result.transactions > 5)
            let head = try journal.log.head().lastPosition
            #expect(try StateStore(log: projected).status()?.position == head)
            for p in stride(from: 0, through: head.rawValue, by: 7).map({ Position($0) }) + [head] {
                let original = try StateStore(log: journal.log).state(at: p)
                #expect(try StateStore(log: copy).state(at: p) == original)
                #expect(try StateStore(log: projected).state(at: p) == original, "at \(p)")
            }
        }
    }
}

@Suite("Read-model catch-up and rebuild")
struct CatchUpTests {
    @Test("catching up and rebuilding in many small transactions give the state a fold gives")
    func batches() throws {
        let dir = NSTemporaryDirectory() + "strata-views-batches-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try ProjectionPropertyTests.history(seed: 21, steps: 40, in: dir + "/j")
        let head = try journal.log.head().lastPosition
        try journal.log.export(to: OutputFile(path: dir + "/e.ndjson"))
        // An import without a projection writes no read-model rows; catching up 7 events a
        // transaction does.
        let copy = try EventLog(path: dir + "/copy", options: StateStore.logOptions)
        _ = try copy.importNDJSON(from: try #require(LineReader(path: dir + "/e.ndjson")))
        let small = StateStore(log: copy, batch: 7)
        #expect(try small.status() == nil)
        let read = try small.catchUp()
        #expect(read == Int(head.rawValue))
        #expect(try small.status()?.position == head)
        var view = View()
        view.atPosition = head
        let (folded, _) = try JournalState.fold(copy, view: view)
        #expect(try small.state(at: head) == folded)
        // A rebuild fills the other generation and switches to it; the answer is the same.
        let generationBefore = try copy.environment.read { try small.active($0).generation }
        #expect(try small.rebuild() == Int(head.rawValue))
        let generationAfter = try copy.environment.read { try small.active($0).generation }
        #expect(generationBefore != generationAfter)
        // The old generation is emptied in the switch, and has no checkpoint left.
        try copy.environment.read { tx in
            let old = small.other(try small.active(tx))
            #expect(old.generation == generationBefore)
            for d in old.databases { #expect(try tx.stat(d).entries == 0, "\(d.name)") }
            #expect(try small.checkpoint(tx, old) == nil)
            #expect(try tx.stat(small.active(tx).claims.asserted.database).entries > 0)
        }
        #expect(try small.state(at: head) == folded)
        #expect(try small.problems().isEmpty)
        #expect(try small.catchUp() == 0)
    }
}

extension ProjectionPropertyTests {
    /// The writer keeps names, neighbours, claim positions and the volume change count
    /// in memory across the events of a transaction: commands of many mixed events
    /// (links and unlinks, corrections, claims asserted again, retractions, re-gradings,
    /// aliases), folded several commands a transaction, must still give a fold's state.
    @Test(
        "many kinds of events in one transaction give the state a fold gives",
        arguments: Array(UInt64(100)..<UInt64(108)))
    func mixedTransactions(seed: UInt64) throws {
        try withDirectory { dir in
            var rng = SplitMix64(seed: seed)
            let journal = try Self.history(seed: seed, steps: 30, in: dir + "/j")
            let log = journal.log
            let store = Self.store(log)
            for round in 0..<12 {
                let state = try store.state(at: try log.head().lastPosition)
                let ids = Array(state.claims.keys).sorted { $0.description < $1.description }
                guard ids.count >= 3 else { return }
                var events: [ProposedEvent] = []
                for _ in 0..<Int.random(in: 4...20, using: &rng) {
                    let a = ids.randomElement(using: &rng)!
                    let b = ids.randomElement(using: &rng)!
                    switch Int.random(in: 0..<9, using: &rng) {
                    case 0, 1:
                        events.append(ClaimsLinked(claim: a, other: b, relation: .sameShipment, reason: nil).proposed())
                    case 2, 3:
                        events.append(
                            ClaimsUnlinked(claim: a, other: b, relation: .sameShipment, reason: nil).proposed())
                    case 4:
                        let q = Payload.object([
                            "value": .double(Double(Int.random(in: 1...9000, using: &rng))),
                            "qualifier": .string("exact"), "unit": .string("t"),
                        ])
                        var set = [Payload.Field("quantity", q)]
                        if Bool.random(using: &rng) {
                            set.append(
                                Payload.Field("commodity", .string(Self.commodities.randomElement(using: &rng)!)))
                        }
                        if Bool.random(using: &rng) {
                            set.append(
                                Payload.Field(
                                    "from",
                                    .array([
                                        .object([
                                            "place": .string(Self.places.randomElement(using: &rng)!), "country": .null,
                                        ])
                                    ])))
                        }
                        events.append(ClaimCorrected(claim: a, set: set, reason: "r", report: nil).proposed())
                    case 5:
                        var fields = state.claims[a]!.fields
                        fields.kind = [.shipment, .total].randomElement(using: &rng)!
                        fields.commodity = Self.commodities.randomElement(using: &rng)!
                        fields.from = [Location(place: Self.places.randomElement(using: &rng)!, country: nil)]
                        if Bool.random(using: &rng) { fields.source = state.claims[b]!.fields.source }
                        events.append(ClaimAsserted(claim: a, fields: fields).proposed())
                    case 6: events.append(ClaimRetracted(claim: a, reason: "r", report: nil).proposed())
                    case 7:
                        events.append(
                            SourceRated(
                                source: state.claims[a]!.fields.source,
                                reliability: Reliability.allCases.randomElement(using: &rng)!, reason: "r"
                            ).proposed())
                    default:
                        if Bool.random(using: &rng) {
                            events.append(
                                EntityAliased(
                                    kind: .commodity, name: "Unobtainium", canonical: "anthracite", reason: nil
                                ).proposed())
                        } else {
                            events.append(EntityUnaliased(kind: .place, name: "Xyz Harbour", reason: nil).proposed())
                            events.append(
                                EntityAliased(kind: .place, name: "Dalian", canonical: "Nampo", reason: nil).proposed())
                        }
                    }
                }
                // One command, each event in the stream its payload names (verify checks that).
                let parts = try events.map { e in
                    StreamAppend(
                        stream: try #require(try DomainEvents.references(type: e.type, payload: e.payload)).stream,
                        events: [e])
                }
                _ = round
                try log.append(parts, recordedBy: "t")
                if Bool.random(using: &rng) { try store.catchUp() }
            }
            try store.catchUp()
            let head = try log.head().lastPosition
            // Every fourth position (each fold starts from the beginning) and the head.
            let positions = stride(from: UInt64(0), through: head.rawValue, by: 4).map { Position($0) } + [head]
            try expectStoreEqualsFold(log, positions: positions)
            #expect(try store.problems().isEmpty)
            try store.rebuild()
            try expectStoreEqualsFold(log, positions: positions)
            #expect(try store.problems().isEmpty)
        }
    }
}
