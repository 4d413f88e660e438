import Foundation

/// Countries (all of ISO 3166-1) and places (ports, cities, provinces, regions), looked up
/// by name or alias under ``NameKey`` folding, and by ISO code.
///
/// The bundled data is `Resources/gazetteer.json`; use ``bundled``.
public struct Gazetteer: Sendable, CustomStringConvertible {
    /// Every place, in resource order.
    public let places: [Place]
    /// Every country, in resource order (by alpha-2 code in the bundled data).
    public let countries: [Country]
    /// Inconsistencies found when the gazetteer was built: names claimed by two entries,
    /// unknown country codes, bad `within`, bad coordinates, malformed codes. Empty for
    /// good data; the bundled data must have none.
    public let problems: [String]

    private let placeIndex: NameIndex
    private let countryIndex: NameIndex
    private let codeIndex: [String: Int]  // alpha-2 and alpha-3, uppercase

    /// A gazetteer of these entries. Inconsistencies do not stop it; they are listed in
    /// ``problems``, and an ambiguous name finds nothing.
    public init(countries: [Country], places: [Place]) {
        self.countries = countries
        self.places = places
        var problems: [String] = []
        var codeIndex: [String: Int] = [:]
        var countryIndex = NameIndex(capacity: countries.reduce(0) { $0 + $1.allNames.count })
        for (i, country) in countries.enumerated() {
            let codes = [country.code] + (country.alpha3.map { [$0] } ?? [])
            for code in codes {
                if let other = codeIndex[code] {
                    problems.append("country code \(code) is used by \(countries[other].name) and \(country.name)")
                } else {
                    codeIndex[code] = i
                }
            }
            country.allNames.forEach { countryIndex.insert($0, for: i) }
        }
        var placeIndex = NameIndex(capacity: places.reduce(0) { $0 + $1.allNames.count })
        for (i, place) in places.enumerated() {
            place.allNames.forEach { placeIndex.insert($0, for: i) }
        }
        self.codeIndex = codeIndex
        self.countryIndex = countryIndex
        self.placeIndex = placeIndex
        problems += Self.countryProblems(countries, countryIndex)
        problems += Self.placeProblems(places, placeIndex, codeIndex)
        self.problems = problems
    }

    /// Decodes a gazetteer in the resource's format
    /// (`{"format": "strata-gazetteer", "version": 1, "countries": […], "places": […]}`).
    public init(json: Data) throws {
        let file = try ResourceReader(json: json, format: "strata-gazetteer", version: 1)
        self.init(
            countries: try file.list("countries", Country.init(resource:)),
            places: try file.list("places", Place.init(resource:)))
    }

    /// The gazetteer bundled with StrataDomain (`Resources/gazetteer.json`), loaded on first
    /// use. A missing, malformed or inconsistent resource is a programming error and stops
    /// the program with a message naming the problems.
    public static let bundled = BundledResource.load(named: "gazetteer", Gazetteer.init(json:), problems: \.problems)

    /// `"Gazetteer(249 countries, 72 places)"`.
    public var description: String { "Gazetteer(\(countries.count) countries, \(places.count) places)" }

    // MARK: Lookups

    /// The place with this name or alias (``NameKey`` folding: `"Namp'o"`, `"NAM-PO"` and
    /// `"nampo"` all find Nampo). Failing that, a generic word is dropped when the rest
    /// names a place of a fitting kind: `"Huludao Port"`, `"Port of Dalian"`,
    /// `"Dandong City"`, `"Liaoning Province"`. `nil` when unknown or ambiguous.
    public func place(named name: String) -> Place? {
        let key = NameKey(name)
        if let i = placeIndex.lookup(key) { return places[i] }
        let words = key.wordList
        guard words.count >= 2 else { return nil }
        var tries: [(rest: ArraySlice<Substring>, kinds: Set<Place.Kind>)] = []
        if let kinds = Self.genericSuffixes[String(words[words.count - 1])] {
            tries.append((words.dropLast(), kinds))
        }
        if words.count >= 3, words[1] == "of", let kinds = Self.genericSuffixes[String(words[0])] {
            tries.append((words.dropFirst(2), kinds))
        }
        for (rest, kinds) in tries {
            if let i = placeIndex.lookup(NameKey(rest.joined(separator: " "))), kinds.contains(places[i].kind) {
                return places[i]
            }
        }
        return nil
    }

    /// Generic words that may follow a place name (or precede it with "of"), and the kinds
    /// of place they may stand beside.
    private static let genericSuffixes: [String: Set<Place.Kind>] = [
        "port": [.port], "harbor": [.port], "harbour": [.port],
        "city": [.city, .port], "province": [.province], "region": [.region],
    ]

    /// The country with this ISO 3166-1 alpha-2 code, either case (`"kp"`, `"KP"`); an
    /// alpha-3 code (`"PRK"`) is accepted too. `nil` for anything else.
    public func country(code: String) -> Country? {
        let code = code.trimmingCharacters(in: .whitespaces)
        guard Country.looksLikeAlpha2(code) || Country.looksLikeAlpha3(code) else { return nil }
        return codeIndex[code.uppercased()].map { countries[$0] }
    }

    /// The country whose code this is, written as reports write codes
    /// (``Country/isWrittenCode(_:)``).
    public func country(writtenCode text: String) -> Country? {
        Country.isWrittenCode(text) ? country(code: text) : nil
    }

    /// The country with this name or alias (`"North Korea"`, `"DPRK"`, `"Russian
    /// Federation"`), under ``NameKey`` folding; a leading "the" is ignored. Codes are not
    /// names: use ``country(code:)`` or ``resolve(_:)``.
    public func country(named name: String) -> Country? {
        let key = NameKey(name)
        if let i = countryIndex.lookup(key) { return countries[i] }
        let words = key.wordList
        if words.count >= 2, words[0] == "the",
            let i = countryIndex.lookup(NameKey(words.dropFirst().joined(separator: " ")))
        {
            return countries[i]
        }
        return nil
    }

    /// What a name in a report's `from` or `to` stands for.
    public enum Resolution: Hashable, Sendable {
        case place(Place)
        case country(Country)

        /// The alpha-2 code of the country: the place's country, or the country itself.
        public var countryCode: String {
            switch self {
            case .place(let place): place.country
            case .country(let country): country.code
            }
        }
    }

    /// What a claim's place names, as the read models resolve it: a place, else a country
    /// by name, else a country by its code written as reports write codes (`KP`).
    public func resolve(placeName name: String) -> Resolution? {
        if let place = place(named: name) { return .place(place) }
        return (country(named: name) ?? country(writtenCode: name)).map(Resolution.country)
    }

    /// Resolves a name as a report uses it: exactly two letters (either case) that are an
    /// ISO alpha-2 code → that country; otherwise a place name or alias; otherwise a
    /// country name or alias; otherwise an alpha-3 code. `nil` when none fits.
    /// (`"CN"` → China; `"Dalian"` → the port in CN; `"DPRK"` → North Korea.)
    public func resolve(_ name: String) -> Resolution? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if Country.looksLikeAlpha2(trimmed), let country = country(code: trimmed) { return .country(country) }
        if let place = place(named: trimmed) { return .place(place) }
        if let country = country(named: trimmed) { return .country(country) }
        if Country.looksLikeAlpha3(trimmed), let country = country(code: trimmed) { return .country(country) }
        return nil
    }

    /// True when `name` lies in `area`, both resolved with ``resolve(_:)``: a place lies in
    /// its country and in the provinces or regions its `within` chain names; everything lies
    /// in itself. Unresolved names lie only in a name with the same key.
    public func isWithin(_ name: String, _ area: String) -> Bool {
        guard let inner = resolve(name), let outer = resolve(area) else {
            let key = NameKey(name)
            return !key.isEmpty && key == NameKey(area)
        }
        switch (inner, outer) {
        case let (.country(a), .country(b)): return a == b
        case (.country, .place): return false
        case let (.place(p), .country(c)): return p.country == c.code
        case let (.place(p), .place(a)):
            var current: Place? = p
            var seen: Set<String> = []
            while let here = current, seen.insert(here.name).inserted {
                if here == a { return true }
                current = here.within.flatMap { placeIndex.lookup(NameKey($0)) }.map { places[$0] }
            }
            return false
        }
    }
}

/// The JSON resources bundled with StrataDomain, in the `Resources` folder that
/// Package.swift copies into the module's bundle.
enum BundledResource {
    /// Where `Resources/NAME.json` is in the bundle, or `nil` when it is not there.
    static func url(named name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources")
    }

    /// Where SwiftPM puts the module's resources: beside the executable, in
    /// `Strata_StrataDomain.resources` (package, then target), as `Bundle.module` finds
    /// them on Linux.
    static let bundleDirectory = "Strata_StrataDomain.resources"

    /// The directory of the running executable (`/proc/self/exe`), found once; `nil` where
    /// there is no such link.
    private static let executableDirectory: String? = {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard n > 0 else { return nil }
            let executable = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return executable.lastIndex(of: "/").map { String(executable[..<$0]) }
        #else
            return nil
        #endif
    }()

    /// `Resources/NAME.json` read from beside the running executable, without Foundation's
    /// `Bundle` (whose set-up took 1.4 ms of each command that resolves a place); `nil`
    /// where it is not there (another platform or layout: ``data(named:)`` then asks the
    /// bundle).
    static func besideExecutable(named name: String) -> Data? {
        executableDirectory.flatMap {
            FileManager.default.contents(atPath: "\($0)/\(bundleDirectory)/Resources/\(name).json")
        }
    }

    /// The bytes of `Resources/NAME.json`; stops the program when it is missing.
    static func data(named name: String) -> Data {
        if let data = besideExecutable(named: name) { return data }
        guard let url = url(named: name), let data = try? Data(contentsOf: url) else {
            preconditionFailure(
                "StrataDomain: the bundled resource Resources/\(name).json is missing or unreadable (bundle \(Bundle.module.bundlePath))"
            )
        }
        return data
    }

    /// Builds a value from `Resources/NAME.json` and checks it; a malformed or inconsistent
    /// resource is a programming error and stops the program with the problems it has.
    static func load<T>(named name: String, _ make: (Data) throws -> T, problems: (T) -> [String]) -> T {
        let value: T
        do {
            value = try make(data(named: name))
        } catch {
            preconditionFailure("StrataDomain: Resources/\(name).json is malformed: \(error)")
        }
        let found = problems(value)
        guard found.isEmpty else {
            preconditionFailure(
                "StrataDomain: Resources/\(name).json is inconsistent:\n" + found.joined(separator: "\n"))
        }
        return value
    }
}

// MARK: Consistency

extension Gazetteer {
    static func countryProblems(_ countries: [Country], _ index: NameIndex) -> [String] {
        var problems: [String] = []
        for country in countries {
            if !(Country.looksLikeAlpha2(country.code) && country.code == country.code.uppercased()) {
                problems.append("country \(country.name): code \"\(country.code)\" is not two uppercase letters")
            }
            if let alpha3 = country.alpha3, !(Country.looksLikeAlpha3(alpha3) && alpha3 == alpha3.uppercased()) {
                problems.append("country \(country.name): alpha3 \"\(alpha3)\" is not three uppercase letters")
            }
        }
        problems += index.empty.map { "country \(countries[$0.entry].code): name \"\($0.name)\" has no letters" }
        problems += index.ambiguous.sorted { $0.key < $1.key }.map { key, entries in
            "country name key \"\(key)\" is claimed by " + entries.map { countries[$0].code }.joined(separator: ", ")
        }
        return problems
    }

    static func placeProblems(_ places: [Place], _ index: NameIndex, _ codes: [String: Int]) -> [String] {
        var problems: [String] = []
        for place in places {
            if !Country.looksLikeAlpha2(place.country) || codes[place.country] == nil {
                problems.append("place \(place.name): unknown country code \"\(place.country)\"")
            }
            if let coordinate = place.coordinate, !coordinate.isValid {
                problems.append(
                    "place \(place.name): coordinates \(coordinate.latitude), \(coordinate.longitude) out of range")
            }
            guard let within = place.within else { continue }
            guard let i = index.lookup(NameKey(within)), places[i].name == within else {
                problems.append("place \(place.name): within \"\(within)\" is not the canonical name of a place")
                continue
            }
            let area = places[i]
            if area.country != place.country {
                problems.append("place \(place.name): within \(area.name) of another country (\(area.country))")
            }
            if area.kind != .province && area.kind != .region || area == place {
                problems.append("place \(place.name): within \(area.name), which is not another province or region")
            }
        }
        problems += index.empty.map { "place \(places[$0.entry].name): name \"\($0.name)\" has no letters" }
        problems += index.ambiguous.sorted { $0.key < $1.key }.map { key, entries in
            "place name key \"\(key)\" is claimed by " + entries.map { places[$0].description }.joined(separator: "; ")
        }
        return problems
    }
}
