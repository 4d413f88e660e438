import ArgumentParser
import StrataDomain

/// `place`, `commodity` or `vessel`, checked as data (exit 65).
struct EntityKindArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("place, commodity or vessel.", valueName: "kind")) var text: String

    func validate() throws {
        guard EntityKind(rawValue: text) != nil else {
            throw invalidValue("KIND: expected place, commodity or vessel, not \"\(text)\"")
        }
    }

    var kind: EntityKind { EntityKind(rawValue: text)! }  // checked by validate()
}
