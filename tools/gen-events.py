#!/usr/bin/env python3
"""gen-events.py — generate a reproducible NDJSON file of events in the Strata
export format, as input for `strata import` and for tools/bench-log.

One JSON object per line, keys exactly (in this order):
  position, id, type, stream, version, recorded_at, recorded_by,
  correlation_id, causation_id, payload

What it models, and why:
  - positions 1..N, gapless (an exported journal);
  - events come in "commands" of 1-8 consecutive events; all events of a command
    share one correlation_id and one recorded_at (one commit in Strata), and go
    to one stream, taking that stream's next versions 1, 2, 3, ...;
  - N/10 streams named bench-%06d, picked at random per command, so streams
    interleave the way they do in a real journal;
  - recorded_at strictly increases by a random 1-5000 ms (microsecond precision)
    per command, starting at 2026-01-01T00:00:00.000000Z;
  - ids and correlation ids are UUIDv7 (48-bit ms timestamp = recorded_at's ms,
    version 7, variant 0b10). Within a millisecond a 12-bit counter in rand_a
    (RFC 9562 "method 1") keeps every id unique and strictly increasing in file
    order; the remaining 62 bits are random;
  - payload: ~300 bytes when serialized compactly, mixing strings, ints, a float
    (finite; printed by json as the shortest repr, sometimes all 17 digits), a
    bool, a null, a nested object, a short array and random ASCII text.

Everything comes from random.Random(--seed), so the same seed gives the same file,
byte for byte. Serialization: json.dumps(obj, separators=(",", ":"),
ensure_ascii=False).

Usage:
  tools/gen-events.py --events 1000000 --seed 1 --output /tmp/events.ndjson
  tools/gen-events.py --events 200 --seed 7 --output examples/sample-events.ndjson
"""

import argparse
import datetime
import json
import random
import sys

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_US = int(EPOCH.timestamp()) * 1_000_000
TARGET_PAYLOAD_BYTES = 300

COMMODITIES = ("coal", "iron ore", "copper", "nickel", "bauxite", "lithium", "grain",
               "crude oil", "lng", "timber", "cobalt", "zinc")
PORTS = ("KP", "CN", "RU", "JP", "KR", "AU", "BR", "ZA", "IN", "ID", "CL", "PE",
         "NO", "NL", "SG", "AE")
TAGS = ("priority", "audit", "manual", "auto", "late", "amended", "split", "merged",
        "export", "import", "sampled", "flagged")
WORDS = ("alpha bravo cargo delta echo ledger vessel manifest harbour berth quay "
         "tonnage draft ballast invoice customs seal pallet container crane barge "
         "freight broker charter demurrage laytime bill lading origin assay grade "
         "moisture sample weight bridge scale convoy depot transit route audit "
         "verified pending signed counter offer settle clearance permit").split()


def uuid7_string(ms, counter, rand_b):
    """Canonical lowercase UUIDv7: 48-bit ms | ver 7 | 12-bit counter | var 10 | 62 bits."""
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b
    h = "%032x" % value
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def format_time(us):
    """Microseconds since the Unix epoch -> YYYY-MM-DDTHH:MM:SS.ffffffZ."""
    dt = EPOCH + datetime.timedelta(microseconds=us - EPOCH_US)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Same output as json.dumps(obj, separators=(",", ":"), ensure_ascii=False), without
# building a new encoder for every call.
ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def make_text_pool(rng):
    """~1.4 MB of seeded random words; each payload's text is a random window of it."""
    return " ".join(rng.choices(WORDS, k=200_000)) + " "


# Byte length of the compact payload with "text": "" minus its variable fields;
# make_payload adds the lengths of the variable fields to it.
_FIXED_PAYLOAD_LEN = len(ENCODE({
    "claim": "", "commodity": "", "tonnes": 0, "count": 0, "confirmed": None, "note": None,
    "route": {"from": "", "to": "", "leg": 0}, "tags": [], "text": "",
})) - len("0") * 3 - len("null")
_FLOAT_DIGITS = (1, 2, 3, 17)  # 17: keep the full double, exercises repr-shortest
_float_repr = float.__repr__    # what json uses for floats


def make_payload(rng, version, pool):
    # One 64-bit draw feeds the small choices (modulo bias is irrelevant here).
    r = rng.getrandbits(64)
    tonnes = round(0.5 + rng.random() * 249999.5, _FLOAT_DIGITS[r & 3])
    claim = "CLM-%08d-%d" % ((r >> 2) & 0x3FFFFFF, version)
    commodity = COMMODITIES[(r >> 28) % len(COMMODITIES)]
    count = ((r >> 32) & 0x1FFFF) % 100051 - 50
    confirmed = (r >> 49) % 10 < 7
    leg = (r >> 53) % 9 + 1
    ntags = (r >> 57) % 3 + 1
    route_from = PORTS[(r >> 59) & 15]
    tags = rng.sample(TAGS, ntags)
    route_to = PORTS[rng.getrandbits(4)]
    payload = {
        "claim": claim,
        "commodity": commodity,
        "tonnes": tonnes,
        "count": count,
        "confirmed": confirmed,
        "note": None,
        "route": {"from": route_from, "to": route_to, "leg": leg},
        "tags": tags,
        "text": "",
    }
    # Fill "text" with whole words so the payload is 300 bytes +/- ~30 (cutting at a
    # word boundary loses a few bytes on average, hence the +3 in "room").
    base = (_FIXED_PAYLOAD_LEN + len(claim) + len(commodity) + len(_float_repr(tonnes))
            + len(str(count)) + (4 if confirmed else 5) + len(route_from) + len(route_to)
            + 1 + sum(map(len, tags)) + 3 * ntags - 1)
    room = TARGET_PAYLOAD_BYTES + 3 - 24 + ((rng.getrandbits(16) * 49) >> 16) - base
    if room > 0:
        start = pool.index(" ", rng.randrange(len(pool) - 2 * TARGET_PAYLOAD_BYTES)) + 1
        end = pool.rfind(" ", start, start + room + 1)
        if end > start:
            payload["text"] = pool[start:end]
    return payload


def generate(n, seed, out):
    rng = random.Random(seed)
    getrandbits = rng.getrandbits
    randint = rng.randint
    pool = make_text_pool(rng)
    n_streams = max(1, n // 10)
    next_version = [1] * (n_streams + 1)  # index 1..n_streams

    now_us = EPOCH_US
    position = 1
    buf = []
    while position <= n:
        size = min(randint(1, 8), n - position + 1)
        ms = now_us // 1000
        # One ms per command (increments are >= 1 ms), so a counter starting in the
        # lower half of 12 bits can never overflow across <= 9 ids.
        counter = getrandbits(11)
        correlation_id = uuid7_string(ms, counter, getrandbits(62))
        counter += 1
        recorded_at = format_time(now_us)
        stream_index = randint(1, n_streams)
        stream = "bench-%06d" % stream_index
        version = next_version[stream_index]
        for _ in range(size):
            event = {
                "position": position,
                "id": uuid7_string(ms, counter, getrandbits(62)),
                "type": "bench.recorded.v1",
                "stream": stream,
                "version": version,
                "recorded_at": recorded_at,
                "recorded_by": "bench",
                "correlation_id": correlation_id,
                "causation_id": None,
                "payload": make_payload(rng, version, pool),
            }
            buf.append(ENCODE(event))
            counter += 1
            version += 1
            position += 1
        next_version[stream_index] = version
        now_us += randint(1000, 5_000_000)  # 1-5000 ms, microsecond precision
        if len(buf) >= 8192:
            buf.append("")
            out.write("\n".join(buf))
            buf = []
    if buf:
        buf.append("")
        out.write("\n".join(buf))


def main():
    ap = argparse.ArgumentParser(
        description="Generate NDJSON events in the Strata export format (reproducible).")
    ap.add_argument("--events", type=int, default=1_000_000, metavar="N",
                    help="number of events (default 1000000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--output", metavar="FILE", default="-",
                    help="output file (default stdout)")
    args = ap.parse_args()
    if args.events < 0:
        ap.error("--events must be >= 0")
    if args.output == "-":
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        generate(args.events, args.seed, sys.stdout)
        sys.stdout.flush()
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            generate(args.events, args.seed, f)


if __name__ == "__main__":
    main()
