#!/usr/bin/env python3
"""Writes qc_history_2024Q1.csv: a LIMS export of a quarter's release QC, one row per sample ×
analyte, the shape most labs can export (long: analyte, result and unit columns).

Two products, tested every working day from 2 January to 28 March 2024, with the spread a
stable process has, and three things planted for the control charts and gold's anomaly flags:
- Oat drink base, protein: one gross outlier on 2024-02-14 (1.45 g/100 g, above its 1.3 limit);
- Granola crunchy, moisture: the dryer drifts, every result from 2024-03-13 on about 0.35 higher
  (a run of nine on one side of the centre line);
- Oat drink base, fat: a result printed censored on 2024-01-17 ("<0.5", a blank-run slip) —
  not a number, so gold counts it but takes no value from it.

Deterministic: the same file every run (seeded). Usage: make-qc-history.py [OUT]
"""
import csv
import datetime
import random
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "examples/qc_history_2024Q1.csv"

# product, analyte as printed, unit, mean, sd, decimals, method
SERIES = [
    ("Oat drink base", "Protein (N x 6.25)", "g/100 g", 1.10, 0.025, 2, "ISO 8968-1 (Kjeldahl)"),
    ("Oat drink base", "Fat", "g/100 g", 1.50, 0.035, 2, "ISO 1211 (Röse-Gottlieb)"),
    ("Oat drink base", "Moisture", "g/100 g", 90.00, 0.12, 2, "ISO 6731 (oven)"),
    ("Granola crunchy", "Protein (N x 6.25)", "g/100 g", 9.90, 0.10, 2, "ISO 8968-1 (Kjeldahl)"),
    ("Granola crunchy", "Moisture", "g/100 g", 4.30, 0.08, 2, "ISO 6731 (oven)"),
]


def main() -> None:
    rng = random.Random(20240101)
    day = datetime.date(2024, 1, 2)
    end = datetime.date(2024, 3, 28)
    rows = []
    n = 0
    while day <= end:
        if day.weekday() < 5:
            for product, analyte, unit, mean, sd, decimals, method in SERIES:
                n += 1
                value = rng.gauss(mean, sd)
                text = f"{value:.{decimals}f}"
                if product == "Oat drink base" and analyte.startswith("Protein") and day == datetime.date(2024, 2, 14):
                    text = "1.45"
                if product == "Granola crunchy" and analyte == "Moisture" and day >= datetime.date(2024, 3, 13):
                    text = f"{value + 0.35:.{decimals}f}"
                if product == "Oat drink base" and analyte == "Fat" and day == datetime.date(2024, 1, 17):
                    text = "<0.5"
                lot = f"{'OD' if product.startswith('Oat') else 'GR'}{day:%y%m%d}"
                rows.append([f"QC24-{n:05d}", product, lot, analyte, text, unit, method, f"{day:%Y-%m-%d}"])
        day += datetime.timedelta(days=1)
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Sample ID", "Product", "Lot", "Analyte", "Result", "Unit", "Method", "Date of analysis"])
        w.writerows(rows)
    print(f"make-qc-history: {len(rows)} results in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
