#!/usr/bin/env python3
"""Spot-checks that the benchmark's cleaners wrote the same records.

  check.py REFERENCE OTHER...   (NDJSON files, the same records in the same order)

Compared on the first 2000 records and every 997th after: the same field names in the same
order, texts equal, numbers equal within 1e-9 relative (a double divided by ten is not always
the decimal pl-clean writes), null equal to "" (Miller writes no null). `_pl` is ignored.
One difference is known and counted, not failed: a time in the hour the clocks repeat (the
last Sunday of October) is its first occurrence for pl-clean (with a note) and may be the
second for another tool, one hour later. Exit 1 with the first other difference.
"""

import datetime
import json
import sys


def repeated_hour(a, b):
    """Whether two UTC stamps are the two occurrences of one Amsterdam wall-clock time."""
    try:
        x = datetime.datetime.strptime(a, "%Y-%m-%dT%H:%M:%SZ")
        y = datetime.datetime.strptime(b, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return False
    first = min(x, y)
    last_sunday = max(d for d in range(25, 32) if datetime.date(first.year, 10, d).weekday() == 6)
    return abs((y - x).total_seconds()) == 3600 and first.month == 10 and first.day == last_sunday and first.hour == 0


def same(a, b):
    if a is None or a == "":
        return b is None or b == ""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def main():
    ref_path, others = sys.argv[1], sys.argv[2:]
    for other_path in others:
        checked = 0
        known = 0
        with open(ref_path, encoding="utf-8") as ref, open(other_path, encoding="utf-8") as other:
            for n, (x, y) in enumerate(zip(ref, other), 1):
                if n > 2000 and n % 997:
                    continue
                a, b = json.loads(x), json.loads(y)
                a.pop("_pl", None)
                b.pop("_pl", None)
                if list(a) == list(b) and "measured_at" in a and repeated_hour(a["measured_at"], b["measured_at"]):
                    a["measured_at"] = b["measured_at"]
                    known += 1
                if list(a) != list(b) or not all(same(a[k], b[k]) for k in a):
                    print(f"check: {other_path} record {n} differs from {ref_path}:\n  {x.strip()}\n  {y.strip()}", file=sys.stderr)
                    return 1
                checked += 1
        extra = f" ({known} in the repeated hour, an hour apart)" if known else ""
        print(f"check: {other_path}: {checked} records agree with {ref_path}{extra}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
