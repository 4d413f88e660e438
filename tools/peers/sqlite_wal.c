/*
 * sqlite_wal.c — the "common choice" peer for Strata's benchmarks: the same log
 * workload as lmdb_raw.c, stored the way most people would store an event log
 * in SQLite. tools/bench-log reports strata/sqlite-wal as a ratio.
 *
 * Workload:
 *   - a fresh database FILE in WAL mode with PRAGMA synchronous=FULL, so every
 *     COMMIT is fsync'd (durable, the same guarantee as an LMDB commit); every
 *     other setting is SQLite's default (page size, cache, wal_autocheckpoint);
 *   - table events(position INTEGER PRIMARY KEY, data BLOB NOT NULL);
 *   - one prepared INSERT, position bound explicitly from 1, data = SIZE
 *     pseudo-random bytes (xorshift64*, different for every record);
 *   - BEGIN ... COMMIT every BATCH records (plus one for the remainder).
 *
 * Modes:
 *   sqlite_wal write FILE N SIZE BATCH   time open + pragmas + N inserts + final COMMIT
 *                                        (the close, which checkpoints the WAL, is
 *                                        reported separately as "close_seconds")
 *   sqlite_wal scan FILE                 time open + SELECT data ORDER BY position,
 *                                        reading every byte of every blob (checksum)
 *
 * Output: ONE JSON line on stdout, e.g.
 *   {"peer":"sqlite-wal","op":"write","events":N,"seconds":S,"events_per_s":R}
 * Every SQLite return code is checked; on error a message goes to stderr and the
 * exit status is non-zero.
 *
 * Build: gcc -O2 -o tools/bin/sqlite_wal tools/peers/sqlite_wal.c -lsqlite3
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PEER "sqlite-wal"

static sqlite3 *db = NULL;

static void die(const char *what, int rc) {
    fprintf(stderr, "sqlite_wal: %s: %s (%d)%s%s\n", what, sqlite3_errstr(rc), rc,
            db ? ": " : "", db ? sqlite3_errmsg(db) : "");
    exit(1);
}

#define CHECK(call, ok)                                                                \
    do {                                                                               \
        int rc_ = (call);                                                              \
        if (rc_ != (ok)) die(#call, rc_);                                              \
    } while (0)

static double now_seconds(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("sqlite_wal: clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t parse_u64(const char *s, const char *name, uint64_t min) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min) {
        fprintf(stderr, "sqlite_wal: invalid %s: %s (need an integer >= %" PRIu64 ")\n",
                name, s, min);
        exit(2);
    }
    return (uint64_t)v;
}

/* Same generator and seed as lmdb_raw.c, so both peers store identical bytes. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static inline uint64_t next_rand(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void fill_value(unsigned char *buf, size_t size) {
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t r = next_rand();
        memcpy(buf + i, &r, 8);
    }
    if (i < size) {
        uint64_t r = next_rand();
        memcpy(buf + i, &r, size - i);
    }
}

/* Reads every byte of a value: the sum of its 8-byte little-endian words (the tail
 * zero-padded). Word-wise so that the scan measures the store, not this loop; a
 * byte-at-a-time sum took ~80% of the lmdb-c scan. Identical in both peers, so
 * their checksums match when they hold the same bytes. */
static inline uint64_t touch(const void *data, size_t size) {
    const unsigned char *p = data;
    uint64_t s = 0, w;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        memcpy(&w, p + i, 8);
        s += w;
    }
    if (i < size) {
        w = 0;
        memcpy(&w, p + i, size - i);
        s += w;
    }
    return s;
}

static void exec(const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite_wal: %s: %s\n", sql, err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        exit(1);
    }
}

/* Runs a PRAGMA that returns one text row and checks the value (journal_mode). */
static void pragma_expect(const char *sql, const char *expect) {
    sqlite3_stmt *st = NULL;
    CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    CHECK(sqlite3_step(st), SQLITE_ROW);
    const char *got = (const char *)sqlite3_column_text(st, 0);
    if (!got || strcmp(got, expect) != 0) {
        fprintf(stderr, "sqlite_wal: %s returned %s, expected %s\n", sql, got ? got : "NULL",
                expect);
        exit(1);
    }
    CHECK(sqlite3_finalize(st), SQLITE_OK);
}

static int cmd_write(const char *file, uint64_t n, uint64_t size, uint64_t batch) {
    struct stat stbuf;
    if (stat(file, &stbuf) == 0) {
        fprintf(stderr, "sqlite_wal: %s already exists; write needs a fresh file\n", file);
        return 2;
    }
    unsigned char *value = malloc(size ? size : 1);
    if (!value) {
        fprintf(stderr, "sqlite_wal: out of memory\n");
        return 1;
    }

    double t0 = now_seconds();
    CHECK(sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
          SQLITE_OK);
    pragma_expect("PRAGMA journal_mode=WAL", "wal");
    exec("PRAGMA synchronous=FULL");
    exec("CREATE TABLE events(position INTEGER PRIMARY KEY, data BLOB NOT NULL)");

    sqlite3_stmt *ins = NULL;
    CHECK(sqlite3_prepare_v2(db, "INSERT INTO events(position, data) VALUES (?1, ?2)", -1, &ins,
                             NULL),
          SQLITE_OK);
    int in_txn = 0;
    uint64_t count = 0;
    for (uint64_t pos = 1; pos <= n; pos++) {
        if (!in_txn) {
            exec("BEGIN");
            in_txn = 1;
        }
        fill_value(value, (size_t)size);
        CHECK(sqlite3_bind_int64(ins, 1, (sqlite3_int64)pos), SQLITE_OK);
        CHECK(sqlite3_bind_blob64(ins, 2, value, (sqlite3_uint64)size, SQLITE_STATIC), SQLITE_OK);
        CHECK(sqlite3_step(ins), SQLITE_DONE);
        CHECK(sqlite3_reset(ins), SQLITE_OK);
        if (++count == batch) {
            exec("COMMIT");
            in_txn = 0;
            count = 0;
        }
    }
    if (in_txn) exec("COMMIT");
    double t1 = now_seconds();

    CHECK(sqlite3_finalize(ins), SQLITE_OK);
    CHECK(sqlite3_close(db), SQLITE_OK); /* checkpoints the WAL into the db file */
    db = NULL;
    double t2 = now_seconds();
    free(value);

    double secs = t1 - t0;
    printf("{\"peer\":\"" PEER "\",\"op\":\"write\",\"events\":%" PRIu64
           ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"close_seconds\":%.6f}\n",
           n, secs, secs > 0 ? (double)n / secs : 0.0, t2 - t1);
    return 0;
}

static int cmd_scan(const char *file) {
    double t0 = now_seconds();
    CHECK(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *sel = NULL;
    CHECK(sqlite3_prepare_v2(db, "SELECT position, data FROM events ORDER BY position", -1, &sel,
                             NULL),
          SQLITE_OK);
    uint64_t events = 0, checksum = 0;
    sqlite3_int64 expect = 1;
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        sqlite3_int64 pos = sqlite3_column_int64(sel, 0);
        if (pos != expect) {
            fprintf(stderr, "sqlite_wal: gap: expected position %lld, found %lld\n",
                    (long long)expect, (long long)pos);
            return 1;
        }
        expect++;
        const unsigned char *p = sqlite3_column_blob(sel, 1);
        int len = sqlite3_column_bytes(sel, 1);
        if (len > 0 && p == NULL) die("sqlite3_column_blob", sqlite3_errcode(db));
        checksum = checksum * 31 + touch(p, (size_t)len); /* same as lmdb_raw scan */
        events++;
    }
    if (rc != SQLITE_DONE) die("sqlite3_step(SELECT)", rc);
    CHECK(sqlite3_finalize(sel), SQLITE_OK);
    double t1 = now_seconds();
    CHECK(sqlite3_close(db), SQLITE_OK);
    db = NULL;

    double secs = t1 - t0;
    printf("{\"peer\":\"" PEER "\",\"op\":\"scan\",\"events\":%" PRIu64
           ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"checksum\":%" PRIu64 "}\n",
           events, secs, secs > 0 ? (double)events / secs : 0.0, checksum);
    return 0;
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: sqlite_wal write FILE N SIZE BATCH\n"
            "       sqlite_wal scan FILE\n");
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "write") == 0 && argc == 6) {
        uint64_t n = parse_u64(argv[3], "N", 0);
        uint64_t size = parse_u64(argv[4], "SIZE", 0);
        uint64_t batch = parse_u64(argv[5], "BATCH", 1);
        return cmd_write(argv[2], n, size, batch);
    }
    if (argc >= 2 && strcmp(argv[1], "scan") == 0 && argc == 3) return cmd_scan(argv[2]);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
