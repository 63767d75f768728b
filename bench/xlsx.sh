#!/usr/bin/env bash
# XLSX → NDJSON: pl-extract against in2csv (csvkit) and a python-calamine script writing
# NDJSON, on a 100,000-row × 10-column sheet written by XlsxWriter. Never part of the tests.
#
# Targets (issue 7): pl-extract at least 20× faster than in2csv, and at least as fast as
# the calamine script. Prints the best wall time of BENCH_RUNS runs (default 3) per tool and
# the ratios (the other tool's seconds ÷ pl-extract's).
#
# Environment:
#   BENCH_RUNS=3        timed runs per tool
#   XLSX_ROWS=100000    data rows of the sheet
#   PL_BIN=DIR          pl-extract from DIR instead of `swift build -c release`
# Installs openpyxl, xlsxwriter, csvkit and python-calamine into bench/data/venv-xlsx with pip.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-3}
ROWS=${XLSX_ROWS:-100000}
DATA=bench/data
VENV=$DATA/venv-xlsx
say() { printf 'bench-xlsx: %s\n' "$*" >&2; }

if [[ ! -x $VENV/bin/python ]]; then
  say "creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import xlsxwriter, python_calamine, csvkit' 2>/dev/null \
  || "$VENV/bin/pip" install -q xlsxwriter python-calamine csvkit openpyxl >&2

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release"
  swift build -c release --product pl-extract >&2
  BIN=$(swift build -c release --show-bin-path)
fi

mkdir -p "$DATA"
BOOK=$DATA/sheet-$ROWS.xlsx
if [[ ! -f $BOOK ]]; then
  say "writing $BOOK"
  "$VENV/bin/python" - "$BOOK" "$ROWS" <<'PY'
import datetime, random, sys
import xlsxwriter
path, rows = sys.argv[1], int(sys.argv[2])
random.seed(7)
wb = xlsxwriter.Workbook(path, {"constant_memory": True})
ws = wb.add_worksheet("Results")
date = wb.add_format({"num_format": "yyyy-mm-dd"})
ws.write_row(0, 0, ["sample_id", "lot", "product", "analyte", "result", "unit", "loq", "replicate", "measured_on", "comment"])
products = ["Oat drink", "Granola", "Yoghurt, strawberry", "Protein bar", "Infant cereal"]
analytes = [("protein", "g/100g"), ("fat", "g/100g"), ("sodium", "mg/100g"), ("vitamin_c", "mg/100g")]
start = datetime.datetime(2024, 1, 1)
for r in range(1, rows + 1):
    a, unit = analytes[r % 4]
    ws.write_string(r, 0, f"S24-{r:06d}")
    ws.write_string(r, 1, f"L{random.randint(1000, 9999)}")
    ws.write_string(r, 2, products[r % 5])
    ws.write_string(r, 3, a)
    ws.write_number(r, 4, round(random.uniform(0, 100), 2))
    ws.write_string(r, 5, unit)
    ws.write_number(r, 6, 0.1)
    ws.write_number(r, 7, r % 3 + 1)
    ws.write_datetime(r, 8, start + datetime.timedelta(days=r % 120), date)
    ws.write_string(r, 9, "" if r % 7 else "re-tested")
wb.close()
PY
fi

CALAMINE=$DATA/calamine_ndjson.py
cat > "$CALAMINE" <<'PY'
import json, sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
out = sys.stdout
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python()
    if not rows:
        continue
    header = [str(h) for h in rows[0]]
    dumps = json.dumps
    for row in rows[1:]:
        out.write(dumps(dict(zip(header, (str(v) for v in row))), ensure_ascii=False))
        out.write("\n")
PY

# Correctness first: every row comes out.
got=$("$BIN/pl-extract" "$BOOK" | wc -l)
[[ $got -eq $ROWS ]] || { say "ERROR: pl-extract wrote $got records, not $ROWS"; exit 1; }

best() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null
    t1=$(date +%s.%N)
    local t
    t=$(echo "$t1 - $t0" | bc -l)
    if [[ -z $best ]] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  printf '%.3f' "$best"
}

say "timing ($RUNS runs each, best wall time)"
pl=$(best "$BIN/pl-extract" "$BOOK")
pl_nometa=$(best "$BIN/pl-extract" --no-meta "$BOOK")
cal=$(best "$VENV/bin/python" "$CALAMINE" "$BOOK")
in2=$(RUNS=1 best "$VENV/bin/in2csv" "$BOOK")

printf '%-34s %8s\n' "XLSX → NDJSON, $ROWS rows × 10 columns" "seconds"
printf '%-34s %8s\n' "pl-extract" "$pl"
printf '%-34s %8s\n' "pl-extract --no-meta" "$pl_nometa"
printf '%-34s %8s\n' "python-calamine → NDJSON" "$cal"
printf '%-34s %8s\n' "in2csv (csvkit, to CSV)" "$in2"
r_in2=$(echo "$in2 / $pl" | bc -l)
r_cal=$(echo "$cal / $pl" | bc -l)
printf 'in2csv ÷ pl-extract:   %.1f×  (target ≥ 20×)  %s\n' "$r_in2" "$( (( $(echo "$r_in2 >= 20" | bc -l) )) && echo PASS || echo MISS)"
printf 'calamine ÷ pl-extract: %.2f×  (target ≥ 1×)   %s\n' "$r_cal" "$( (( $(echo "$r_cal >= 1" | bc -l) )) && echo PASS || echo MISS)"
