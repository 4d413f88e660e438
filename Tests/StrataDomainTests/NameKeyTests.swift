import Testing

@testable import StrataDomain

@Suite("Name key folding")
struct NameKeyFoldingTests {
    @Test(
        "ASCII and non-ASCII names fold the same way",
        arguments: [
            ("Nam-p'o", "nam po"), ("D.P.R.K.", "dprk"), ("M&A", "m and a"), ("  Port  of_Dalian ", "port of dalian"),
            ("NAMPO", "nampo"), ("Chŏngjin", "chongjin"), ("Hŭngnam Port", "hungnam port"), ("Namp’o", "nampo"),
            ("Rajin–Sonbong", "rajin sonbong"), ("", ""), ("--", ""),
        ])
    func folding(name: String, words: String) {
        #expect(NameKey(name).words == words)
        #expect(NameKey(name).rawValue == words.replacingOccurrences(of: " ", with: ""))
    }

    @Test("an ASCII name and the same name with a diacritic meet")
    func asciiMeetsUnicode() {
        #expect(NameKey("Wonsan") == NameKey("Wŏnsan"))
        #expect(NameKey("Nam po") == NameKey("Nampo"))
    }
}
