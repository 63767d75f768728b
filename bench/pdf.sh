#!/usr/bin/env bash
# Table extraction from PDFs: pl-extract --mode tables against pdfplumber and camelot (lattice and
# stream), on the generated table fixtures (Tests/Fixtures/pdf-tables, each with its expected
# grid) and, for speed only, on the corpus PDFs (../shared/corpus/inputs/*.pdf, when present).
# Never part of the tests.
#
#   bash bench/pdf.sh
#
# Environment:
#   BENCH_RUNS=1     timed runs per tool and file set; the best is reported
#   PL_BIN=DIR       use pl-extract from DIR instead of building it (release)
#   PL_CORPUS=DIR    the corpus folder (default: ../shared/corpus beside the repository)
#
# pdfplumber and camelot-py are installed with pip into a venv under bench/data/ (camelot 1.0 and
# later read PDFs through pypdfium2 and need no ghostscript). Accuracy is the cell-level F1 of
# Tests/Fixtures/pdf-tables/score.py (ICDAR 2013 adjacency relations, tables paired one to one
# by shared relations; extracted tables paired with nothing count as false positives), the same
# measure as PDFTableScoreTests: F1 over all relations (micro) and the mean per-PDF F1.
# Each tool is used as documented, with defaults:
#   pdfplumber        page.extract_tables()                      (ruling lines)
#   pdfplumber-text   page.extract_tables(text strategies)      (whitespace)
#   camelot-lattice   camelot.read_pdf(f, pages="all", flavor="lattice")
#   camelot-stream    camelot.read_pdf(f, pages="all", flavor="stream")
#   pl-extract        pl-extract --mode tables --on-error skip --rejects R FILE...   (one process;
#                     tables under its quality bar go to R and count as not found)
# Speed is pages per second of wall time, on one core for each tool; the Python tools are timed
# in one process per tool (their start-up not counted), pl-extract as one process over all the
# files (its start-up counted).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-1}
DATA=bench/data/pdf
VENV=bench/data/venv-pdf
FIXTURES=Tests/Fixtures/pdf-tables
CORPUS=${PL_CORPUS:-$ROOT/../shared/corpus}
mkdir -p "$DATA"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV" || die "cannot create a venv in $VENV (apt-get install python3-venv)"
fi
if ! "$VENV/bin/python" -c 'import pdfplumber' 2>/dev/null; then
  say "pip install pdfplumber (into $VENV)"
  "$VENV/bin/pip" install --quiet pdfplumber >&2 || die "pip install pdfplumber failed"
fi
if ! "$VENV/bin/python" -c 'import camelot' 2>/dev/null; then
  say "pip install camelot-py (into $VENV)"
  "$VENV/bin/pip" install --quiet camelot-py >&2 || say "pip install camelot-py failed: camelot is left out"
fi

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release --product pl-extract"
  swift build -c release --product pl-extract >&2
  BIN=$(swift build -c release --show-bin-path)
fi
[[ -x $BIN/pl-extract ]] || die "no pl-extract in $BIN"

corpus_pdfs=()
if [[ -d $CORPUS/inputs ]]; then
  while IFS= read -r f; do corpus_pdfs+=("$f"); done < <(find "$CORPUS/inputs" -maxdepth 1 -name '*.pdf' | sort)
fi
say "${#corpus_pdfs[@]} corpus PDF(s) for speed"

"$VENV/bin/python" - "$FIXTURES" "$DATA" "$BIN/pl-extract" "$RUNS" "${corpus_pdfs[@]}" <<'PY'
import json, os, subprocess, sys, time, warnings
fixtures, data, plx, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
corpus = sys.argv[5:]
sys.path.insert(0, fixtures)
import score  # the shared measure
import pdfplumber
warnings.filterwarnings("ignore")
import logging
logging.disable(logging.CRITICAL)
try:
    import camelot
except Exception as e:  # not installable here: left out, and said so
    camelot = None
    print(f"camelot: not available ({e}); left out", file=sys.stderr)

def n_pages(path):
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:
        return 0

def plumber(path, text=False):
    settings = {"vertical_strategy": "text", "horizontal_strategy": "text"} if text else {}
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            out += [[[c or "" for c in row] for row in t] for t in page.extract_tables(settings)]
    return out

def camelot_tables(flavor):
    def run(path):
        return [t.df.values.tolist() for t in camelot.read_pdf(path, pages="all", flavor=flavor)]
    return run

tools = [("pdfplumber", plumber), ("pdfplumber-text", lambda p: plumber(p, text=True))]
if camelot is not None:
    tools += [("camelot-lattice", camelot_tables("lattice")), ("camelot-stream", camelot_tables("stream"))]

def python_tool(fn, files):
    """Best-of-runs wall time over files; the tables of each file; failures."""
    best, tables, failed = None, {}, 0
    for _ in range(runs):
        failed = 0
        t0 = time.perf_counter()
        for f in files:
            try:
                tables[f] = fn(f)
            except Exception as e:
                tables[f] = []
                failed += 1
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, tables, failed

def pl_extract(files):
    """One pl-extract process over all files, best of runs; tables by source file."""
    best, tables, status = None, {}, 0
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([plx, "--mode", "tables", "--on-error", "skip",
                               "--rejects", os.path.join(data, "rejects.ndjson")] + files,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        status = proc.returncode
    by_name = {os.path.basename(f): f for f in files}
    tables = {f: [] for f in files}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        src = str(rec.get("_pl", {}).get("source", ""))
        f = by_name.get(os.path.basename(src))
        if f is not None and isinstance(rec.get("rows"), list):
            tables[f].append(rec["rows"])
    if status != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        print(f"pl-extract exited {status}: {err[-1] if err else ''}", file=sys.stderr)
    if not any(tables.values()):  # a run that read nothing has no speed to compare
        print("pl-extract: no table from any file; its speed is not reported", file=sys.stderr)
        best = None
    return best, tables, status

fx = [(name, rows) for name, rows in score.fixtures(fixtures)]
fx_files = [os.path.join(fixtures, name + ".pdf") for name, _ in fx]
fx_pages = sum(n_pages(f) for f in fx_files)
co_pages = sum(n_pages(f) for f in corpus)

results = []
for tool, fn in tools + [("pl-extract", None)]:
    print(f"bench: {tool} on {len(fx_files)} fixtures", file=sys.stderr)
    if fn is None:
        secs, tables, _ = pl_extract(fx_files)
        failed = sum(1 for f in fx_files if not tables[f])
    else:
        secs, tables, failed = python_tool(fn, fx_files)
    tot = [0, 0, 0]
    per = {}
    os.makedirs(os.path.join(data, "pred-" + tool), exist_ok=True)
    for (name, expected), f in zip(fx, fx_files):
        got = tables.get(f, [])
        with open(os.path.join(data, "pred-" + tool, name + ".json"), "w") as fh:
            json.dump(got, fh, ensure_ascii=False)
        c, x, e = score.score_file(expected, got)
        per[name] = score.f1(c, x, e)
        tot = [tot[0] + c, tot[1] + x, tot[2] + e]
    co = None
    if corpus:
        print(f"bench: {tool} on {len(corpus)} corpus PDFs", file=sys.stderr)
        co = pl_extract(corpus)[0] if fn is None else python_tool(fn, corpus)[0]
    results.append((tool, tot, per, secs, failed, co))

names = [n for n, _ in fx]
print("\n== cell-level F1 per fixture (ICDAR 2013 adjacency relations; see Tests/Fixtures/pdf-tables/score.py)")
print(f"{'fixture':32}" + "".join(f"{r[0]:>17}" for r in results))
for n in names:
    print(f"{n:32}" + "".join(f"{r[2][n]:17.3f}" for r in results))

ours = results[-1]
print(f"\n== overall, {len(fx_files)} fixture PDFs ({fx_pages} pages)" + (f"; speed also on {len(corpus)} corpus PDFs ({co_pages} pages)" if corpus else ""))
print(f"{'tool':17}{'F1':>7}{'prec.':>7}{'recall':>7}{'mean F1':>9}{'fixt. pages/s':>15}{'corpus pages/s':>16}{'pl-extract is x faster':>24}")
for tool, (c, x, e), per, secs, failed, co in results:
    p = c / x if x else 0.0
    r = c / e if e else 0.0
    rate = fx_pages / secs if secs else 0.0
    crate = co_pages / co if co else 0.0
    ratio = ""
    if tool != "pl-extract" and ours[3]:
        a = (fx_pages / ours[3]) / rate if rate else 0.0
        ratio = f"{a:.0f} / {((co_pages / ours[5]) / crate):.0f}" if (crate and ours[5]) else f"{a:.0f}"
    mean = sum(per.values()) / len(per) if per else 0.0
    print(f"{tool:17}{score.f1(c, x, e):7.3f}{p:7.3f}{r:7.3f}{mean:9.3f}{(f'{rate:.1f}' if secs else '-'):>15}"
          f"{(f'{crate:.1f}' if co else '-'):>16}{ratio:>24}")
print("\n(ratio: pl-extract pages/s over the tool's, fixtures / corpus; the bar for pl-extract is F1 > 0.88, camelot's published best)")
PY
