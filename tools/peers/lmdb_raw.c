/*
 * lmdb_raw.c — the "ceiling" peer for Strata's benchmarks: the same log workload
 * written directly against LMDB in C, with nothing on top (no JSON, no hashing,
 * no Swift). Strata stores its journal in LMDB, so this is the fastest it could
 * possibly go on this machine; tools/bench-log reports strata/lmdb-c as a ratio.
 *
 * Workload (mirrors an append-only event journal):
 *   - one named database "events" in a fresh environment (dir 0700, files 0600),
 *     map size 64 GiB, default durable flags (no MDB_NOSYNC / MDB_NOMETASYNC):
 *     every commit is fsync'd, exactly like a durable Strata commit;
 *   - key = 8-byte big-endian position, starting at 1 (memcmp order = numeric order),
 *     inserted with MDB_APPEND;
 *   - value = SIZE pseudo-random bytes (xorshift64*, different for every record);
 *   - one write transaction per BATCH records (plus one for the remainder).
 *
 * Modes:
 *   lmdb_raw write DIR N SIZE BATCH   time env open + N appends + final commit
 *   lmdb_raw scan DIR                 time env open + one read txn cursor scan that
 *                                     reads every byte of every value (checksum)
 *   lmdb_raw append-one DIR SIZE      append one record at last+1 in its own durable
 *                                     txn (for whole-process comparisons); prints the
 *                                     position written
 *   lmdb_raw copy-tables SRC DST PREFIXES COMMITS
 *                                     the floor of Strata's writes: reads every row of
 *                                     SRC's named databases whose names start with one
 *                                     of the comma-separated PREFIXES into memory
 *                                     (untimed), then times writing them all into a
 *                                     fresh environment DST, each database with its own
 *                                     flags, in key order with MDB_APPEND (MDB_APPENDDUP
 *                                     for sets), spread evenly over COMMITS durable
 *                                     commits: the cheapest way LMDB can be given the
 *                                     rows Strata stores (a lower bound on any program's
 *                                     time to write them)
 *
 * Output: ONE JSON line on stdout, e.g.
 *   {"peer":"lmdb-c","op":"write","events":N,"seconds":S,"events_per_s":R}
 * Every LMDB return code is checked; on error a message goes to stderr and the
 * exit status is non-zero.
 *
 * Build: gcc -O2 -o tools/bin/lmdb_raw tools/peers/lmdb_raw.c -llmdb
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define PEER "lmdb-c"
#define DB_NAME "events"
#define MAP_SIZE ((size_t)64 << 30) /* 64 GiB */

static void die(const char *what, int rc) {
    fprintf(stderr, "lmdb_raw: %s: %s (%d)\n", what, mdb_strerror(rc), rc);
    exit(1);
}

#define CHECK(call)                                                                    \
    do {                                                                               \
        int rc_ = (call);                                                              \
        if (rc_ != MDB_SUCCESS) die(#call, rc_);                                       \
    } while (0)

static double now_seconds(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("lmdb_raw: clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t parse_u64(const char *s, const char *name, uint64_t min) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min) {
        fprintf(stderr, "lmdb_raw: invalid %s: %s (need an integer >= %" PRIu64 ")\n",
                name, s, min);
        exit(2);
    }
    return (uint64_t)v;
}

static void encode_be64(uint64_t v, unsigned char out[8]) {
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t decode_be64(const unsigned char in[8]) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in[i];
    return v;
}

/* xorshift64*: cheap, and gives every record different bytes. */
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

/* mkdir 0700 if missing, create the env, open (creating) the "events" db. */
static MDB_env *open_env(const char *dir, MDB_dbi *dbi) {
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "lmdb_raw: mkdir %s: %s\n", dir, strerror(errno));
        exit(1);
    }
    MDB_env *env = NULL;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_maxdbs(env, 4));
    CHECK(mdb_env_set_mapsize(env, MAP_SIZE));
    CHECK(mdb_env_open(env, dir, 0 /* durable defaults */, 0600));
    MDB_txn *txn = NULL;
    CHECK(mdb_txn_begin(env, NULL, 0, &txn));
    CHECK(mdb_dbi_open(txn, DB_NAME, MDB_CREATE, dbi));
    CHECK(mdb_txn_commit(txn));
    return env;
}

static void print_result(const char *op, uint64_t events, double seconds) {
    double rate = seconds > 0 ? (double)events / seconds : 0.0;
    printf("{\"peer\":\"" PEER "\",\"op\":\"%s\",\"events\":%" PRIu64
           ",\"seconds\":%.6f,\"events_per_s\":%.1f}\n",
           op, events, seconds, rate);
}

/* Puts one record, beginning a write transaction when none is open and committing it
 * (durably) after every BATCH puts. */
static void put_batched(MDB_env *env, MDB_txn **txn, MDB_dbi dbi, MDB_val *k, MDB_val *v, unsigned int flags,
                        uint64_t *in_txn, uint64_t batch) {
    if (*txn == NULL) CHECK(mdb_txn_begin(env, NULL, 0, txn));
    CHECK(mdb_put(*txn, dbi, k, v, flags));
    if (++*in_txn == batch) {
        CHECK(mdb_txn_commit(*txn));
        *txn = NULL;
        *in_txn = 0;
    }
}

static int cmd_write(const char *dir, uint64_t n, uint64_t size, uint64_t batch) {
    /* Refuse to "write" into an existing environment: results must come from a fresh one. */
    char path[4096];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/data.mdb", dir) >= (int)sizeof path) {
        fprintf(stderr, "lmdb_raw: path too long\n");
        return 2;
    }
    if (stat(path, &st) == 0) {
        fprintf(stderr, "lmdb_raw: %s already exists; write needs a fresh directory\n", path);
        return 2;
    }

    unsigned char *value = malloc(size ? size : 1);
    if (!value) {
        fprintf(stderr, "lmdb_raw: out of memory\n");
        return 1;
    }

    double t0 = now_seconds();
    MDB_dbi dbi;
    MDB_env *env = open_env(dir, &dbi);
    MDB_txn *txn = NULL;
    uint64_t in_txn = 0;
    unsigned char keybuf[8];
    for (uint64_t pos = 1; pos <= n; pos++) {
        encode_be64(pos, keybuf);
        fill_value(value, (size_t)size);
        MDB_val k = {.mv_size = 8, .mv_data = keybuf};
        MDB_val v = {.mv_size = (size_t)size, .mv_data = value};
        put_batched(env, &txn, dbi, &k, &v, MDB_APPEND, &in_txn, batch);
    }
    if (txn != NULL) CHECK(mdb_txn_commit(txn));
    double t1 = now_seconds();

    mdb_env_close(env);
    free(value);
    print_result("write", n, t1 - t0);
    return 0;
}

static int cmd_scan(const char *dir) {
    double t0 = now_seconds();
    MDB_env *env = NULL;
    MDB_dbi dbi;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_maxdbs(env, 4));
    CHECK(mdb_env_open(env, dir, MDB_RDONLY, 0600));
    MDB_txn *txn = NULL;
    CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
    CHECK(mdb_dbi_open(txn, DB_NAME, 0, &dbi));
    MDB_cursor *cur = NULL;
    CHECK(mdb_cursor_open(txn, dbi, &cur));

    uint64_t events = 0, checksum = 0, expect = 1;
    MDB_val k, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == MDB_SUCCESS) {
        if (k.mv_size != 8) {
            fprintf(stderr, "lmdb_raw: unexpected key size %zu\n", k.mv_size);
            return 1;
        }
        uint64_t pos = decode_be64(k.mv_data);
        if (pos != expect) {
            fprintf(stderr, "lmdb_raw: gap: expected position %" PRIu64 ", found %" PRIu64 "\n",
                    expect, pos);
            return 1;
        }
        expect++;
        checksum = checksum * 31 + touch(v.mv_data, v.mv_size); /* order-sensitive */
        events++;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    if (rc != MDB_NOTFOUND) die("mdb_cursor_get", rc);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    double t1 = now_seconds();
    mdb_env_close(env);

    double secs = t1 - t0;
    printf("{\"peer\":\"" PEER "\",\"op\":\"scan\",\"events\":%" PRIu64
           ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"checksum\":%" PRIu64 "}\n",
           events, secs, secs > 0 ? (double)events / secs : 0.0, checksum);
    return 0;
}

static int cmd_append_one(const char *dir, uint64_t size) {
    unsigned char *value = malloc(size ? size : 1);
    if (!value) {
        fprintf(stderr, "lmdb_raw: out of memory\n");
        return 1;
    }
    rng_state ^= (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
    if (rng_state == 0) rng_state = 1;
    fill_value(value, (size_t)size);

    MDB_dbi dbi;
    MDB_env *env = open_env(dir, &dbi);
    MDB_txn *txn = NULL;
    CHECK(mdb_txn_begin(env, NULL, 0, &txn));
    MDB_cursor *cur = NULL;
    CHECK(mdb_cursor_open(txn, dbi, &cur));
    MDB_val k, v;
    uint64_t last = 0;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    if (rc == MDB_SUCCESS) {
        if (k.mv_size != 8) {
            fprintf(stderr, "lmdb_raw: unexpected key size %zu\n", k.mv_size);
            return 1;
        }
        last = decode_be64(k.mv_data);
    } else if (rc != MDB_NOTFOUND) {
        die("mdb_cursor_get(MDB_LAST)", rc);
    }
    mdb_cursor_close(cur);

    unsigned char keybuf[8];
    encode_be64(last + 1, keybuf);
    MDB_val nk = {.mv_size = 8, .mv_data = keybuf};
    MDB_val nv = {.mv_size = (size_t)size, .mv_data = value};
    CHECK(mdb_put(txn, dbi, &nk, &nv, MDB_APPEND));
    CHECK(mdb_txn_commit(txn));
    mdb_env_close(env);
    free(value);
    printf("{\"peer\":\"" PEER "\",\"op\":\"append-one\",\"position\":%" PRIu64 "}\n", last + 1);
    return 0;
}

/* One database's rows, read from the source environment. */
struct table {
    char name[256];
    unsigned int flags;
    size_t rows, cap;
    MDB_val *keys, *values;
    unsigned char *bytes; /* every key and value, back to back */
    size_t used, space;
};

static void *grow(void *p, size_t size) {
    void *q = realloc(p, size);
    if (!q) {
        fprintf(stderr, "lmdb_raw: out of memory\n");
        exit(1);
    }
    return q;
}

static size_t keep(struct table *t, const MDB_val *v) {
    if (t->used + v->mv_size > t->space) {
        t->space = (t->space + v->mv_size) * 2;
        t->bytes = grow(t->bytes, t->space);
    }
    size_t at = t->used;
    memcpy(t->bytes + at, v->mv_data, v->mv_size);
    t->used += v->mv_size;
    return at;
}

/* Whether NAME (SIZE bytes) starts with one of the comma-separated PREFIXES. */
static int matches(const char *name, size_t size, const char *prefixes) {
    for (const char *p = prefixes;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (size >= n && memcmp(name, p, n) == 0) return 1;
        if (!end) return 0;
        p = end + 1;
    }
}

static int cmd_copy_tables(const char *src, const char *dst, const char *prefix, uint64_t commits) {
    char path[4096];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/data.mdb", dst) >= (int)sizeof path) return 2;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "lmdb_raw: %s already exists; copy-tables needs a fresh directory\n", path);
        return 2;
    }
    MDB_env *in = NULL;
    CHECK(mdb_env_create(&in));
    CHECK(mdb_env_set_maxdbs(in, 256));
    CHECK(mdb_env_open(in, src, MDB_RDONLY, 0600));
    MDB_txn *rt = NULL;
    CHECK(mdb_txn_begin(in, NULL, MDB_RDONLY, &rt));
    MDB_dbi main_db;
    CHECK(mdb_dbi_open(rt, NULL, 0, &main_db));
    struct table tables[128];
    int ntables = 0;
    MDB_cursor *names = NULL;
    CHECK(mdb_cursor_open(rt, main_db, &names));
    MDB_val k, v;
    for (int rc = mdb_cursor_get(names, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(names, &k, &v, MDB_NEXT)) {
        if (k.mv_size >= 256 || !matches(k.mv_data, k.mv_size, prefix)) continue;
        if (ntables == 128) break;
        struct table *t = &tables[ntables++];
        memset(t, 0, sizeof *t);
        memcpy(t->name, k.mv_data, k.mv_size);
        t->name[k.mv_size] = 0;
    }
    mdb_cursor_close(names);
    uint64_t total = 0;
    for (int i = 0; i < ntables; i++) {
        struct table *t = &tables[i];
        MDB_dbi dbi;
        CHECK(mdb_dbi_open(rt, t->name, 0, &dbi));
        CHECK(mdb_dbi_flags(rt, dbi, &t->flags));
        MDB_cursor *c = NULL;
        CHECK(mdb_cursor_open(rt, dbi, &c));
        size_t *offsets = NULL;
        for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
             rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            if (t->rows == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 1024;
                t->keys = grow(t->keys, t->cap * sizeof(MDB_val));
                t->values = grow(t->values, t->cap * sizeof(MDB_val));
                offsets = grow(offsets, t->cap * 2 * sizeof(size_t));
            }
            offsets[2 * t->rows] = keep(t, &k);
            t->keys[t->rows].mv_size = k.mv_size;
            offsets[2 * t->rows + 1] = keep(t, &v);
            t->values[t->rows].mv_size = v.mv_size;
            t->rows++;
        }
        for (size_t r = 0; r < t->rows; r++) { /* the buffer may have moved while growing */
            t->keys[r].mv_data = t->bytes + offsets[2 * r];
            t->values[r].mv_data = t->bytes + offsets[2 * r + 1];
        }
        free(offsets);
        mdb_cursor_close(c);
        total += t->rows;
    }
    mdb_txn_abort(rt);
    mdb_env_close(in);
    uint64_t batch = total / commits + (total % commits != 0);
    if (batch == 0) batch = 1;

    double t0 = now_seconds();
    if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "lmdb_raw: mkdir %s: %s\n", dst, strerror(errno));
        return 1;
    }
    MDB_env *out = NULL;
    CHECK(mdb_env_create(&out));
    CHECK(mdb_env_set_maxdbs(out, 256));
    CHECK(mdb_env_set_mapsize(out, MAP_SIZE));
    CHECK(mdb_env_open(out, dst, 0, 0600));
    MDB_txn *txn = NULL;
    CHECK(mdb_txn_begin(out, NULL, 0, &txn));
    MDB_dbi dbis[128];
    for (int i = 0; i < ntables; i++)
        CHECK(mdb_dbi_open(txn, tables[i].name, MDB_CREATE | (tables[i].flags & (MDB_DUPSORT | MDB_DUPFIXED)), &dbis[i]));
    uint64_t in_txn = 0;
    for (int i = 0; i < ntables; i++) {
        struct table *t = &tables[i];
        unsigned int flag = (t->flags & MDB_DUPSORT) ? MDB_APPENDDUP : MDB_APPEND;
        for (size_t r = 0; r < t->rows; r++) put_batched(out, &txn, dbis[i], &t->keys[r], &t->values[r], flag, &in_txn, batch);
    }
    if (txn != NULL) CHECK(mdb_txn_commit(txn));
    double t1 = now_seconds();
    mdb_env_close(out);
    printf("{\"peer\":\"" PEER "\",\"op\":\"copy-tables\",\"tables\":%d,\"rows\":%" PRIu64
           ",\"commits\":%" PRIu64 ",\"seconds\":%.6f,\"rows_per_s\":%.1f}\n",
           ntables, total, (total + batch - 1) / batch, t1 - t0, t1 > t0 ? (double)total / (t1 - t0) : 0.0);
    for (int i = 0; i < ntables; i++) {
        free(tables[i].keys);
        free(tables[i].values);
        free(tables[i].bytes);
    }
    return 0;
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmdb_raw write DIR N SIZE BATCH\n"
            "       lmdb_raw scan DIR\n"
            "       lmdb_raw append-one DIR SIZE\n"
            "       lmdb_raw copy-tables SRC DST PREFIXES COMMITS\n");
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "write") == 0 && argc == 6) {
        uint64_t n = parse_u64(argv[3], "N", 0);
        uint64_t size = parse_u64(argv[4], "SIZE", 0);
        uint64_t batch = parse_u64(argv[5], "BATCH", 1);
        return cmd_write(argv[2], n, size, batch);
    }
    if (argc >= 2 && strcmp(argv[1], "scan") == 0 && argc == 3) return cmd_scan(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "append-one") == 0 && argc == 4)
        return cmd_append_one(argv[2], parse_u64(argv[3], "SIZE", 0));
    if (argc >= 2 && strcmp(argv[1], "copy-tables") == 0 && argc == 6)
        return cmd_copy_tables(argv[2], argv[3], argv[4], parse_u64(argv[5], "COMMITS", 1));
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
