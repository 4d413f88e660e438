import Foundation
import Testing

/// Damage that every row still reads through: `strata verify` reads the pages themselves
/// too (`Environment.pageAudit`), not only every table through cursors. The audit found
/// verify saying ok over both of these while other commands said the journal was
/// corrupted, or later appends overwrote live pages.
@Suite("verify reads LMDB's pages")
struct VerifyPagesTests {
    /// Edits `data.mdb` of a closed journal with a Python script given the file's path (the
    /// layout of LMDB 0.9 pages: 4 KiB pages, a 16-byte header, node offsets after it;
    /// the meta page holds the free list's and the main database's records).
    private func edit(_ journal: String, _ script: String) throws {
        let prelude = """
            import struct, sys
            path = sys.argv[1]; d = bytearray(open(path, 'rb').read()); ps = 4096
            def meta(i):
                b = i * ps
                txn = struct.unpack('<Q', d[b + 144:b + 152])[0]
                return txn, struct.unpack('<Q', d[b + 40 + 40:b + 40 + 48])[0], struct.unpack('<Q', d[b + 88 + 40:b + 88 + 48])[0]
            txn, freeroot, mainroot = max(meta(0), meta(1))
            def nodes(pg):
                p = d[pg * ps:(pg + 1) * ps]; _, _, fl, lo, up = struct.unpack('<QHHHH', p[:16])
                out = []
                for k in range((lo - 16) // 2):
                    po = struct.unpack('<H', p[16 + 2 * k:18 + 2 * k])[0]
                    a, b, f, ks = struct.unpack('<HHHH', p[po:po + 8])
                    out.append((po, a | (b << 16), f, ks))
                return fl, out

            """
        let r = try Running("/usr/bin/env", ["python3", "-c", prelude + script, journal + "/data.mdb"]).wait()
        try #require(r.exited(0), "edit: \(r.err)")
    }

    /// A journal of the bundled sample (200 events: the events table's root is a branch
    /// page), verified clean first.
    private func sampleJournal(_ dir: URL) throws -> String {
        let j = dir.appendingPathComponent("journal").path
        try #require(try strata("import", sampleExport.path, "--journal", j).exited(0))
        let clean = try strata("verify", "--journal", j)
        try #require(clean.exited(0), "\(clean.out)")
        return j
    }

    @Test("a byte of a separator key changed in the events table's branch page: verify names the page (exit 74)")
    func separatorKey() throws {
        try withTemporaryDirectory { dir in
            let j = try sampleJournal(dir)
            try edit(
                j,
                """
                fl, ns = nodes(mainroot)
                root = None
                for po, size, f, ks in ns:
                    if bytes(d[mainroot * ps + po + 8:mainroot * ps + po + 8 + ks]) == b'events':
                        root = struct.unpack('<Q', d[mainroot * ps + po + 8 + ks + 40:mainroot * ps + po + 8 + ks + 48])[0]
                fl, ns = nodes(root)
                assert fl & 1, 'the events root is not a branch page'
                po, size, f, ks = ns[len(ns) // 2]
                d[root * ps + po + 8 + ks - 2] ^= 0x5A   # a middle separator's second-lowest byte
                open(path, 'wb').write(d)
                """)
            let r = try strata("verify", "--journal", j)
            #expect(r.exited(74), "\(r.status) \(r.out)")
            #expect(r.out.contains("problem: LMDB pages: database \"events\": "), "\(r.out)")
        }
    }

    @Test("a page number changed in LMDB's free list: verify says so before a write reuses a live page (exit 74)")
    func freeListPage() throws {
        try withTemporaryDirectory { dir in
            let j = try sampleJournal(dir)
            // Free pages come from the writes after the import: the read models' catch-up
            // and a few appends.
            for n in 0..<3 {
                let report = try reportFile(
                    "report: {id: r\(n), outlet: Wire, published: 2020-01-01}\nclaims:\n  - {id: c1, kind: shipment, commodity: coal}\n",
                    named: "r\(n).yaml", in: dir)
                try #require(try strata("append", report, "--journal", j).exited(0))
            }
            try #require(try strata("verify", "--journal", j).exited(0))
            try edit(
                j,
                """
                fl, ns = nodes(freeroot)
                assert fl & 2, 'the free list root is not a leaf'
                po, size, f, ks = ns[-1]
                data = freeroot * ps + po + 8 + ks
                count = struct.unpack('<Q', d[data:data + 8])[0]
                assert count >= 2, 'too few free pages'
                d[data + 8 * count] ^= 0x01   # the low byte of the record's last page number
                open(path, 'wb').write(d)
                """)
            let r = try strata("verify", "--journal", j)
            #expect(r.exited(74), "\(r.status) \(r.out)")
            #expect(r.out.contains("problem: LMDB pages: "), "\(r.out)")
            #expect(r.out.contains("free"), "\(r.out)")
        }
    }
}
