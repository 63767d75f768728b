#!/usr/bin/env bash
# Gold aggregates against DuckDB: one million silver result records (product × analyte × day) in
# gzip NDJSON parts, one folder per day as the lake keeps them, grouped by product × analyte ×
# UTC day with count, mean, sd, min, max, median, p5, p95 and the out-of-spec count.
# Never part of the tests.
#
#   bash bench/gold.sh            (or: make bench-gold)
#
# Environment:
#   BENCH_ROWS=1000000   silver records
#   BENCH_RUNS=3         timed runs per case; the best is reported
#   PL_BIN=DIR           use pl-gold-bench from DIR instead of building it
#
# DuckDB (pip, in a venv under bench/data/) runs single-threaded (SET threads=1), reading the
# same files with the columns declared (no sampling). Gold also computes its quality score and
# anomaly flags (robust z, the eight Nelson rules), which the DuckDB query does not. Before the
# timing, both outputs are compared: the same groups, counts, min, max and out-of-spec counts,
# and the mean, sd, median and percentiles to 1e-9 relative.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
DATA=bench/data/gold
VENV=bench/data/venv-validate
mkdir -p "$DATA"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV" || die "cannot create a venv in $VENV (apt-get install python3-venv)"
fi
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  say "pip install duckdb (into $VENV)"
  "$VENV/bin/pip" install --quiet duckdb >&2 || die "pip install failed"
fi

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release --product pl-gold-bench"
  swift build -c release --product pl-gold-bench >&2
  BIN=$(swift build -c release --show-bin-path)
fi

# --- data: silver parts, date=YYYY-MM-DD/part-0001.ndjson.gz, gzip level 6
stamp="$ROWS v1"
if [[ ! -f $DATA/stamp || $(cat "$DATA/stamp") != "$stamp" ]]; then
  say "generating $ROWS records"
  rm -rf "$DATA/silver"
  "$VENV/bin/python" - "$ROWS" "$DATA/silver" <<'PY'
import datetime, gzip, json, os, random, sys
rows, root = int(sys.argv[1]), sys.argv[2]
random.seed(12)
products = ["oats", "rye", "barley", "wheat", "spelt", "millet", "quinoa", "buckwheat", "maize", "rice"]
analytes = {"protein": (11, 1.5, 8, 15), "fat": (4, 0.6, None, 6), "moisture": (12, 1.0, None, 14.5), "ash": (1.8, 0.2, 1, 2.5),
            "fibre": (9, 1.2, 5, None), "starch": (58, 3.0, 45, 70), "sugars": (1.2, 0.3, None, 2), "salt": (0.02, 0.01, None, 0.05)}
days = 365
start = datetime.date(2024, 1, 1)
per_day = [rows // days + (1 if d < rows % days else 0) for d in range(days)]
n = 0
for d in range(days):
    day = start + datetime.timedelta(days=d)
    folder = os.path.join(root, "date=%s" % day.isoformat())
    os.makedirs(folder, exist_ok=True)
    lines = []
    for i in range(per_day[d]):
        product = random.choice(products)
        analyte = random.choice(list(analytes))
        mean, sd, lo, hi = analytes[analyte]
        r = {"sample_id": "S-%07d" % n, "product": product, "analyte": analyte, "value": round(random.gauss(mean, sd), 3),
             "unit": "g/100g", "measured_at": "%sT%02d:%02d:%02dZ" % (day.isoformat(), random.randint(0, 23), random.randint(0, 59), random.randint(0, 59)),
             "lab": random.choice(["A", "B", "C"])}
        if lo is not None: r["spec_min"] = lo
        if hi is not None: r["spec_max"] = hi
        if random.random() < 0.003: r["value"] = None
        r["_pl"] = {"source": "lims-%s.csv" % day.isoformat(), "line": i + 2}
        lines.append(json.dumps(r, separators=(",", ":")))
        n += 1
    with open(os.path.join(folder, "part-0001.ndjson.gz"), "wb") as f:
        f.write(gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=6))
PY
  echo "$stamp" > "$DATA/stamp"
fi
PARTS=("$DATA"/silver/date=*/part-*.ndjson.gz)
say "${#PARTS[@]} parts, $(du -sh "$DATA/silver" | cut -f1) compressed"

cat > "$DATA/gold.yml" <<'YML'
version: 1
group_by: [product, analyte]
period: {field: measured_at, by: day}
value: value
measures: [count, mean, sd, min, max, median, p5, p95]
spec_limits:
  fields: {min: spec_min, max: spec_max}
quality:
  - {name: in_spec, weight: 3, check: in_spec}
  - {name: numeric, check: numeric}
  - {name: known_lab, check: {field: lab, one_of: [A, B, C]}}
anomalies:
  window: 20
  robust_z: {threshold: 3.5, min_history: 5}
  control_rules: {rules: [1, 2, 3, 4, 5, 6, 7, 8], min_history: 8}
YML

cat > "$DATA/gold.sql" <<SQL
SET threads=1;
SET enable_progress_bar=false;
COPY (
  SELECT product, analyte, left(measured_at, 10) AS day, count(*) AS records, count(value) AS count,
    avg(value) AS mean, stddev_samp(value) AS sd, min(value) AS min, max(value) AS max, median(value) AS median,
    quantile_cont(value, 0.05) AS p5, quantile_cont(value, 0.95) AS p95,
    count(value) FILTER (WHERE value < spec_min OR value > spec_max) AS out_of_spec
  FROM read_json('$DATA/silver/*/*.ndjson.gz', format = 'newline_delimited', compression = 'gzip',
    columns = {sample_id: 'VARCHAR', product: 'VARCHAR', analyte: 'VARCHAR', value: 'DOUBLE', unit: 'VARCHAR',
               measured_at: 'VARCHAR', lab: 'VARCHAR', spec_min: 'DOUBLE', spec_max: 'DOUBLE'})
  GROUP BY ALL ORDER BY day, product, analyte
) TO '$DATA/duck.ndjson' (FORMAT json);
SQL

pl() { "$BIN/pl-gold-bench" "$DATA/gold.yml" "${PARTS[@]}" > "$DATA/gold.ndjson"; }
duck() {
  "$VENV/bin/python" - "$DATA/gold.sql" <<'PY'
import duckdb, sys
con = duckdb.connect()
for stmt in [s for s in open(sys.argv[1]).read().split(";") if s.strip()]:
    con.execute(stmt)
PY
}

# The best of RUNS runs: wall seconds, and the CPU seconds (user + system) of that run. On a
# machine shared with other work the CPU seconds are the steadier comparison.
best() {
  local best="" cpu="" out
  for _ in $(seq "$RUNS"); do
    out=$( { TIMEFORMAT='%R %U %S'; time "$@" 2> /dev/null; } 2>&1 | tail -1)
    read -r wall user sys <<< "$out"
    if [[ -z $best ]] || (( $(echo "$wall < $best" | bc -l) )); then
      best=$wall
      cpu=$(echo "$user + $sys" | bc -l)
    fi
  done
  echo "$best $cpu"
}

# --- correctness first: the same numbers
pl
duck
"$VENV/bin/python" - "$DATA/gold.ndjson" "$DATA/duck.ndjson" <<'PY' || die "gold and DuckDB disagree"
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1])]
duck = [json.loads(l) for l in open(sys.argv[2])]
key = lambda r: (r["day"], r["product"], r["analyte"])
gold.sort(key=key); duck.sort(key=key)
assert len(gold) == len(duck), (len(gold), len(duck))
def close(a, b):
    if a is None or b is None: return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
for g, d in zip(gold, duck):
    assert key(g) == key(d), (key(g), key(d))
    for f in ["records", "count", "min", "max", "out_of_spec"]:
        assert g[f] == d[f], (key(g), f, g[f], d[f])
    for f in ["mean", "sd", "median", "p5", "p95"]:
        assert close(g[f], d[f]), (key(g), f, g[f], d[f])
flagged = sum(1 for g in gold if g["flags"])
print("bench: %d groups agree; %d flagged by the anomaly rules" % (len(gold), flagged), file=sys.stderr)
PY

say "timing (best of $RUNS)"
read -r t_pl c_pl <<< "$(best pl)"
read -r t_duck c_duck <<< "$(best duck)"
rate() { echo "scale=0; $1 / $2" | bc -l; }
{
  echo "| command | records | wall s | CPU s | records/s (wall) |"
  echo "|---|---:|---:|---:|---:|"
  printf '| gold (pl-gold-bench: measures, quality score, anomaly flags) | %d | %.2f | %.2f | %d |\n' "$ROWS" "$t_pl" "$c_pl" "$(rate "$ROWS" "$t_pl")"
  printf '| DuckDB GROUP BY, threads=1 | %d | %.2f | %.2f | %d |\n' "$ROWS" "$t_duck" "$c_duck" "$(rate "$ROWS" "$t_duck")"
  echo
  printf 'DuckDB time / gold time: %.2fx wall, %.2fx CPU (target > 1x)\n' "$(echo "$t_duck / $t_pl" | bc -l)" "$(echo "$c_duck / $c_pl" | bc -l)"
} | tee "$DATA/latest.md"
