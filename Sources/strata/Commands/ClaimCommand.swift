import ArgumentParser
import StrataDomain
import StrataLog

/// `strata claim CLAIM`: one claim and its whole history.
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Show one claim with every version: record time, analyst, reason and the report behind each change.",
        discussion:
            "The table lists the claim's current fields, then each version: position, record time, analyst and change, with the report behind it, the reason, and what a correction changed (field: before → after). It fits the terminal's width by wrapping text; ids are never cut. JSON gives every version's whole claim."
    )

    enum ClaimFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var journal: JournalOptions
    @Argument(help: "The claim id (REPORT_ID/CLAIM_ID).") var claim: String
    @Option(help: "Output format: table or json.") var format: ClaimFormat = .table

    func run() throws {
        try reporting {
            let id = try claimID(claim, argument: "CLAIM")
            let j = try journal.journalForReading()
            guard let record = try j.claim(id) else {
                throw InputError(field: "CLAIM", "no claim \(id) in the journal")
            }
            switch format {
            case .json: print(ClaimCommand.json(record).json)
            case .table: print(ClaimCommand.text(record))
            }
        }
    }

    static func change(_ c: ClaimRecord.Version.Change) -> String {
        switch c {
        case .asserted: return "asserted"
        case .corrected(let keys): return "corrected " + keys.joined(separator: ", ")
        case .retracted: return "retracted"
        }
    }

    static func json(_ r: ClaimRecord) -> Payload {
        .object([
            "claim": .string(r.id.description), "retracted": .bool(r.retracted),
            "current": .object(r.fields.payloadFields),
            "versions": .array(
                r.versions.map { v in
                    .object([
                        "position": .int(Int64(v.position.rawValue)), "recorded_at": .string(v.recordedAt.iso8601),
                        "recorded_by": .string(v.recordedBy), "change": .string(change(v.change)),
                        "reason": .text(v.reason), "report": .text(v.report?.rawValue),
                        "claim": .object(v.fields.payloadFields),
                    ])
                }),
        ])
    }

    /// The claim's fields now, then each version: its position, record time, analyst and
    /// change on one line; below it the report behind it, the reason, and what a correction
    /// changed (field: before → after). Long text wraps between words to the terminal's
    /// width; ids are never cut.
    static func text(_ r: ClaimRecord) -> String {
        var lines = ["claim \(r.id)\(r.retracted ? "  (retracted)" : "")"]
        for f in r.fields.payloadFields {
            if let text = text(f, r.fields) { lines += Format.wrapped(text, first: "  \(f.key):", indent: "    ") }
        }
        lines += ["", "versions:"]
        let positions = r.versions.map { String($0.position.rawValue) }
        let numberWidth = positions.map(\.count).max() ?? 1
        let under = String(repeating: " ", count: numberWidth + 4)
        var previous: ClaimRecord.Version?
        for (version, position) in zip(r.versions, positions) {
            let head =
                "  " + String(repeating: " ", count: numberWidth - position.count) + position
                + "  \(version.recordedAt.iso8601)  by \(Format.oneLine(version.recordedBy))  "
            lines += Format.wrapped(change(version.change), first: head, indent: under)
            if let report = version.report { lines.append(under + "report \(report.rawValue)") }
            if let reason = version.reason {
                lines += Format.wrapped(reason, first: under + "reason:", indent: under + "  ")
            }
            if case .corrected(let keys) = version.change, let previous {
                for key in keys {
                    lines += Format.wrapped(
                        "\(value(key, previous.fields)) → \(value(key, version.fields))", first: under + "\(key):",
                        indent: under + "  ")
                }
            }
            previous = version
        }
        return lines.joined(separator: "\n")
    }

    /// A field's value as a reader writes it, on one line; `-` when it has none.
    static func value(_ key: String, _ f: ClaimFields) -> String {
        f.payloadFields.first { $0.key == key }.flatMap { text($0, f) } ?? "-"
    }

    /// `field` of `f` as a reader writes it, on one line; `nil` when it is null or empty.
    private static func text(_ field: Payload.Field, _ f: ClaimFields) -> String? {
        guard !field.value.isNull, field.value != .array([]) else { return nil }
        return Format.oneLine(display(field.key, f) ?? display(field.value))
    }

    /// A field as a reader writes it (`about 20 t`, `Nampo (KP), Dalian`), where its JSON
    /// form would be a structure; `nil` for the fields shown as their plain value.
    static func display(_ key: String, _ f: ClaimFields) -> String? {
        switch key {
        case "quantity": return f.quantity?.readable
        case "from": return f.from.map(\.description).joined(separator: ", ")
        case "to": return f.to.map(\.description).joined(separator: ", ")
        case "vessel": return f.vessel?.description
        case "method": return f.method.map(\.rawValue).joined(separator: ", ")
        case "price": return f.price?.description
        case "parties": return f.parties.joined(separator: ", ")
        default: return nil
        }
    }

    static func display(_ p: Payload) -> String {
        if case .string(let s) = p { return s }
        return p.json
    }
}
