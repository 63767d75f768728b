#!/usr/bin/env bash
# pl-load into PostgreSQL against `psql \copy` of the same data, side by side on a throwaway
# server (scripts/pg-test-server.sh). Not part of the tests.
#
#   pl:    pl-extract lab.csv | pl-load postgres://… --table pl    (1M records, _pl as JSONB)
#   psql:  psql -c "\copy copied FROM lab.csv (FORMAT csv, HEADER)" into a table of the same
#          columns (TEXT; no _pl), the same records
# Reported: the best wall time of BENCH_RUNS runs each, rows/s, the ratio pl/psql (target >= 0.9)
# and pl-load's peak RSS.
#
# Environment: BENCH_ROWS (1000000), BENCH_RUNS (3), PL_BIN (built tools; default: release build).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
say() { printf 'bench-postgres: %s\n' "$*" >&2; }

if [[ -z ${PL_BIN:-} ]]; then
  swift build -c release >&2
  PL_BIN=$(swift build -c release --show-bin-path)
fi
work=$(mktemp -d)
trap 'scripts/pg-test-server.sh stop "$work/pg"; rm -rf "$work"' EXIT
eval "$(scripts/pg-test-server.sh start "$work/pg")"
url=$PL_TEST_PG_URL

data=bench/data/lab-$ROWS.csv
if [[ ! -f $data ]]; then
  mkdir -p bench/data
  python3 bench/generate.py --format csv --rows "$ROWS" --out "$data" >/dev/null
fi
columns="sample_id TEXT, lot TEXT, product TEXT, analyte TEXT, result TEXT, unit TEXT, loq TEXT, method TEXT, analyst TEXT, measured_at TEXT, comment TEXT"

now() { date +%s.%N; }
best() { sort -g | head -n 1; }

pl_times=() psql_times=()
for run in $(seq "$RUNS"); do
  psql -X -q "$url" -c "DROP TABLE IF EXISTS pl" -c "DROP TABLE IF EXISTS copied" -c "CREATE TABLE copied ($columns)" -c "CHECKPOINT"
  start=$(now)
  psql -X -q "$url" -c "\\copy copied FROM '$data' (FORMAT csv, HEADER)"
  psql_times+=("$(echo "$(now) - $start" | bc)")
  psql -X -q "$url" -c "CHECKPOINT"
  start=$(now)
  "$PL_BIN/pl-extract" "$data" | /usr/bin/time -f '%M' -o "$work/rss" "$PL_BIN/pl-load" "$url" --table pl --quiet
  pl_times+=("$(echo "$(now) - $start" | bc)")
  say "run $run: psql ${psql_times[-1]} s, pl ${pl_times[-1]} s"
done

loaded=$(psql -X -A -t "$url" -c "SELECT (SELECT count(*) FROM pl) || ' ' || (SELECT count(*) FROM copied)")
pl=$(printf '%s\n' "${pl_times[@]}" | best)
copy=$(printf '%s\n' "${psql_times[@]}" | best)
printf 'rows loaded (pl, psql): %s\n' "$loaded"
printf 'psql \\copy (csv):          %6.2f s  %9.0f rows/s\n' "$copy" "$(echo "$ROWS / $copy" | bc -l)"
printf 'pl-extract | pl-load:      %6.2f s  %9.0f rows/s\n' "$pl" "$(echo "$ROWS / $pl" | bc -l)"
printf 'ratio pl / psql (rate):    %6.2f   (target >= 0.90)\n' "$(echo "$copy / $pl" | bc -l)"
printf 'pl-load peak RSS:          %6.1f MB (target < 64)\n' "$(echo "$(cat "$work/rss") / 1024" | bc -l)"
