#!/usr/bin/env python3
"""Content guard for the benchmark: are the records a tool wrote the records of the input?

  some-tool small.csv    | check.py csv    small.csv     TOOL
  some-tool small.ndjson | check.py ndjson small.ndjson  TOOL

Reads the tool's NDJSON output on standard input and compares it, record by record, with
the input file (read with Python's csv / json modules). The `_pl` metadata key is ignored.
Values are compared as text: JSON numbers are kept as written (12.30 must stay 12.30), and
for CSV input a number, or null for an empty field, is accepted where the CSV has that text.
Key order must be preserved. Exit 0 when equal; otherwise print the first difference, exit 1.
"""

import csv
import json
import sys


def as_text(value):
    return "" if value is None else value


def main():
    kind, path, tool = sys.argv[1], sys.argv[2], sys.argv[3]
    loads = lambda line: json.loads(line, parse_float=str, parse_int=str)
    if kind == "csv":
        f = open(path, newline="", encoding="utf-8")
        reader = csv.reader(f)
        header = next(reader)
        expected = (dict(zip(header, row)) for row in reader)
        norm = lambda rec: {k: as_text(v) for k, v in rec.items()}
    else:
        f = open(path, encoding="utf-8")
        expected = (loads(line) for line in f)
        norm = lambda rec: rec

    def fail(n, msg):
        print("bench: CONTENT CHECK FAILED for %s on %s, record %d: %s" % (tool, path, n, msg),
              file=sys.stderr)
        sys.exit(1)

    n = 0
    got_lines = sys.stdin.buffer
    for n, want in enumerate(expected, 1):
        line = got_lines.readline()
        if not line:
            fail(n, "output ended after %d records" % (n - 1))
        try:
            got = loads(line.decode("utf-8"))
        except ValueError as e:
            fail(n, "not a JSON object line (%s): %r" % (e, line[:200]))
        if not isinstance(got, dict):
            fail(n, "not a JSON object: %r" % line[:200])
        got.pop("_pl", None)
        got = norm(got)
        if list(got) != list(want):
            fail(n, "keys %s, expected %s" % (list(got), list(want)))
        for k in want:
            if got[k] != want[k]:
                fail(n, "field %r is %r, expected %r" % (k, got[k], want[k]))
    extra = got_lines.readline()
    if extra:
        fail(n + 1, "more output than input records: %r" % extra[:200])
    print(n)


if __name__ == "__main__":
    main()
