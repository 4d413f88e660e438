import Foundation
import Testing

@testable import StrataDomain

@Suite("CommodityTaxonomy")
struct CommodityTaxonomyTests {
    let taxonomy = CommodityTaxonomy.bundled

    /// Every commodity the seed report (dailynk-2020-05-minerals) names, and those in its text.
    @Test(arguments: [
        "minerals", "coal", "iron ore", "magnesia clinker", "nitrogenous fertilizer", "ammonia fertilizer",
        "crude oil", "corn", "gold", "anthracite coal", "silver", "copper", "zinc", "other colored minerals",
    ])
    func seedReportCommodityResolves(_ name: String) {
        #expect(taxonomy.commodity(named: name) != nil)
    }

    @Test(arguments: [
        ("maize", "corn"), ("Maize", "corn"), ("anthracite coal", "anthracite"),
        ("colored minerals", "non-ferrous minerals"),
        ("coloured minerals", "non-ferrous minerals"), ("nonferrous minerals", "non-ferrous minerals"),
        ("petrol", "gasoline"), ("iron-ore", "iron ore"), ("IRON ORE", "iron ore"), ("Iron  Ore", "iron ore"),
        ("fertiliser", "fertilizer"), ("fertilizers", "fertilizer"), ("crude", "crude oil"), ("aluminum", "aluminium"),
        ("ammonium sulphate", "ammonium sulfate"), ("nitrogen fertilizer", "nitrogenous fertilizer"),
        ("arms", "weapons"), ("wood", "timber"), ("cereals", "grain"), ("mineral resources", "minerals"),
    ])
    func aliasResolves(_ alias: String, _ canonical: String) {
        #expect(taxonomy.commodity(named: alias)?.name == canonical)
    }

    @Test(arguments: ["plutonium", "", "   ", "coal ore", "minerals!!x"])
    func unknownCommodity(_ name: String) {
        #expect(taxonomy.commodity(named: name) == nil)
        #expect(taxonomy.ancestors(of: name).isEmpty)
        #expect(taxonomy.descendants(of: name).isEmpty)
    }

    @Test(arguments: [
        ("anthracite", "coal"), ("anthracite", "minerals"), ("coal", "minerals"), ("coal", "coal"),
        ("anthracite coal", "Coal"), ("bituminous coal", "coal"),
        ("ammonia fertilizer", "nitrogenous fertilizer"), ("ammonia fertilizer", "fertilizer"),
        ("urea", "fertilizer"), ("nitrogenous fertilizer", "fertilizer"),
        ("iron ore", "ores"), ("iron ore", "minerals"), ("zinc ore", "ores"), ("rare earths", "minerals"),
        ("gold", "precious metals"), ("gold", "minerals"), ("silver", "minerals"), ("precious metals", "minerals"),
        ("magnesia clinker", "minerals"), ("copper", "colored minerals"), ("zinc", "minerals"),
        ("crude oil", "petroleum"), ("diesel", "refined petroleum products"), ("petrol", "petroleum"),
        ("corn", "grain"), ("maize", "food"), ("rice", "grain"), ("wheat", "food"), ("flour", "grain"),
    ])
    func isA(_ name: String, _ ancestor: String) {
        #expect(taxonomy.isA(name, ancestor))
    }

    @Test(arguments: [
        ("coal", "anthracite"), ("minerals", "coal"), ("fertilizer", "minerals"), ("corn", "minerals"),
        ("gold", "coal"), ("crude oil", "minerals"), ("copper", "ores"), ("ammonia fertilizer", "minerals"),
        ("plutonium", "minerals"), ("coal", "plutonium"), ("", ""),
    ])
    func isNotA(_ name: String, _ ancestor: String) {
        #expect(!taxonomy.isA(name, ancestor))
    }

    @Test func unknownNamesAreThemselves() {
        #expect(taxonomy.isA("Plutonium", "plutonium"))
    }

    @Test func ancestorsNearestFirst() {
        #expect(taxonomy.ancestors(of: "anthracite").map(\.name) == ["coal", "minerals"])
        #expect(taxonomy.ancestors(of: "ammonia fertilizer").map(\.name) == ["nitrogenous fertilizer", "fertilizer"])
        #expect(taxonomy.ancestors(of: "maize").map(\.name) == ["grain", "food"])
        #expect(taxonomy.ancestors(of: "minerals").isEmpty)
    }

    @Test func descendantsAllLevels() {
        let fertilizers = Set(taxonomy.descendants(of: "fertilizer").map(\.name))
        #expect(
            fertilizers.isSuperset(of: ["nitrogenous fertilizer", "ammonia fertilizer", "urea", "ammonium sulfate"]))
        #expect(!fertilizers.contains("fertilizer"))
        let minerals = Set(taxonomy.descendants(of: "minerals").map(\.name))
        #expect(
            minerals.isSuperset(of: [
                "ores", "iron ore", "coal", "anthracite", "precious metals", "gold", "silver",
                "magnesia clinker", "non-ferrous minerals", "copper", "zinc",
            ]))
        #expect(minerals.isDisjoint(with: ["fertilizer", "corn", "crude oil"]))
        #expect(taxonomy.descendants(of: "coal").map(\.name).contains("anthracite"))
        #expect(taxonomy.descendants(of: "anthracite").isEmpty)
        #expect(taxonomy.children(of: "nitrogenous fertilizer").map(\.name).contains("ammonia fertilizer"))
        #expect(!taxonomy.children(of: "fertilizer").map(\.name).contains("ammonia fertilizer"))
    }

    @Test func descendantsAgreeWithIsA() {
        for commodity in taxonomy.commodities {
            let below = Set(taxonomy.descendants(of: commodity.name).map(\.name))
            for other in taxonomy.commodities where other != commodity {
                #expect(
                    below.contains(other.name) == taxonomy.isA(other.name, commodity.name), "\(other) / \(commodity)")
            }
        }
    }

    @Test(arguments: [
        ("iron ore", "2601"), ("coal", "2701"), ("anthracite", "270111"), ("gold", "7108"), ("silver", "7106"),
        ("nitrogenous fertilizer", "3102"), ("urea", "310210"), ("fertilizer", "31"), ("crude oil", "2709"),
        ("refined petroleum products", "2710"), ("corn", "1005"), ("rice", "1006"), ("wheat", "1001"),
        ("zinc ore", "2608"), ("lead ore", "2607"), ("copper ore", "2603"), ("molybdenum ore", "2613"),
    ])
    func hsCode(_ name: String, _ code: String) {
        #expect(taxonomy.commodity(named: name)?.hsCode == code)
    }

    @Test func everyParentExistsAndThereAreNoCycles() {
        let names = Set(taxonomy.commodities.map(\.name))
        #expect(names.count == taxonomy.commodities.count)
        for commodity in taxonomy.commodities {
            if let parent = commodity.parent { #expect(names.contains(parent), "\(commodity.name) → \(parent)") }
            let chain = taxonomy.ancestors(of: commodity.name)
            #expect(chain.count < taxonomy.commodities.count)
            #expect(!chain.contains(commodity), "\(commodity.name) is its own ancestor")
            #expect((chain.last ?? commodity).parent == nil, "\(commodity.name)'s chain does not end at a root")
        }
        #expect(taxonomy.roots.map(\.name).contains("minerals"))
        #expect(taxonomy.problems == [])
    }

    @Test func hsCodesAreEvenDigitStrings() {
        for commodity in taxonomy.commodities {
            guard let code = commodity.hsCode else { continue }
            #expect(
                [2, 4, 6].contains(code.count) && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber),
                "\(commodity)")
        }
    }

    /// A code sits inside the code of its nearest ancestor that has one (anthracite 270111
    /// inside coal 2701), except where the taxonomy deliberately groups across HS headings.
    @Test func hsCodesNestInTheirAncestors() {
        let crossHeading: Set<String> = ["lignite"]  // HS 2702, filed under coal (2701)
        for commodity in taxonomy.commodities where !crossHeading.contains(commodity.name) {
            guard let code = commodity.hsCode,
                let ancestor = taxonomy.ancestors(of: commodity.name).first(where: { $0.hsCode != nil }),
                let outer = ancestor.hsCode
            else { continue }
            #expect(code.hasPrefix(outer) && code.count > outer.count, "\(commodity) under \(ancestor)")
        }
    }

    /// Every name and alias finds its own commodity: no key names two commodities.
    @Test func everyNameFindsItsOwnCommodity() {
        for commodity in taxonomy.commodities {
            for name in commodity.allNames {
                #expect(taxonomy.commodity(named: name) == commodity, "\(name) → \(commodity)")
            }
        }
    }

    @Test func problemsAreReported() {
        let bad = CommodityTaxonomy(commodities: [
            Commodity(name: "a", parent: "b"), Commodity(name: "b", parent: "a"),
            Commodity(name: "c", hsCode: "123", parent: "nowhere"), Commodity(name: "d", aliases: ["A"]),
        ])
        let text = bad.problems.joined(separator: "\n")
        #expect(text.contains("commodity a: its parents form a cycle"))
        #expect(text.contains("commodity b: its parents form a cycle"))
        #expect(text.contains("parent \"nowhere\""))
        #expect(text.contains("HS code \"123\""))
        #expect(text.contains("claimed by a, d"))
        #expect(bad.problems.count == 5)
        // Walks stop at the cycle; the ambiguous name finds nothing.
        #expect(bad.ancestors(of: "b").map(\.name) == ["a"])
        #expect(bad.descendants(of: "b").map(\.name) == ["a"])
        #expect(bad.commodity(named: "a") == nil)
    }

    @Test func walksStopAtCycles() {
        let cyclic = CommodityTaxonomy(commodities: [
            Commodity(name: "a", parent: "c"), Commodity(name: "b", parent: "a"), Commodity(name: "c", parent: "b"),
        ])
        #expect(cyclic.ancestors(of: "a").map(\.name) == ["c", "b"])
        #expect(cyclic.descendants(of: "a").map(\.name) == ["b", "c"])
        #expect(cyclic.isA("a", "b"))
        #expect(!cyclic.isA("a", "z"))
    }

    @Test func decodesAndRejectsJSON() throws {
        let json = Data(
            #"{"format": "strata-commodities", "version": 1, "commodities": [{"name": "coal", "hs": "2701"}, {"name": "anthracite", "hs": "270111", "parent": "coal"}]}"#
                .utf8)
        let small = try CommodityTaxonomy(json: json)
        #expect(small.isA("anthracite", "coal"))
        #expect(small.problems.isEmpty)
        let wrongVersion = Data(#"{"format": "strata-commodities", "version": 2, "commodities": []}"#.utf8)
        #expect(throws: DecodingError.self) { try CommodityTaxonomy(json: wrongVersion) }
        #expect(throws: DecodingError.self) { try CommodityTaxonomy(json: Data("{}".utf8)) }
    }
}
