import Foundation
import Testing

@testable import StrataDomain

@Suite("NameKey")
struct NameKeyTests {
    @Test(arguments: [
        ("Namp'o", "Nampo"), ("NAM-PO", "nampo"), ("Nam po", "Nampo"), ("  nampo  ", "Nampo"),
        ("Nampʼo", "Nampo"), ("Namp’o", "Nampo"), ("Nam_po", "Nampo"), ("Nam  -  po", "Nampo"),
        ("Ch'ŏngjin", "Chongjin"), ("Hŭngnam", "Hungnam"), ("Wŏnsan", "WONSAN"),
        ("D.P.R.K.", "DPRK"), ("Trinidad & Tobago", "Trinidad and Tobago"), ("Åland", "aland"),
    ])
    func equalKeys(_ a: String, _ b: String) {
        #expect(NameKey(a) == NameKey(b))
        #expect(NameKey(a).hashValue == NameKey(b).hashValue)
    }

    @Test(arguments: [("Nampo", "Nampho"), ("Songrim", "Songnim"), ("Rajin", "Najin"), ("coal", "coals")])
    func differentKeys(_ a: String, _ b: String) {
        #expect(NameKey(a) != NameKey(b))
    }

    @Test func wordsAndRawValue() {
        let key = NameKey("  Nam-P'o  Port ")
        #expect(key.words == "nam po port")
        #expect(key.rawValue == "nampoport")
        #expect(NameKey("' - .").isEmpty)
    }
}

@Suite("Gazetteer")
struct GazetteerTests {
    let gazetteer = Gazetteer.bundled

    static let ports: [(String, String)] = [
        ("Nampo", "KP"), ("Songrim", "KP"), ("Haeju", "KP"), ("Chongjin", "KP"), ("Wonsan", "KP"),
        ("Taean", "KP"), ("Rajin", "KP"), ("Hungnam", "KP"), ("Sinuiju", "KP"),
        ("Dalian", "CN"), ("Huludao", "CN"), ("Longkou", "CN"), ("Lianyungang", "CN"), ("Dandong", "CN"),
        ("Yingkou", "CN"), ("Ningbo", "CN"), ("Qingdao", "CN"), ("Rizhao", "CN"), ("Tianjin", "CN"),
        ("Caofeidian", "CN"), ("Shidao", "CN"), ("Yantai", "CN"), ("Tangshan", "CN"), ("Jingtang", "CN"),
        ("Nantong", "CN"),
        ("Kholmsk", "RU"), ("Nakhodka", "RU"), ("Vladivostok", "RU"), ("Vanino", "RU"), ("Posyet", "RU"),
        ("Zarubino", "RU"),
        ("Incheon", "KR"), ("Pohang", "KR"), ("Busan", "KR"), ("Gunsan", "KR"), ("Donghae", "KR"),
    ]

    @Test(arguments: ports)
    func listedPortResolves(_ name: String, _ country: String) throws {
        let place = try #require(gazetteer.place(named: name))
        #expect(place.name == name)
        #expect(place.country == country)
        #expect(place.kind == .port || place.kind == .city)
        #expect(gazetteer.resolve(name) == .place(place))
    }

    @Test(arguments: [
        ("Liaoning", "CN"), ("Shandong", "CN"), ("Hebei", "CN"), ("Jilin", "CN"),
        ("South Pyongan", "KP"), ("North Hamgyong", "KP"),
    ])
    func provinceResolves(_ name: String, _ country: String) throws {
        let place = try #require(gazetteer.place(named: name))
        #expect(place.kind == .province)
        #expect(place.country == country)
    }

    @Test(arguments: [
        ("Nam-po", "Nampo"), ("Namp'o", "Nampo"), ("Nampho", "Nampo"), ("NAMPO", "Nampo"), ("Nam po", "Nampo"),
        ("Songnim", "Songrim"), ("Song-rim", "Songrim"), ("Hae-ju", "Haeju"),
        ("Chŏngjin", "Chongjin"), ("Ch'ŏngjin", "Chongjin"), ("Chong-jin", "Chongjin"), ("Wŏnsan", "Wonsan"),
        ("Najin", "Rajin"), ("Rason", "Rajin"), ("Rajin-Sonbong", "Rajin"), ("Hŭngnam", "Hungnam"),
        ("Sinŭiju", "Sinuiju"), ("Ningbo-Zhoushan", "Ningbo"), ("Tsingtao", "Qingdao"),
        ("Inchon", "Incheon"), ("Pusan", "Busan"), ("Kunsan", "Gunsan"), ("Pyongannam-do", "South Pyongan"),
        ("Huludao Port", "Huludao"), ("Port of Dalian", "Dalian"), ("Liaoning Province", "Liaoning"),
        ("Dandong City", "Dandong"),
    ])
    func variantResolves(_ variant: String, _ canonical: String) {
        #expect(gazetteer.place(named: variant)?.name == canonical)
    }

    @Test(arguments: ["Atlantis", "", "   ", "Korea", "Jilin City", "Dalian Province", "Port", "XX", "Nampo Nampo"])
    func unknownPlace(_ name: String) {
        #expect(gazetteer.place(named: name) == nil)
    }

    @Test(arguments: [
        ("kp", "North Korea"), ("KP", "North Korea"), ("KR", "South Korea"), ("CN", "China"), ("RU", "Russia"),
        ("TW", "Taiwan"), ("HK", "Hong Kong"), ("VN", "Vietnam"), ("ID", "Indonesia"), ("MY", "Malaysia"),
        ("PA", "Panama"), ("SL", "Sierra Leone"), ("TG", "Togo"), ("MN", "Mongolia"), ("JP", "Japan"),
        ("SG", "Singapore"), ("LR", "Liberia"), ("MH", "Marshall Islands"), ("KH", "Cambodia"),
        ("PRK", "North Korea"), ("chn", "China"),
    ])
    func countryByCode(_ code: String, _ name: String) {
        #expect(gazetteer.country(code: code)?.name == name)
    }

    @Test(arguments: ["XX", "", "K", "KPX", "K1", "UK", "12"])
    func unknownCountryCode(_ code: String) {
        #expect(gazetteer.country(code: code) == nil)
    }

    @Test(arguments: [
        ("North Korea", "KP"), ("DPRK", "KP"), ("Democratic People's Republic of Korea", "KP"),
        ("Korea, Democratic People's Republic of", "KP"), ("South Korea", "KR"), ("Republic of Korea", "KR"),
        ("ROK", "KR"), ("China", "CN"), ("PRC", "CN"), ("People's Republic of China", "CN"),
        ("Russia", "RU"), ("Russian Federation", "RU"), ("Viet Nam", "VN"), ("Hong Kong", "HK"),
        ("the Netherlands", "NL"), ("UK", "GB"), ("Togolese Republic", "TG"), ("Côte d’Ivoire", "CI"),
    ])
    func countryByName(_ name: String, _ code: String) {
        #expect(gazetteer.country(named: name)?.code == code)
    }

    @Test(arguments: ["Korea", "Atlantis", "KP", "", "the"])
    func unknownCountryName(_ name: String) {
        #expect(gazetteer.country(named: name) == nil)
    }

    @Test func allISOCountries() {
        let codes = gazetteer.countries.map(\.code)
        #expect(codes.count == 249)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.count == 2 && $0.allSatisfy { ("A"..."Z").contains($0) } })
        #expect(gazetteer.countries.allSatisfy { $0.alpha3?.count == 3 })
    }

    @Test func resolveCodesPlacesAndNames() throws {
        #expect(gazetteer.resolve("CN") == .country(try #require(gazetteer.country(code: "CN"))))
        #expect(gazetteer.resolve("cn")?.countryCode == "CN")
        #expect(gazetteer.resolve(" KP ")?.countryCode == "KP")
        guard case .place(let dalian)? = gazetteer.resolve("Dalian") else {
            Issue.record("Dalian should resolve to a place")
            return
        }
        #expect(dalian.country == "CN")
        #expect(dalian.kind == .port)
        #expect(gazetteer.resolve("North Korea") == .country(try #require(gazetteer.country(code: "KP"))))
        #expect(gazetteer.resolve("UK")?.countryCode == "GB")
        #expect(gazetteer.resolve("RUS")?.countryCode == "RU")
        // Places come before country names: Singapore the port, in SG.
        #expect(gazetteer.resolve("Singapore") == .place(try #require(gazetteer.place(named: "Singapore"))))
        #expect(gazetteer.resolve("Singapore")?.countryCode == "SG")
        #expect(gazetteer.resolve("Atlantis") == nil)
        #expect(gazetteer.resolve("XX") == nil)
        #expect(gazetteer.resolve("") == nil)
    }

    @Test func seedReportLocationsResolve() {
        for name in ["Nampo", "Songrim", "Haeju", "Huludao", "Dalian", "KP", "CN"] {
            #expect(gazetteer.resolve(name) != nil, "\(name)")
        }
    }

    @Test func within() {
        #expect(gazetteer.isWithin("Dalian", "Liaoning"))
        #expect(gazetteer.isWithin("Huludao Port", "Liaoning Province"))
        #expect(gazetteer.isWithin("Dalian", "CN"))
        #expect(gazetteer.isWithin("Dalian", "China"))
        #expect(gazetteer.isWithin("Dalian", "Dalian"))
        #expect(gazetteer.isWithin("Chongjin", "North Hamgyong"))
        #expect(gazetteer.isWithin("Liaoning", "CN"))
        #expect(gazetteer.isWithin("KP", "DPRK"))
        #expect(!gazetteer.isWithin("Dalian", "Shandong"))
        #expect(!gazetteer.isWithin("Dalian", "KP"))
        #expect(!gazetteer.isWithin("Liaoning", "Dalian"))
        #expect(!gazetteer.isWithin("CN", "Dalian"))
        #expect(gazetteer.isWithin("Somewhere", "somewhere"))
        #expect(!gazetteer.isWithin("Somewhere", "CN"))
    }

    @Test func bundledDataHasNoProblems() {
        #expect(gazetteer.problems == [])
    }

    /// Every name and alias finds exactly its own entry: no key is shared by two places or
    /// by two countries, and no generic-word fallback steals a name.
    @Test func everyNameFindsItsOwnEntry() {
        for place in gazetteer.places {
            for name in place.allNames {
                #expect(gazetteer.place(named: name) == place, "\(name) → \(place)")
            }
        }
        for country in gazetteer.countries {
            for name in country.allNames {
                #expect(gazetteer.country(named: name) == country, "\(name) → \(country)")
            }
            #expect(gazetteer.country(code: country.code) == country)
        }
    }

    @Test func coordinatesLieInTheirCountry() {
        // Rough bounding boxes (lat min, lat max, lon min, lon max).
        let boxes: [String: (Double, Double, Double, Double)] = [
            "KP": (37.6, 43.1, 124.1, 130.8), "KR": (33.0, 38.7, 124.5, 131.0),
            "CN": (18.0, 53.6, 73.0, 135.1), "RU": (41.1, 82.0, 19.0, 180.0),
            "JP": (24.0, 46.0, 122.0, 146.0), "TW": (21.8, 25.4, 119.3, 122.1),
        ]
        for place in gazetteer.places {
            guard let c = place.coordinate else { continue }
            #expect(c.isValid, "\(place)")
            guard let box = boxes[place.country] else { continue }
            #expect((box.0...box.1).contains(c.latitude) && (box.2...box.3).contains(c.longitude), "\(place)")
        }
    }

    @Test func everyWithinIsAProvinceOrRegionOfTheSameCountry() throws {
        for place in gazetteer.places {
            guard let name = place.within else { continue }
            let area = try #require(gazetteer.place(named: name), "\(place) within \(name)")
            #expect(area.country == place.country, "\(place)")
            #expect(area.kind == .province || area.kind == .region, "\(place)")
        }
    }

    @Test func problemsAreReported() {
        let bad = Gazetteer(
            countries: [
                Country(code: "KP", name: "North Korea"), Country(code: "kr", name: "Korea"),
                Country(code: "XK", name: "Korea"),
            ],
            places: [
                Place(name: "Nampo", country: "KP", kind: .port),
                Place(name: "Nam-po", country: "KP", kind: .port),
                Place(name: "Dalian", country: "ZZ", kind: .port, within: "Liaoning"),
                Place(name: "Far", country: "KP", kind: .city, coordinate: .init(latitude: 91, longitude: 0)),
            ])
        let text = bad.problems.joined(separator: "\n")
        #expect(text.contains("\"kr\" is not two uppercase letters"))
        #expect(text.contains("country name key \"korea\""))
        #expect(text.contains("place name key") && text.contains("Nampo, KP; Nam-po, KP"))
        #expect(text.contains("unknown country code \"ZZ\""))
        #expect(text.contains("within \"Liaoning\""))
        #expect(text.contains("out of range"))
        #expect(bad.problems.count == 6)
        // An ambiguous name finds nothing rather than guessing.
        #expect(bad.place(named: "Nampo") == nil)
        #expect(bad.country(named: "Korea") == nil)
    }

    @Test func decodesAndRejectsJSON() throws {
        let json = Data(
            """
            {"format": "strata-gazetteer", "version": 1,
             "countries": [{"code": "KP", "name": "North Korea"}],
             "places": [{"name": "Nampo", "country": "KP", "kind": "port", "lat": 38.73, "lon": 125.4}]}
            """.utf8)
        let small = try Gazetteer(json: json)
        #expect(small.place(named: "nam-p'o")?.coordinate == Place.Coordinate(latitude: 38.73, longitude: 125.4))
        #expect(small.problems.isEmpty)
        let badKind = Data(
            #"{"format": "strata-gazetteer", "version": 1, "countries": [], "places": [{"name": "X", "country": "KP", "kind": "lake"}]}"#
                .utf8)
        #expect(throws: DecodingError.self) { try Gazetteer(json: badKind) }
        let badFormat = Data(#"{"format": "other", "version": 1, "countries": [], "places": []}"#.utf8)
        #expect(throws: DecodingError.self) { try Gazetteer(json: badFormat) }
        let halfCoordinate = Data(
            #"{"format": "strata-gazetteer", "version": 1, "countries": [], "places": [{"name": "X", "country": "KP", "kind": "port", "lat": 1}]}"#
                .utf8)
        #expect(throws: DecodingError.self) { try Gazetteer(json: halfCoordinate) }
        // Problems name where they are.
        func message(_ json: String) -> String {
            do {
                _ = try Gazetteer(json: Data(json.utf8))
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(
            message(
                #"{"format": "strata-gazetteer", "version": 1, "countries": [], "places": [{"name": "X", "country": "KP", "kind": "lake"}]}"#
            )
            .contains("places[0].kind: expected one of port, city, province, region"))
        #expect(
            message(
                #"{"format": "strata-gazetteer", "version": 1, "countries": [{"code": "KP", "name": 3}], "places": []}"#
            )
            .contains("countries[0].name: expected a string"))
        #expect(
            message(
                #"{"format": "strata-gazetteer", "version": 1, "countries": [{"code": "KP", "name": "N", "aliases": ["a", 1]}], "places": []}"#
            )
            .contains("countries[0].aliases: expected a list of strings"))
        #expect(
            message(#"{"format": "strata-gazetteer", "version": 2, "countries": [], "places": []}"#)
                .contains("expected format strata-gazetteer version 1, got strata-gazetteer version 2"))
        #expect(
            message(#"{"format": "strata-gazetteer", "version": 1, "countries": [], "places": [}"#).contains("not JSON")
        )
        #expect(
            message(#"{"format": "strata-gazetteer", "version": 1, "countries": {}, "places": []}"#).contains(
                "countries: expected a list"))
    }

    @Test func bundledResourceIsFoundWhereDocumented() throws {
        for name in ["gazetteer", "commodities"] {
            let url = try #require(BundledResource.url(named: name), "Resources/\(name).json")
            #expect(FileManager.default.fileExists(atPath: url.path))
            #if os(Linux)
                // Read from beside the executable, the same bytes as the bundle's.
                #expect(url.path.contains("/\(BundledResource.bundleDirectory)/"))
                #expect(BundledResource.besideExecutable(named: name) == (try Data(contentsOf: url)))
            #endif
        }
    }
}
