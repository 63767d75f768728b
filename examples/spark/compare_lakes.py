#!/usr/bin/env python3
"""compare_lakes.py -- are two lakes' silver (and gold) the same, record for record?

    compare_lakes.py LAKE_A LAKE_B [--layer silver|gold|both] [--dataset NAME ...]

Reads every part of LAYER/DATASET/*/*.ndjson.gz of both lakes as it stands (the Hive partition
folder, date=..., is part of what is compared), writes each record as canonical JSON (keys
sorted, no spaces), sorts both lists and compares them line by line.

What may differ between two runs that made the same records, and is left out of the comparison:
  gold   _pl.batches and _pl.silver: the silver batches and part files a gold record was
         built from, whose names differ when silver was promoted in several batches;
  silver nothing: a silver record carries the bronze file's lake path (_pl.source, relative to
         the lake) and its line, which are the same whichever machine or task read it.
The parts' names (part-<batch>-NNNN) are not compared: the batch ids differ by design when the
records were promoted in several batches (one per Spark task) instead of one.

Exit status: 0 the same; 1 they differ (the first differences are printed); 66 a lake is missing.
"""

import argparse
import glob
import gzip
import json
import os
import sys

IGNORED = {"gold": {"batches", "silver"}, "silver": set()}


def canonical(record, layer):
    meta = record.get("_pl")
    if isinstance(meta, dict) and IGNORED[layer]:
        record = dict(record)
        record["_pl"] = {k: v for k, v in meta.items() if k not in IGNORED[layer]}
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def records(lake, layer, dataset):
    lines = []
    for part in sorted(glob.glob(os.path.join(lake, layer, dataset, "*", "*.ndjson.gz"))):
        partition = os.path.basename(os.path.dirname(part))
        with gzip.open(part, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    lines.append(partition + "\t" + canonical(json.loads(line), layer))
    lines.sort()
    return lines


def datasets(lake, layer):
    folder = os.path.join(lake, layer)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lake_a")
    parser.add_argument("lake_b")
    parser.add_argument("--layer", choices=["silver", "gold", "both"], default="both")
    parser.add_argument("--dataset", action="append")
    args = parser.parse_args()
    for lake in (args.lake_a, args.lake_b):
        if not os.path.isdir(lake):
            print(f"compare_lakes: {lake}: no such lake", file=sys.stderr)
            return 66
    layers = ["silver", "gold"] if args.layer == "both" else [args.layer]
    same = True
    for layer in layers:
        names = args.dataset or sorted(set(datasets(args.lake_a, layer)) | set(datasets(args.lake_b, layer)))
        for name in names:
            a = records(args.lake_a, layer, name)
            b = records(args.lake_b, layer, name)
            if a == b:
                print(f"{layer}/{name}: {len(a)} records, the same")
                continue
            same = False
            only_a = sorted(set(a) - set(b))
            only_b = sorted(set(b) - set(a))
            print(f"{layer}/{name}: {len(a)} records in {args.lake_a}, {len(b)} in {args.lake_b}: they differ "
                  f"({len(only_a)} only in the first, {len(only_b)} only in the second)")
            for line in only_a[:3]:
                print(f"  only in {args.lake_a}: {line[:400]}")
            for line in only_b[:3]:
                print(f"  only in {args.lake_b}: {line[:400]}")
            if not only_a and not only_b:
                print("  the same records, but some more often in one lake than in the other (duplicates)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
