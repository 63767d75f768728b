#!/usr/bin/env python3
"""Deterministic generator of realistic lab-result data for the pl benchmark.

One row per (sample, analyte) measurement, like a LIMS export of a food lab:

  sample_id,lot,product,analyte,result,unit,loq,method,analyst,measured_at,comment

The data has the untidiness the toolkit is built for: results with decimal commas
("1,25"), censored values ("<0.05"), "n.d."/"ND", units with µ, products and comments
that need quoting (embedded commas), an occasional doubled quote and, rarely, a newline
inside a quoted comment. So the number of *records* differs from the number of *lines*.

  --format csv     RFC 4180 CSV, header line, '\\n' line ends, UTF-8
  --format ndjson  the same records as JSON objects, one per line; text as JSON strings,
                   numeric values ("12.30", "0.05") as JSON numbers written exactly as in
                   the CSV; non-numeric results ("1,25", "<0.05", "n.d.") stay strings

Same --seed and --rows give byte-identical output (only random.Random.random() is used,
whose sequence is stable across Python versions). Plain Python 3, no third-party modules.
The output is written to a temporary file and renamed, so an interrupted run never leaves
a truncated file behind. With --out FILE the record count is printed on stdout; a
summary always goes to stderr.
"""

import argparse
import json
import os
import random
import sys
import time

COLUMNS = ["sample_id", "lot", "product", "analyte", "result", "unit", "loq",
           "method", "analyst", "measured_at", "comment"]

# name, unit, method, loq (text or ""), typical value, spread, decimals
ANALYTES = [
    ("protein", "g/100g", "ISO 8968-1", "0.1", 8.5, 6.0, 2),
    ("fat", "g/100g", "ISO 1211", "0.1", 6.0, 5.0, 2),
    ("moisture", "%", "ISO 6496", "0.1", 62.0, 20.0, 1),
    ("ash", "g/100g", "AOAC 923.03", "0.05", 1.4, 0.9, 2),
    ("carbohydrate", "g/100g", "calc.", "", 18.0, 12.0, 1),
    ("sugars", "g/100g", "HPLC-RI", "0.2", 7.5, 6.0, 1),
    ("fibre", "g/100g", "AOAC 991.43", "0.5", 2.8, 2.5, 1),
    ("sodium", "mg/100g", "EN 15621", "1", 310.0, 250.0, 0),
    ("calcium", "mg/100g", "EN 15621", "1", 120.0, 90.0, 0),
    ("iron", "mg/100g", "EN 15621", "0.05", 1.9, 1.5, 2),
    ("vitamin_c", "mg/100g", "EN 14130", "0.5", 12.0, 10.0, 1),
    ("vitamin_d", "\u00b5g/100g", "EN 12821", "0.05", 1.1, 0.9, 2),
    ("vitamin_b12", "\u00b5g/100g", "LC-MS/MS", "0.02", 0.45, 0.35, 3),
    ("salt", "g/100g", "calc. Na x 2.5", "", 0.8, 0.6, 2),
]

PRODUCTS = [
    "Oat drink barista", "Oat drink original", "Soy yoghurt plain", "Greek yoghurt 10%",
    "Yoghurt, strawberry", "Yoghurt, vanilla", "Whey protein bar", "Pea protein isolate",
    "Muesli, fruit & nut", "Granola honey", "Wholegrain crackers", "Rye crispbread",
    "Tomato soup", "Lentil soup", "Baby cereal, rice", "Infant formula stage 1",
    "Orange juice NFC", "Apple puree", "Chocolate spread", "Peanut butter smooth",
    "Cheddar mature", "Skimmed milk powder", "Vegan burger patty", "Fish fingers",
]

ANALYSTS = ["A. Novak", "J. Meyer", "M. Keller", "S. Okafor", "L. Rossi", "K. Nguyen",
            "P. Jansen", "R. Silva", "E. Lindqvist", "T. Brennan", "H. Yilmaz", "C. Dubois"]

# Comments: mostly empty; commas, quotes, newlines and non-ASCII where a real lab has them.
COMMENTS_PLAIN = ["ok", "duplicate", "re-run", "within spec", "repeat requested",
                  "outlier checked", "QC pass", "sample thawed", "stored at 4 \u00b0C",
                  "client retest", "blank corrected", "diluted 1:10"]
COMMENTS_COMMA = ["re-run, duplicate within 5%", "sample received warm, 12 \u00b0C",
                  "matrix spike 98%, ok", "low recovery, repeat scheduled",
                  "homogenised, sub-sample B", "reported to client, see email 2/3",
                  "result confirmed by second analyst, no change"]
COMMENTS_QUOTE = ['client label "B2", see COA', 'marked "urgent"',
                  'container says "best before 12/25", expired']
COMMENTS_NEWLINE = ["balance drift\nrecalibrated, re-weighed", "note 1: foam on top\nnote 2: ok",
                    "pH meter error\r\nvalue entered manually"]


def csv_field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def json_string(text):
    return json.dumps(text, ensure_ascii=False)


def is_number(text):
    if not text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return text[0] in "-0123456789" and "e" not in text.lower() and text.lower() not in ("nan", "inf")


def rows(count, seed):
    """Yields rows as tuples of raw text values (before any CSV/JSON encoding)."""
    rng = random.Random(seed)
    r = rng.random
    t = 1672650000  # 2023-01-02T09:00:00Z
    n = 0
    serial = 0
    year = ""
    n_analytes = len(ANALYTES)
    lod = {a[0]: float(a[3]) * 1.5 for a in ANALYTES if a[3]}
    while n < count:
        # one sample: 4..10 consecutive analytes, same product, lot, analyst, day
        t += 60 + int(r() * 540)
        day = time.strftime("%Y-%m-%d", time.gmtime(t))
        if day[2:4] != year:
            year, serial = day[2:4], 0
        serial += 1
        sample_id = "S%s-%06d" % (year, serial)
        p = int(r() * len(PRODUCTS))
        product = PRODUCTS[p]
        lot = "L%s%02d-%04d" % (day[2:4], p, int(r() * 10000))
        analyst = ANALYSTS[int(r() * len(ANALYSTS))]
        k = 4 + int(r() * 7)
        first = int(r() * n_analytes)
        for j in range(k):
            if n >= count:
                break
            name, unit, method, loq, mean, spread, dec = ANALYTES[(first + j) % n_analytes]
            value = mean + spread * (r() + r() + r() - 1.5) * 1.6
            if value < 0:
                value = -value
            if loq and value < lod[name]:
                value += lod[name]
            u = r()
            if loq and u < 0.03:
                result = "<" + loq
            elif u < 0.04:
                result = "n.d." if u < 0.037 else "ND"
            else:
                result = "%.*f" % (dec, value)
                if u < 0.095:
                    result = result.replace(".", ",")
            c = r()
            if c < 0.75:
                comment = ""
            elif c < 0.90:
                comment = COMMENTS_PLAIN[int((c - 0.75) / 0.15 * len(COMMENTS_PLAIN))]
            elif c < 0.98:
                comment = COMMENTS_COMMA[int((c - 0.90) / 0.08 * len(COMMENTS_COMMA))]
            elif c < 0.998:
                comment = COMMENTS_QUOTE[int((c - 0.98) / 0.018 * len(COMMENTS_QUOTE))]
            else:
                comment = COMMENTS_NEWLINE[int((c - 0.998) / 0.002 * len(COMMENTS_NEWLINE))]
            ts = t + j * 97 + int(r() * 60)
            measured_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
            yield (sample_id, lot, product, name, result, unit, loq, method, analyst,
                   measured_at, comment)
            n += 1


KEYS = [json_string(c) + ":" for c in COLUMNS]


def encoders(fmt):
    """Returns (header, line) where line(row) encodes one row. Precomputes the encodings of
    every categorical value; the free-text values (ids, timestamps, results) are ASCII
    without quotes, commas or backslashes by construction."""
    categorical = set(PRODUCTS) | set(ANALYSTS) | set(COMMENTS_PLAIN + COMMENTS_COMMA +
                                                      COMMENTS_QUOTE + COMMENTS_NEWLINE + [""])
    for a in ANALYTES:
        categorical.update(a[:4])
    if fmt == "csv":
        enc = {v: csv_field(v) for v in categorical}
        def line(row):
            sid, lot, product, analyte, result, unit, loq, method, analyst, ts, comment = row
            if "," in result:
                result = '"' + result + '"'
            return "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (
                sid, lot, enc[product], analyte, result, enc[unit], loq, enc[method],
                enc[analyst], ts, enc[comment])
        return ",".join(COLUMNS) + "\n", line
    enc = {v: (v if is_number(v) else json_string(v)) for v in categorical}
    template = "{" + ",".join(k + "%s" for k in KEYS) + "}\n"
    def line(row):
        sid, lot, product, analyte, result, unit, loq, method, analyst, ts, comment = row
        if not ("0" <= result[0] <= "9") or "," in result:
            result = '"' + result + '"'
        return template % ('"' + sid + '"', '"' + lot + '"', enc[product], enc[analyte],
                           result, enc[unit], enc[loq], enc[method], enc[analyst],
                           '"' + ts + '"', enc[comment])
    return "", line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="records to write (default 1000000)")
    ap.add_argument("--out", default="-", help="output file (default: standard output)")
    ap.add_argument("--format", choices=["csv", "ndjson"], default="csv")
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    if args.rows < 0:
        ap.error("--rows must be >= 0")

    header, line = encoders(args.format)

    started = time.time()
    if args.out == "-":
        out, tmp = sys.stdout.buffer, None
    else:
        tmp = "%s.tmp.%d" % (args.out, os.getpid())
        out = open(tmp, "wb")
    written = 0
    try:
        buf = [header]
        n = 0
        for row in rows(args.rows, args.seed):
            buf.append(line(row))
            n += 1
            if len(buf) >= 20_000:
                data = "".join(buf).encode("utf-8")
                out.write(data)
                written += len(data)
                buf = []
        data = "".join(buf).encode("utf-8")
        out.write(data)
        written += len(data)
        out.flush()
        if tmp:
            os.fsync(out.fileno())
            out.close()
            os.replace(tmp, args.out)
    except BaseException:
        if tmp:
            out.close()
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    if tmp:
        print(n)  # the record count, for scripts (not with --out -: stdout is the data)
    print("generate.py: %d records, %.1f MB, %s, %.1f s -> %s"
          % (n, written / 1e6, args.format, time.time() - started, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
