import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PageAuditor {
    /// The on-disk layout of LMDB 0.9 on a 64-bit host (`mdb.c`, `MDB_DEVEL` off).
    enum Layout {
        /// `PAGEHDRSZ`: `mp_pgno` (8), `mp_pad` (2), `mp_flags` (2), `mp_lower`/`mp_upper`
        /// (2 + 2) or `mp_pages` (4); `mp_ptrs` follow.
        static let pageHeader = 16
        /// `NODESIZE`: `mn_lo`, `mn_hi`, `mn_flags`, `mn_ksize` (2 each); key and data follow.
        static let nodeHeader = 8
        /// `sizeof(MDB_db)`.
        static let dbRecord = 48
        /// The meta page fields read, from the start of the page: `MDB_meta` at 16.
        static let metaMagic = 16, metaVersion = 20, metaDatabases = 40, metaLastPage = 136, metaTransaction = 144
        static let metaBytes = 152

        static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, meta: UInt16 = 0x08
        static let leaf2: UInt16 = 0x20, subPage: UInt16 = 0x40
        /// The page flags that say what a page is (`P_DIRTY`, `P_LOOSE`, `P_KEEP` do not).
        static let kind: UInt16 = branch | leaf | overflow | meta | leaf2 | subPage

        static let bigData: UInt16 = 0x01, subData: UInt16 = 0x02, dupData: UInt16 = 0x04

        static let magic: UInt32 = 0xBEEF_C0DE
        static let version: UInt32 = 1
        /// `P_INVALID`: the root of an empty tree.
        static let noPage = UInt64.max
        /// `CURSOR_STACK`: no tree is deeper.
        static let maximumDepth = 32
    }

    /// An `MDB_db` record: a tree's root and what it holds.
    struct DatabaseRecord {
        var pad: UInt32
        var flags: UInt16
        var depth: Int
        var branchPages: UInt64
        var leafPages: UInt64
        var overflowPages: UInt64
        var entries: UInt64
        var root: UInt64

        /// Reads the record at `offset`; the caller has checked that 48 bytes are there.
        init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
            pad = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            flags = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            depth = Int(bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self))
            branchPages = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
            leafPages = bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
            overflowPages = bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
            entries = bytes.loadUnaligned(fromByteOffset: offset + 32, as: UInt64.self)
            root = bytes.loadUnaligned(fromByteOffset: offset + 40, as: UInt64.self)
        }
    }

    /// A leaf or branch node: where it starts in the buffer, its key, its flags and
    /// `mn_lo | mn_hi << 16` (a leaf's data size; with the flags, a branch's child page).
    struct Node {
        let start: Int
        let key: UnsafeRawBufferPointer
        let flags: UInt16
        let low: UInt64
        /// A branch node's child page: `mn_lo | mn_hi << 16` and the flags above them.
        var child: UInt64 { low | UInt64(flags) << 32 }
        /// Where the data follows the key.
        var data: Int { start + Layout.nodeHeader + key.count }
    }

    /// How a tree orders its keys (or a sorted set its values).
    enum KeyOrder {
        /// `memcmp`, the shorter first on a tie.
        case bytes
        /// `memcmp` from the last byte backwards (`MDB_REVERSEKEY`, `MDB_REVERSEDUP`).
        case reversedBytes
        /// Native unsigned integers of 4 or 8 bytes (`MDB_INTEGERKEY`, `MDB_INTEGERDUP`).
        case integer

        init(keys flags: UInt16) {
            if flags & UInt16(MDB_INTEGERKEY) != 0 {
                self = .integer
            } else if flags & UInt16(MDB_REVERSEKEY) != 0 {
                self = .reversedBytes
            } else {
                self = .bytes
            }
        }

        init(values flags: UInt16) {
            if flags & UInt16(MDB_INTEGERDUP) != 0 {
                self = .integer
            } else if flags & UInt16(MDB_REVERSEDUP) != 0 {
                self = .reversedBytes
            } else {
                self = .bytes
            }
        }

        /// Negative, zero or positive as `a` sorts before, with or after `b`.
        func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
            switch self {
            case .integer where a.count == b.count && a.count == 8:
                let x = a.loadUnaligned(as: UInt64.self)
                let y = b.loadUnaligned(as: UInt64.self)
                return x < y ? -1 : x == y ? 0 : 1
            case .integer where a.count == b.count && a.count == 4:
                let x = a.loadUnaligned(as: UInt32.self)
                let y = b.loadUnaligned(as: UInt32.self)
                return x < y ? -1 : x == y ? 0 : 1
            case .reversedBytes:
                var i = a.count
                var j = b.count
                while i > 0 && j > 0 {
                    i -= 1
                    j -= 1
                    if a[i] != b[j] { return Int(a[i]) - Int(b[j]) }
                }
                return a.count - b.count
            case .bytes, .integer:
                let n = min(a.count, b.count)
                if n > 0, let p = a.baseAddress, let q = b.baseAddress {
                    let c = memcmp(p, q, n)
                    if c != 0 { return Int(c) }
                }
                return a.count - b.count
            }
        }
    }

    /// A set of page numbers, one bit each.
    struct PageSet {
        var words: [UInt64]

        init(pages: Int) { words = [UInt64](repeating: 0, count: (pages + 63) / 64) }

        /// Adds `page`; `false` when it was there already.
        mutating func insert(_ page: Int) -> Bool {
            let bit: UInt64 = 1 << UInt64(page & 63)
            let old = words[page >> 6]
            words[page >> 6] = old | bit
            return old & bit == 0
        }

        func contains(_ page: Int) -> Bool { words[page >> 6] & (1 << UInt64(page & 63)) != 0 }

        /// Calls `body` with each page in both sets, in ascending order.
        func forEachCommon(with other: PageSet, _ body: (Int) -> Void) {
            for (i, word) in words.enumerated() {
                var both = word & other.words[i]
                while both != 0 {
                    body(i << 6 | both.trailingZeroBitCount)
                    both &= both - 1
                }
            }
        }
    }
}
