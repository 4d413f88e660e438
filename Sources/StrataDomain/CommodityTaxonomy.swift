import Foundation

/// The commodity taxonomy: commodities with HS codes and parents (anthracite ⊂ coal ⊂
/// minerals; ammonia fertilizer ⊂ nitrogenous fertilizer ⊂ fertilizer), looked up by name
/// or alias under ``NameKey`` folding.
///
/// The bundled data is `Resources/commodities.json`; use ``bundled``.
public struct CommodityTaxonomy: Sendable, CustomStringConvertible {
    /// Every commodity, in resource order (each parent before its children in the bundled data).
    public let commodities: [Commodity]
    /// Inconsistencies found when the taxonomy was built: names claimed by two entries,
    /// parents that are not canonical names, cycles, malformed HS codes. Empty for good
    /// data; the bundled data must have none.
    public let problems: [String]

    private let index: NameIndex
    private let parentOf: [Int?]
    private let childrenOf: [[Int]]

    /// A taxonomy of these commodities. Inconsistencies do not stop it; they are listed in
    /// ``problems``, an ambiguous name finds nothing, and walks stop at a cycle.
    public init(commodities: [Commodity]) {
        self.commodities = commodities
        var index = NameIndex()
        var canonical: [String: Int] = [:]
        for (i, commodity) in commodities.enumerated() {
            commodity.allNames.forEach { index.insert($0, for: i) }
            if canonical[commodity.name] == nil { canonical[commodity.name] = i }
        }
        var problems: [String] = []
        var parentOf: [Int?] = []
        var childrenOf: [[Int]] = Array(repeating: [], count: commodities.count)
        for (i, commodity) in commodities.enumerated() {
            var parent: Int?
            if let name = commodity.parent {
                parent = canonical[name]
                if parent == nil {
                    problems.append(
                        "commodity \(commodity.name): parent \"\(name)\" is not the canonical name of a commodity")
                }
            }
            if let parent { childrenOf[parent].append(i) }
            parentOf.append(parent)
            if let hs = commodity.hsCode, !Commodity.isWellFormedHSCode(hs) {
                problems.append("commodity \(commodity.name): HS code \"\(hs)\" is not 2, 4 or 6 digits")
            }
        }
        for i in commodities.indices {
            var seen: Set<Int> = [i]
            var current = parentOf[i]
            while let p = current {
                guard seen.insert(p).inserted else {
                    problems.append("commodity \(commodities[i].name): its parents form a cycle")
                    break
                }
                current = parentOf[p]
            }
        }
        problems += index.empty.map { "commodity \(commodities[$0.entry].name): name \"\($0.name)\" has no letters" }
        problems += index.ambiguous.sorted { $0.key < $1.key }.map { key, entries in
            "commodity name key \"\(key)\" is claimed by "
                + entries.map { commodities[$0].name }.joined(separator: ", ")
        }
        self.index = index
        self.parentOf = parentOf
        self.childrenOf = childrenOf
        self.problems = problems
    }

    /// Decodes a taxonomy in the resource's format
    /// (`{"format": "strata-commodities", "version": 1, "commodities": […]}`).
    public init(json: Data) throws {
        let file = try ResourceReader(json: json, format: "strata-commodities", version: 1)
        self.init(commodities: try file.list("commodities", Commodity.init(resource:)))
    }

    /// The taxonomy bundled with StrataDomain (`Resources/commodities.json`), loaded on first
    /// use. A missing, malformed or inconsistent resource is a programming error and stops
    /// the program with a message naming the problems.
    public static let bundled = BundledResource.load(
        named: "commodities", CommodityTaxonomy.init(json:), problems: \.problems)

    // MARK: Lookups

    /// The commodity with this name or alias (`"maize"` → corn, `"Iron-Ore"` → iron ore),
    /// or `nil` when unknown or ambiguous.
    public func commodity(named name: String) -> Commodity? {
        indexOf(name).map { commodities[$0] }
    }

    /// The commodities without a parent, in resource order.
    public var roots: [Commodity] {
        commodities.indices.filter { parentOf[$0] == nil }.map { commodities[$0] }
    }

    /// The direct children of the named commodity, in resource order; empty when unknown.
    public func children(of name: String) -> [Commodity] {
        guard let i = indexOf(name) else { return [] }
        return childrenOf[i].map { commodities[$0] }
    }

    /// The parent, grandparent, … of the named commodity, nearest first; empty for a root
    /// or an unknown name. (`ancestors(of: "anthracite")` → coal, minerals.)
    public func ancestors(of name: String) -> [Commodity] {
        guard let start = indexOf(name) else { return [] }
        var result: [Commodity] = []
        var seen: Set<Int> = [start]
        var current = parentOf[start]
        while let i = current, seen.insert(i).inserted {
            result.append(commodities[i])
            current = parentOf[i]
        }
        return result
    }

    /// Every commodity below the named one, all levels, depth first in resource order; not
    /// the commodity itself. Empty for a leaf or an unknown name.
    public func descendants(of name: String) -> [Commodity] {
        guard let start = indexOf(name) else { return [] }
        var result: [Commodity] = []
        var seen: Set<Int> = [start]
        var stack = Array(childrenOf[start].reversed())
        while let i = stack.popLast() {
            guard seen.insert(i).inserted else { continue }
            result.append(commodities[i])
            stack.append(contentsOf: childrenOf[i].reversed())
        }
        return result
    }

    /// True when `name` is `ancestor` or lies below it: `isA("anthracite", "minerals")`,
    /// `isA("coal", "coal")`. Reflexive for unknown names too (same ``NameKey``), so a
    /// filter on a name the taxonomy lacks still matches that name; otherwise an unknown
    /// name is nothing else, and nothing is an unknown name.
    public func isA(_ name: String, _ ancestor: String) -> Bool {
        let key = NameKey(name)
        if !key.isEmpty, key == NameKey(ancestor) { return true }
        guard let i = indexOf(name), let a = indexOf(ancestor) else { return false }
        var seen: Set<Int> = []
        var current: Int? = i
        while let c = current, seen.insert(c).inserted {
            if c == a { return true }
            current = parentOf[c]
        }
        return false
    }

    /// `"CommodityTaxonomy(65 commodities)"`.
    public var description: String { "CommodityTaxonomy(\(commodities.count) commodities)" }

    private func indexOf(_ name: String) -> Int? {
        index.lookup(NameKey(name))
    }
}
