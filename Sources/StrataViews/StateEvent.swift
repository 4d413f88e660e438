import StrataDomain
import StrataLog

/// An event of a family the read models fold (``JournalState/families``), decoded into its
/// domain type once: the fold and the stored state's writer both read this, and a rebuild
/// decodes on a thread of its own (``EventLog/readAhead(after:families:chunk:depth:_:)``).
struct StateEvent: Sendable {
    enum Change: Sendable {
        case reportFiled(ReportFiled)
        case sourceRegistered(SourceRegistered)
        case sourceRated(SourceRated)
        case claimAsserted(ClaimAsserted)
        case claimCorrected(ClaimCorrected)
        case claimRetracted(ClaimRetracted)
        case linked(ClaimsLinked)
        case unlinked(ClaimsUnlinked)
        case aliased(EntityAliased)
        case unaliased(EntityUnaliased)
    }

    let position: Position
    let recordedAt: RecordTime
    /// `nil` for an event of another family: the read models skip it.
    let change: Change?

    init(_ e: Envelope) throws {
        position = e.position
        recordedAt = e.recordedAt
        let p = e.payload
        let t = e.type
        switch t.family {
        case ReportFiled.eventType.family: change = .reportFiled(try ReportFiled(payload: p, type: t))
        case SourceRegistered.eventType.family: change = .sourceRegistered(try SourceRegistered(payload: p, type: t))
        case SourceRated.eventType.family: change = .sourceRated(try SourceRated(payload: p, type: t))
        case ClaimAsserted.eventType.family: change = .claimAsserted(try ClaimAsserted(payload: p, type: t))
        case ClaimCorrected.eventType.family: change = .claimCorrected(try ClaimCorrected(payload: p, type: t))
        case ClaimRetracted.eventType.family: change = .claimRetracted(try ClaimRetracted(payload: p, type: t))
        case ClaimsLinked.eventType.family: change = .linked(try ClaimsLinked(payload: p, type: t))
        case ClaimsUnlinked.eventType.family: change = .unlinked(try ClaimsUnlinked(payload: p, type: t))
        case EntityAliased.eventType.family: change = .aliased(try EntityAliased(payload: p, type: t))
        case EntityUnaliased.eventType.family: change = .unaliased(try EntityUnaliased(payload: p, type: t))
        default: change = nil
        }
    }

    /// The claim an assertion, correction or retraction is about.
    var claim: ClaimID? {
        switch change {
        case .claimAsserted(let c): c.claim
        case .claimCorrected(let c): c.claim
        case .claimRetracted(let c): c.claim
        default: nil
        }
    }

    /// The source a registration or re-grading is about.
    var source: SourceID? {
        switch change {
        case .sourceRegistered(let s): s.source
        case .sourceRated(let s): s.source
        default: nil
        }
    }

    /// The kind and name an alias or unalias is about.
    var alias: (kind: EntityKind, name: String)? {
        switch change {
        case .aliased(let a): (a.kind, a.name)
        case .unaliased(let a): (a.kind, a.name)
        default: nil
        }
    }

    /// The two claims and the relation of a link or unlink.
    var link: (claim: ClaimID, other: ClaimID, relation: Relation)? {
        switch change {
        case .linked(let l): (l.claim, l.other, l.relation)
        case .unlinked(let l): (l.claim, l.other, l.relation)
        default: nil
        }
    }
}
