#!/usr/bin/env python3
"""Cell-level F1 of extracted tables against the expected grids of this folder.

The measure (the same as PDFTableScoreTests.swift; scoring-example.json holds a worked case
both must reproduce):

* A cell's text is normalised: every run of whitespace (spaces, tabs, line breaks) becomes one
  space, and leading and trailing whitespace goes. An empty cell (or null) takes no part.
* A table is reduced to its adjacency relations, as in the ICDAR 2013 table competition
  (Göbel et al.): for each row, every non-empty cell and the next non-empty cell to its right
  make a horizontal relation (H, left text, right text); for each column, every non-empty cell
  and the next non-empty cell below it make a vertical relation (V, upper text, lower text).
  Relations are a multiset. Empty rows and columns, and where a spanning cell's text sits
  inside its span, matter only through these neighbours.
* Per PDF, expected and extracted tables are paired one to one, greedily by the number of
  relations they share (the largest first; ties to the earlier expected, then extracted,
  table). correct = the shared relations of the paired tables; extracted = all relations of
  all extracted tables (an unpaired extracted table is all false positives: a table split in
  two across pages, a caption taken for a table); expected = all relations of all expected
  tables.
* precision = correct / extracted, recall = correct / expected,
  F1 = 2 * correct / (extracted + expected). The overall figure sums correct, extracted and
  expected over all PDFs (micro average, so a long table weighs by its size); the mean of the
  per-PDF F1 (macro average, each PDF alike) is given beside it.

    score.py --self-test
    score.py PREDICTIONS_DIR [FIXTURES_DIR]   (PREDICTIONS_DIR/NAME.json: [[[cell, ...], ...], ...])
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(cell):
    if cell is None:
        return ""
    if not isinstance(cell, str):
        cell = json.dumps(cell) if isinstance(cell, (list, dict)) else str(cell)
    return re.sub(r"\s+", " ", cell).strip()


def relations(rows):
    grid = [[normalise(c) for c in row] for row in rows]
    rel = Counter()
    for row in grid:
        cells = [c for c in row if c]
        for a, b in zip(cells, cells[1:]):
            rel[("H", a, b)] += 1
    width = max((len(r) for r in grid), default=0)
    for c in range(width):
        cells = [row[c] for row in grid if c < len(row) and row[c]]
        for a, b in zip(cells, cells[1:]):
            rel[("V", a, b)] += 1
    return rel


def score_file(expected, predicted):
    """expected, predicted: lists of tables, each a list of rows. Returns (correct, extracted, expected)."""
    er = [relations(t) for t in expected]
    pr = [relations(t) for t in predicted]
    pairs = []
    for i, e in enumerate(er):
        for j, p in enumerate(pr):
            n = sum((e & p).values())
            if n > 0:
                pairs.append((-n, i, j))
    pairs.sort()
    used_e, used_p, correct = set(), set(), 0
    for n, i, j in pairs:
        if i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        correct += -n
    return correct, sum(sum(p.values()) for p in pr), sum(sum(e.values()) for e in er)


def f1(correct, extracted, expected):
    return 2 * correct / (extracted + expected) if extracted + expected else 1.0


def fixtures(folder=HERE):
    for name in sorted(os.listdir(folder)):
        if name.endswith(".pdf") and os.path.exists(os.path.join(folder, name[:-4] + ".json")):
            with open(os.path.join(folder, name[:-4] + ".json")) as fh:
                yield name[:-4], [t["rows"] for t in json.load(fh)["tables"]]


def self_test():
    with open(os.path.join(HERE, "scoring-example.json")) as fh:
        ex = json.load(fh)
    got = score_file(ex["expected"], ex["predicted"])
    want = (ex["correct"], ex["extracted"], ex["expected_relations"])
    assert got == want, f"scoring example: got {got}, want {want}"
    assert abs(f1(*got) - ex["f1"]) < 1e-4, f"scoring example: F1 {f1(*got)}, want {ex['f1']}"
    print(f"scoring example: correct {got[0]}, extracted {got[1]}, expected {got[2]}, F1 {f1(*got):.4f}: ok")


def main(args):
    if args == ["--self-test"]:
        self_test()
        return
    if not args:
        sys.exit(__doc__)
    preds = args[0]
    folder = args[1] if len(args) > 1 else HERE
    tc = te = tx = 0
    per = []
    for name, expected in fixtures(folder):
        path = os.path.join(preds, name + ".json")
        predicted = json.load(open(path)) if os.path.exists(path) else []
        c, x, e = score_file(expected, predicted)
        tc, tx, te = tc + c, tx + x, te + e
        per.append(f1(c, x, e))
        print(f"{name:32} F1 {f1(c, x, e):.3f}  (correct {c}, extracted {x}, expected {e})")
    p = tc / tx if tx else 0.0
    r = tc / te if te else 0.0
    print(f"{'OVERALL':32} F1 {f1(tc, tx, te):.3f}  precision {p:.3f} recall {r:.3f}"
          f"  mean per-PDF F1 {sum(per) / len(per) if per else 0.0:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
