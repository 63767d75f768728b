#!/usr/bin/env bash
# pl-validate against frictionless and DuckDB: one million lab result records checked by a
# ten-rule schema (types, ranges, enums, a pattern, a unique key, not in the future).
# Never part of the tests.
#
#   bash bench/validate.sh
#
# Environment:
#   BENCH_ROWS=1000000        records for pl-validate and DuckDB
#   BENCH_FRICTIONLESS_ROWS=100000  records for frictionless (it is slow: the rate is compared)
#   BENCH_RUNS=3              timed runs per case; the best is reported
#   PL_BIN=DIR                use pl-validate from DIR instead of building it
#
# frictionless and duckdb are installed with pip into a venv under bench/data/. DuckDB runs
# single-threaded (SET threads=1), like pl-validate. Rates are records per second of wall
# time; frictionless reads CSV (its native input), the others NDJSON. frictionless has no
# not-in-the-future check, so it checks nine of the ten rules.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_ROWS:-1000000}
FROWS=${BENCH_FRICTIONLESS_ROWS:-100000}
RUNS=${BENCH_RUNS:-3}
DATA=bench/data/validate
VENV=bench/data/venv-validate
mkdir -p "$DATA"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV" || die "cannot create a venv in $VENV (apt-get install python3-venv)"
fi
if ! "$VENV/bin/python" -c 'import frictionless, duckdb' 2>/dev/null; then
  say "pip install frictionless duckdb (into $VENV)"
  "$VENV/bin/pip" install --quiet frictionless duckdb >&2 || die "pip install failed"
fi

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release --product pl-validate"
  swift build -c release --product pl-validate >&2
  BIN=$(swift build -c release --show-bin-path)
fi

# --- data: NDJSON with 1% bad records, and the first FROWS of it as CSV for frictionless
gen() {
  "$VENV/bin/python" - "$@" <<'PY'
import json, random, sys, csv
rows, path, csvpath, crows = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
random.seed(7)
analytes = ["protein", "fat", "moisture", "ash", "carbohydrate", "fibre", "sugars", "salt"]
units = ["g/100g", "%"]
with open(path, "w") as out, open(csvpath, "w", newline="") as cout:
    w = csv.writer(cout)
    w.writerow(["sample_id", "lab_no", "analyte", "value", "unit", "measured_at", "method"])
    for i in range(rows):
        r = {"sample_id": "S-%06d" % i, "lab_no": 100000 + i, "analyte": random.choice(analytes),
             "value": round(random.uniform(0, 90), 2), "unit": random.choice(units),
             "measured_at": "2024-%02d-%02dT%02d:%02d:%02dZ" % (random.randint(1, 12), random.randint(1, 28), random.randint(0, 23), random.randint(0, 59), random.randint(0, 59)),
             "method": "NIR"}
        k = random.random()
        if k < 0.002: r["value"] = -1.5
        elif k < 0.004: r["analyte"] = "unobtainium"
        elif k < 0.006: r["sample_id"] = "X-%d" % i
        elif k < 0.008: r["sample_id"] = "S-%06d" % max(0, i - 1)
        elif k < 0.010: r["measured_at"] = "2035-01-01T00:00:00Z"
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
        if i < crows:
            w.writerow([r["sample_id"], r["lab_no"], r["analyte"], r["value"], r["unit"], r["measured_at"], r["method"]])
PY
}
stamp="$ROWS $FROWS v1"
if [[ ! -f $DATA/stamp || $(cat "$DATA/stamp") != "$stamp" ]]; then
  say "generating $ROWS records"
  gen "$ROWS" "$DATA/results.ndjson" "$DATA/results.csv" "$FROWS"
  echo "$stamp" > "$DATA/stamp"
fi

cat > "$DATA/schema.yml" <<'YML'
fields:
  - name: sample_id
    type: string
    constraints: {required: true, pattern: 'S-\d{6}'}
  - name: lab_no
    type: integer
    constraints: {minimum: 1}
  - name: analyte
    type: string
    constraints: {enum: [protein, fat, moisture, ash, carbohydrate, fibre, sugars, salt]}
  - name: value
    type: number
    constraints: {minimum: 0, maximum: 100}
  - name: unit
    constraints: {enum: [g/100g, "%"]}
  - name: measured_at
    type: datetime
primaryKey: [sample_id]
rules:
  - not_future: {field: measured_at, tolerance: 5m}
YML
# The same schema with a pattern the automaton does not take (a look-ahead that changes
# nothing), so that NSRegularExpression runs it: the pattern matcher measured alone.
sed "s/'S-\\\\d{6}'/'S-\\\\d{6}(?=\$)'/" "$DATA/schema.yml" > "$DATA/schema-nsregex.yml"
grep -q '(?=' "$DATA/schema-nsregex.yml" || die "could not write the NSRegularExpression variant"

cat > "$DATA/schema.json" <<'JSON'
{"fields": [
  {"name": "sample_id", "type": "string", "constraints": {"required": true, "pattern": "S-\\d{6}"}},
  {"name": "lab_no", "type": "integer", "constraints": {"minimum": 1}},
  {"name": "analyte", "type": "string", "constraints": {"enum": ["protein", "fat", "moisture", "ash", "carbohydrate", "fibre", "sugars", "salt"]}},
  {"name": "value", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
  {"name": "unit", "type": "string", "constraints": {"enum": ["g/100g", "%"]}},
  {"name": "measured_at", "type": "datetime"},
  {"name": "method", "type": "string"}
], "primaryKey": ["sample_id"]}
JSON

cat > "$DATA/checks.sql" <<'SQL'
SET threads=1;
SELECT count(*) FILTER (WHERE bad) AS rejected, count(*) AS total FROM (
  SELECT
    sample_id IS NULL OR NOT regexp_full_match(sample_id, 'S-\d{6}')
    OR lab_no IS NULL OR lab_no < 1
    OR analyte NOT IN ('protein', 'fat', 'moisture', 'ash', 'carbohydrate', 'fibre', 'sugars', 'salt')
    OR try_cast(value AS DOUBLE) IS NULL OR value < 0 OR value > 100
    OR unit NOT IN ('g/100g', '%')
    OR try_cast(measured_at AS TIMESTAMP) IS NULL OR try_cast(measured_at AS TIMESTAMP) > now() + INTERVAL 5 MINUTE
    OR row_number() OVER (PARTITION BY sample_id ORDER BY rn) > 1 AS bad
  FROM (SELECT *, row_number() OVER () AS rn FROM read_json('__FILE__', format = 'newline_delimited',
        columns = {sample_id: 'VARCHAR', lab_no: 'BIGINT', analyte: 'VARCHAR', value: 'DOUBLE', unit: 'VARCHAR', measured_at: 'VARCHAR', method: 'VARCHAR'}))
);
SQL
sed -i "s|__FILE__|$DATA/results.ndjson|" "$DATA/checks.sql"

# best wall time of RUNS runs of "$@", in seconds
best() {
  local best="" t
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s.%N)
    "$@" > /dev/null
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [[ -z $best ]] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  echo "$best"
}

pl() { "$BIN/pl-validate" --quiet --schema "$1" --rejects "$DATA/rejects.ndjson" --now 2026-01-01T00:00:00Z "$DATA/results.ndjson"; }
duck() {
  "$VENV/bin/python" - "$DATA/checks.sql" <<'PY'
import duckdb, sys
con = duckdb.connect()
sql = open(sys.argv[1]).read()
for stmt in [s for s in sql.split(";") if s.strip()]:
    res = con.execute(stmt).fetchall()
print(res)
PY
}
fric() { "$VENV/bin/frictionless" validate --schema "$DATA/schema.json" --limit-errors 100000000 "$DATA/results.csv" || true; }

# --- correctness first: the same records rejected
pl "$DATA/schema.yml" > "$DATA/passed.ndjson" || true
pl_rejected=$(wc -l < "$DATA/rejects.ndjson")
pl_passed=$(wc -l < "$DATA/passed.ndjson")
[[ $((pl_rejected + pl_passed)) -eq $ROWS ]] || die "pl-validate: $pl_passed passed + $pl_rejected rejected != $ROWS"
duck_out=$(duck)
say "pl-validate rejected $pl_rejected of $ROWS; DuckDB's checks: $duck_out"
[[ $duck_out == "[($pl_rejected, $ROWS)]" ]] || die "DuckDB and pl-validate disagree on the rejects"

say "timing (best of $RUNS)"
t_pl=$(best pl "$DATA/schema.yml")
t_ns=$(best pl "$DATA/schema-nsregex.yml")
t_duck=$(best duck)
t_fric=$(RUNS=1 best fric)

rate() { echo "scale=0; $1 / $2" | bc -l; }
r_pl=$(rate "$ROWS" "$t_pl"); r_ns=$(rate "$ROWS" "$t_ns"); r_duck=$(rate "$ROWS" "$t_duck"); r_fric=$(rate "$FROWS" "$t_fric")
{
  echo "| command | records | seconds | records/s |"
  echo "|---|---:|---:|---:|"
  printf '| pl-validate (10 rules) | %d | %.2f | %d |\n' "$ROWS" "$t_pl" "$r_pl"
  printf '| pl-validate, pattern on NSRegularExpression | %d | %.2f | %d |\n' "$ROWS" "$t_ns" "$r_ns"
  printf '| DuckDB SQL checks, threads=1 | %d | %.2f | %d |\n' "$ROWS" "$t_duck" "$r_duck"
  printf '| frictionless validate (CSV, 9 rules) | %d | %.2f | %d |\n' "$FROWS" "$t_fric" "$r_fric"
  echo
  printf 'pl-validate / frictionless: %.1fx (target >= 20x)\n' "$(echo "$r_pl / $r_fric" | bc -l)"
  printf 'pl-validate / DuckDB:       %.2fx (target >= 1x)\n' "$(echo "$r_pl / $r_duck" | bc -l)"
} | tee "$DATA/latest.md"
