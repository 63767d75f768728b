#!/usr/bin/env bash
# Keyed loads: pl-load --key upserting N records into an existing N-row table, against
#
#   SQLite:      sqlite-utils upsert DB lab upsert.ndjson --nl --pk sample_id --pk analyte
#   PostgreSQL:  a Python psycopg loop: executemany("INSERT … ON CONFLICT (sample_id, analyte)
#                DO UPDATE SET …") over the parsed records (psycopg 3 pipelines executemany)
#
# The table is bench/generate.py's data (seed 1) loaded by pl-load --key sample_id,analyte
# (untimed); the upsert input is the same generator with another seed, so its keys partly
# match stored rows (updates) and partly do not (inserts). Before every timed run the table is
# restored from a pristine copy (untimed). After each run the row count must be the same for
# every tool. Not part of the tests.
#
# Reported: the best wall time of BENCH_RUNS runs, rows/s, and the ratio other/pl (target >= 5).
#
# Environment: BENCH_ROWS (1000000), BENCH_RUNS (1), PL_BIN (built tools; default: release
# build), BENCH_VENV (bench/.venv: the venv for sqlite-utils and psycopg).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-1}
VENV=${BENCH_VENV:-bench/.venv}
say() { printf 'bench-upsert: %s\n' "$*" >&2; }
die() { printf 'bench-upsert: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS must be a positive integer, not '$ROWS'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"

# Tools: sqlite3 with apt, sqlite-utils and psycopg with pip into the venv.
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >&2; }
if [[ ! -x $VENV/bin/pip ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "cannot create a Python venv in $VENV (apt-get install python3-venv)"
fi
"$VENV/bin/python" -c 'import sqlite_utils' 2>/dev/null || "$VENV/bin/pip" install --quiet sqlite-utils >&2
"$VENV/bin/python" -c 'import psycopg' 2>/dev/null || "$VENV/bin/pip" install --quiet 'psycopg[binary]' >&2
SQLITE_UTILS=$VENV/bin/sqlite-utils
PYTHON=$VENV/bin/python

if [[ -z ${PL_BIN:-} ]]; then
  swift build -c release --product pl-load >&2
  PL_BIN=$(swift build -c release --show-bin-path)
fi
PL_LOAD=$PL_BIN/pl-load

work=$(mktemp -d)
trap 'scripts/pg-test-server.sh stop "$work/pg" || true; rm -rf "$work"' EXIT

mkdir -p bench/data
base=bench/data/upsert-base-$ROWS.ndjson
changes=bench/data/upsert-changes-$ROWS.ndjson
[[ -f $base ]] || python3 bench/generate.py --format ndjson --rows "$ROWS" --seed 1 --out "$base" >/dev/null
[[ -f $changes ]] || python3 bench/generate.py --format ndjson --rows "$ROWS" --seed 2 --out "$changes" >/dev/null

now() { date +%s.%N; }
best() { sort -g | head -n 1; }
elapsed() { echo "$(now) - $1" | bc; }

# ---- SQLite ------------------------------------------------------------------------------
say "SQLite: the $ROWS-row table"
"$PL_LOAD" "$work/pristine.sqlite" -t lab --key sample_id,analyte --no-meta --quiet "$base"
pl_times=() su_times=() pl_count="" su_count=""
for run in $(seq "$RUNS"); do
  cp "$work/pristine.sqlite" "$work/pl.sqlite"
  start=$(now)
  "$PL_LOAD" "$work/pl.sqlite" -t lab --key sample_id,analyte --no-meta --quiet "$changes"
  pl_times+=("$(elapsed "$start")")
  pl_count=$(sqlite3 "$work/pl.sqlite" "SELECT count(*) FROM lab")
  cp "$work/pristine.sqlite" "$work/su.sqlite"
  start=$(now)
  "$SQLITE_UTILS" upsert "$work/su.sqlite" lab "$changes" --nl --pk sample_id --pk analyte
  su_times+=("$(elapsed "$start")")
  su_count=$(sqlite3 "$work/su.sqlite" "SELECT count(*) FROM lab")
  say "run $run: pl-load ${pl_times[-1]} s, sqlite-utils ${su_times[-1]} s"
done
[[ $pl_count == "$su_count" ]] || die "row counts differ after the upsert: pl-load $pl_count, sqlite-utils $su_count"
# Both must have stored the same rows. Only text columns are compared: pl-load keeps a
# number's text in a TEXT column (12.30), the others store what Python's float makes of it (12.3).
digest() { sqlite3 "$1" "SELECT sample_id, analyte, lot, unit, method, comment, measured_at FROM lab ORDER BY sample_id, analyte" | sha256sum; }
[[ $(digest "$work/pl.sqlite") == $(digest "$work/su.sqlite") ]] || die "pl-load and sqlite-utils stored different rows"
sqlite_pl=$(printf '%s\n' "${pl_times[@]}" | best)
sqlite_su=$(printf '%s\n' "${su_times[@]}" | best)
rm -f "$work"/*.sqlite

# ---- PostgreSQL --------------------------------------------------------------------------
eval "$(scripts/pg-test-server.sh start "$work/pg")"
url=$PL_TEST_PG_URL
say "PostgreSQL: the $ROWS-row table"
"$PL_LOAD" "$url" -t pristine --key sample_id,analyte --no-meta --quiet "$base"
columns=$(psql -X -A -t "$url" -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'pristine'::regclass AND attnum > 0 AND NOT attisdropped")
restore() {
  psql -X -q "$url" -c "DROP TABLE IF EXISTS lab" -c "CREATE TABLE lab (LIKE pristine INCLUDING ALL)" \
    -c "INSERT INTO lab SELECT * FROM pristine" -c "VACUUM ANALYZE lab" -c "CHECKPOINT"
}
cat >"$work/upsert.py" <<'EOF'
import json, sys
import psycopg

url, path, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
key = ["sample_id", "analyte"]
with psycopg.connect(url) as conn:
    types = dict(conn.execute(
        "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'lab'::regclass AND attnum > 0").fetchall())
    # Values as the columns take them: numbers into TEXT columns as their text.
    def value(column, v):
        if v is None or types[column] != "text" or isinstance(v, str):
            return v
        return json.dumps(v)
    sql = "INSERT INTO lab ({0}) VALUES ({1}) ON CONFLICT ({2}) DO UPDATE SET {3}".format(
        ", ".join(columns), ", ".join(["%s"] * len(columns)), ", ".join(key),
        ", ".join("{0} = EXCLUDED.{0}".format(c) for c in columns if c not in key))
    def rows():
        with open(path, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                yield [value(c, record.get(c)) for c in columns]
    with conn.cursor() as cur:
        cur.executemany(sql, rows())
EOF
pl_times=() py_times=() pl_count="" py_count=""
for run in $(seq "$RUNS"); do
  restore
  start=$(now)
  "$PL_LOAD" "$url" -t lab --key sample_id,analyte --no-meta --quiet "$changes"
  pl_times+=("$(elapsed "$start")")
  pl_count=$(psql -X -A -t "$url" -c "SELECT count(*) FROM lab")
  pl_digest=$(psql -X -A -t "$url" -c "SELECT md5(string_agg(concat_ws('|', sample_id, analyte, lot, unit, method, comment, measured_at::text), E'\n' ORDER BY sample_id, analyte)) FROM lab")
  restore
  start=$(now)
  "$PYTHON" "$work/upsert.py" "$url" "$changes" "$columns"
  py_times+=("$(elapsed "$start")")
  py_count=$(psql -X -A -t "$url" -c "SELECT count(*) FROM lab")
  py_digest=$(psql -X -A -t "$url" -c "SELECT md5(string_agg(concat_ws('|', sample_id, analyte, lot, unit, method, comment, measured_at::text), E'\n' ORDER BY sample_id, analyte)) FROM lab")
  say "run $run: pl-load ${pl_times[-1]} s, psycopg ${py_times[-1]} s"
done
[[ $pl_count == "$py_count" ]] || die "row counts differ after the upsert: pl-load $pl_count, psycopg $py_count"
[[ $pl_digest == "$py_digest" ]] || die "pl-load and psycopg stored different rows"
pg_pl=$(printf '%s\n' "${pl_times[@]}" | best)
pg_py=$(printf '%s\n' "${py_times[@]}" | best)

rate() { echo "$ROWS / $1" | bc -l; }
ratio() { echo "$1 / $2" | bc -l; }
printf 'upsert of %s records into a %s-row table (rows after: SQLite %s, PostgreSQL %s)\n' "$ROWS" "$ROWS" "$su_count" "$py_count"
printf 'SQLite      sqlite-utils upsert:   %7.2f s  %9.0f rows/s\n' "$sqlite_su" "$(rate "$sqlite_su")"
printf 'SQLite      pl-load --key:         %7.2f s  %9.0f rows/s\n' "$sqlite_pl" "$(rate "$sqlite_pl")"
printf 'SQLite      ratio sqlite-utils/pl: %7.2f   (target >= 5)\n' "$(ratio "$sqlite_su" "$sqlite_pl")"
printf 'PostgreSQL  psycopg executemany:   %7.2f s  %9.0f rows/s\n' "$pg_py" "$(rate "$pg_py")"
printf 'PostgreSQL  pl-load --key:         %7.2f s  %9.0f rows/s\n' "$pg_pl" "$(rate "$pg_pl")"
printf 'PostgreSQL  ratio psycopg/pl:      %7.2f   (target >= 5)\n' "$(ratio "$pg_py" "$pg_pl")"
