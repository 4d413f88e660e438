import Testing

@testable import StrataDomain

@Suite("Vessel")
struct VesselTests {
    @Test(arguments: [
        ("9074729", "9074729"), ("8814275", "8814275"), ("IMO 9074729", "9074729"), ("imo9074729", "9074729"),
        ("IMO: 8814275", "8814275"), (" 9074729 ", "9074729"),
    ])
    func validIMO(_ written: String, _ digits: String) throws {
        let vessel = try Vessel(name: nil, imo: written, flag: nil)
        #expect(vessel.imo == digits)
    }

    @Test(arguments: [
        "9074728", "8814274", "12345", "90747290", "IMO", "", "abcdefg", "907472a", "IMO 12345", "9O74729",
    ])
    func invalidIMO(_ written: String) {
        let error = #expect(throws: VesselError.self) { try Vessel(name: "RICH GLORY", imo: written, flag: nil) }
        #expect(error?.field == "imo")
    }

    @Test func checkDigitArithmetic() {
        #expect(Vessel.isValidIMO("9074729"))
        #expect(Vessel.isValidIMO("8814275"))
        #expect(!Vessel.isValidIMO("9074728"))
        #expect(!Vessel.isValidIMO("907472"))
        #expect(!Vessel.isValidIMO("IMO 9074729"))  // digits only; the prefix is for init and imoDigits
        #expect(Vessel.imoDigits("IMO 9074729") == "9074729")
        #expect(Vessel.imoDigits("IMO 907472") == nil)
        // Every check digit but the right one is refused.
        for last in 0...9 where last != 9 {
            #expect(!Vessel.isValidIMO("907472\(last)"))
        }
        let error = #expect(throws: VesselError.self) { try Vessel(name: nil, imo: "9074728", flag: nil) }
        #expect(error?.reason.contains("should be 9") == true)
    }

    @Test(arguments: [
        ("PA", "PA"), ("pa", "PA"), ("SL", "SL"), ("TG", "TG"), ("KP", "KP"), ("MN", "MN"),
        ("PAN", "PA"), ("Sierra Leone", "SL"), ("DPRK", "KP"), (" hk ", "HK"),
    ])
    func knownFlag(_ written: String, _ code: String) throws {
        #expect(try Vessel(name: nil, imo: nil, flag: written).flag == code)
    }

    @Test(arguments: ["XX", "", "Atlantis", "P", "Korea"])
    func unknownFlag(_ written: String) {
        let error = #expect(throws: VesselError.self) { try Vessel(name: "X", imo: nil, flag: written) }
        #expect(error?.field == "flag")
    }

    @Test(arguments: ["", "   ", "\n"])
    func blankName(_ name: String) {
        let error = #expect(throws: VesselError.self) { try Vessel(name: name, imo: "9074729", flag: "PA") }
        #expect(error?.field == "name")
    }

    @Test func atLeastOneField() {
        let error = #expect(throws: VesselError.self) { try Vessel(name: nil, imo: nil, flag: nil) }
        #expect(error?.field == "vessel")
        #expect(error.map { "\($0)" }?.hasPrefix("vessel: ") == true)
    }

    @Test func normalisesAndDescribes() throws {
        let vessel = try Vessel(name: "  RICH GLORY ", imo: "IMO 9074729", flag: "pa")
        #expect(vessel == (try Vessel(name: "RICH GLORY", imo: "9074729", flag: "PA")))
        #expect(vessel.name == "RICH GLORY")
        #expect(vessel.description == "RICH GLORY (IMO 9074729, PA)")
        #expect(try Vessel(name: "Wise Honest", imo: nil, flag: nil).description == "Wise Honest")
        #expect(try Vessel(name: nil, imo: nil, flag: "KP").description == "KP")
    }

    @Test func usesTheGivenGazetteer() throws {
        let tiny = Gazetteer(countries: [Country(code: "KP", name: "North Korea")], places: [])
        #expect(try Vessel(name: nil, imo: nil, flag: "kp", gazetteer: tiny).flag == "KP")
        #expect(throws: VesselError.self) { try Vessel(name: nil, imo: nil, flag: "PA", gazetteer: tiny) }
    }
}
