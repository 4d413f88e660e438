import LMDB
import StrataLog

/// One LMDB set database (`MDB_DUPSORT | MDB_DUPFIXED`) of versioned membership: under each
/// name, fixed-size values `member ‖ position ‖ present` (8 + 8 bytes big-endian, then 1 or
/// 0), so a member is in the set from a position on, or out of it. The members of a name at
/// position P are, for each member, its last value at or before P.
///
/// Beside a ``VersionedTable`` keyed `name ‖ member ‖ position`, this stores each row in 17
/// bytes instead of about 40 and fills its pages: members are mostly added after the
/// name's last (claims are keyed by the position of their assertion), which LMDB appends,
/// where rows added at the end of one name's range among many in one table split pages in
/// half and leave them so.
struct VersionedMembers {
    let database: Database

    static let valueSize = 17

    private static func value(_ member: Position, _ position: Position, _ present: Bool) -> [UInt8] {
        var v = [UInt8](repeating: 0, count: valueSize)
        v.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: member.rawValue.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: position.rawValue.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw[16] = present ? 1 : 0
        }
        return v
    }

    /// A stored value: member, position and whether the member is present from there.
    private static func parse(_ raw: UnsafeRawBufferPointer) throws -> (member: UInt64, position: UInt64, present: Bool)
    {
        guard raw.count == valueSize, raw[16] <= 1 else {
            throw LogError.corrupted(position: nil, reason: "malformed claim-index row")
        }
        return (
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)), raw[16] == 1
        )
    }

    /// Records that `member` is in `name`'s set (or, with `present: false`, out of it) from
    /// `position` on. A name and member get at most one value per position.
    func set(_ tx: WriteTransaction, name: [UInt8], member: Position, present: Bool, at position: Position) throws {
        try tx.putMember(database, key: name, value: VersionedMembers.value(member, position, present))
    }

    /// Calls `body` with each member of `name`'s set at `position`, in member order. One
    /// pass over the name's values, except that a member with more than a few values is
    /// left by seeks: the cost follows the number of members, not how often they changed.
    func members(_ tx: Transaction, name: [UInt8], at position: Position, _ body: (Position) throws -> Void) throws {
        let stepsBeforeSeek = 4
        let p = position.rawValue
        try tx.withCursor(database) { c in
            var move = Cursor.MemberMove.first(key: name)
            var current: UInt64? = nil
            var present = false
            var steps = 0
            func finish() throws {
                if let m = current, present { try body(Position(m)) }
            }
            /// The first value of the member after `m`.
            func nextMember(_ m: UInt64) -> Cursor.MemberMove? {
                m == .max ? nil : .atLeast(key: name, value: VersionedMembers.value(Position(m + 1), .zero, false))
            }
            // Values come in (member, position) order; one that does not is damage, which
            // would otherwise send the seeks below round in a circle.
            var last: (member: UInt64, position: UInt64)? = nil
            while let row = try c.member(move, VersionedMembers.parse) {
                if let last, (row.member, row.position) <= last {
                    throw LogError.corrupted(position: nil, reason: "claim-index rows out of order")
                }
                last = (row.member, row.position)
                if row.member != current {
                    try finish()
                    current = row.member
                    present = false
                    steps = 0
                }
                steps += 1
                guard row.position <= p else {
                    // Values of a member are in position order: the rest are later.
                    guard let next = nextMember(row.member) else { break }
                    move = next
                    continue
                }
                present = row.present
                guard steps > stepsBeforeSeek else {
                    move = .next
                    continue
                }
                // Many values: the member's last at or before `position` is just before
                // the first value after it (its own after `position`, or the next
                // member's), or the name's last value when none is after.
                let after: [UInt8]? =
                    p < .max
                    ? VersionedMembers.value(Position(row.member), Position(p + 1), false)
                    : row.member < .max ? VersionedMembers.value(Position(row.member + 1), .zero, false) : nil
                if let after, try c.member(.atLeast(key: name, value: after), { _ in true }) != nil {
                    present = try c.member(.previous, VersionedMembers.parse)?.present ?? present
                } else {
                    present = try c.member(.last(key: name), VersionedMembers.parse)?.present ?? present
                }
                guard let next = nextMember(row.member) else { break }
                move = next
            }
            try finish()
        }
    }
}
