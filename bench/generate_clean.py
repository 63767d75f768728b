#!/usr/bin/env python3
"""Deterministic generator of a German instrument export, as NDJSON, for bench/clean.sh.

One record per sample, as pl-extract writes a semicolon CSV export of a food lab's
analyser: every value a text, decimal commas, local wall-clock times.

  {"Probe":"P-0000001","Datum":"12.03.2024 14:05","Protein [%]":"13,87",
   "Fett":"<0,05","Asche":"1,2","Natrium [mg/kg]":"412,5"}

About 1 in 12 fat results is censored ("<0,05"); dates run through 2024, so some fall in the
hour the clocks skip or repeat in Europe/Amsterdam. Same --seed and --rows give
byte-identical output. Plain Python 3.
"""

import argparse
import os
import random
import sys


def comma(x, decimals):
    return f"{x:.{decimals}f}".replace(".", ",")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        minute = 0
        for i in range(1, args.rows + 1):
            minute += 1 + int(rng.random() * 3)
            day, rest = divmod(minute // 60 * 60 + minute % 60, 24 * 60)
            # 2024 starts on day 0; wrap after a year.
            doy = day % 366
            months = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            m = 0
            while doy >= months[m]:
                doy -= months[m]
                m += 1
            stamp = f"{doy + 1:02d}.{m + 1:02d}.2024 {rest // 60:02d}:{rest % 60:02d}"
            protein = comma(2 + rng.random() * 30, 2)
            fat = "<0,05" if rng.random() < 1 / 12 else comma(0.1 + rng.random() * 25, 2)
            ash = comma(0.2 + rng.random() * 3, 1)
            sodium = comma(5 + rng.random() * 2000, 1)
            f.write(
                '{"Probe":"P-%07d","Datum":"%s","Protein [%%]":"%s","Fett":"%s","Asche":"%s","Natrium [mg/kg]":"%s"}\n'
                % (i, stamp, protein, fat, ash, sodium))
    os.replace(tmp, args.out)
    print(args.rows)
    print(f"generate_clean: {args.rows} records in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
