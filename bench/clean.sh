#!/usr/bin/env bash
# The pl-clean benchmark: one typical cleaning job (bench/clean/spec.yml) on a German
# instrument export, by pl-clean and by the same job written for jq, Miller and DuckDB
# (one thread). Never part of the tests.
#
# The job: rename six fields; read three numbers with decimal commas; split a fat result that
# may be censored ("<0,05") into fat, fat_qualifier and fat_limit; convert sodium from mg/kg
# to mg/100g; read "DD.MM.YYYY HH:MM" on the Amsterdam clock and write it in UTC.
#
# Environment:
#   BENCH_RUNS=1              timed runs per tool; the best is reported
#   BENCH_CLEAN_ROWS=1000000  records in the data set
#   BENCH_SLOW_ROWS=          records for jq and Miller when they are too slow for all of
#                             them (their time is then scaled up, and the report says so)
#   PL_BIN=DIR                use pl-clean from DIR instead of building it
#
# Targets: pl-clean at least 8× jq, 6× Miller and 1× DuckDB on one thread.
# Exit status: 0 when every tool ran and the outputs agree, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-1}
ROWS=${BENCH_CLEAN_ROWS:-1000000}
SLOW_ROWS=${BENCH_SLOW_ROWS:-}
DATA=bench/data/clean
VENV=bench/data/venv
JOB=bench/clean

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLEAN_ROWS must be a positive integer, not '$ROWS'"
[[ -z $SLOW_ROWS || $SLOW_ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SLOW_ROWS must be a positive integer, not '$SLOW_ROWS'"

# --- Tools ---------------------------------------------------------------------------------

SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
missing=()
command -v mlr >/dev/null || missing+=(miller)
command -v jq >/dev/null || missing+=(jq)
command -v python3 >/dev/null || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# DuckDB from pip, in its own venv under bench/data/ (pip may refuse system installs: PEP 668).
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  mkdir -p bench/data
  python3 -m venv "$VENV" || die "cannot create a Python venv in $VENV (install python3-venv)"
  say "pip install duckdb (into $VENV)"
  "$VENV/bin/pip" install --quiet duckdb >&2 || die "pip install duckdb failed"
fi

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release --product pl-clean"
  swift build -c release --product pl-clean >&2
  BIN=$(swift build -c release --show-bin-path)
fi
PL_CLEAN=$BIN/pl-clean
[[ -x $PL_CLEAN ]] || die "no pl-clean in $BIN"

# --- Data ----------------------------------------------------------------------------------

mkdir -p "$DATA"
IN=$DATA/export-$ROWS.ndjson
[[ -s $IN ]] || python3 bench/generate_clean.py --rows "$ROWS" --out "$IN" >/dev/null
SLOW_IN=$IN
if [[ -n $SLOW_ROWS ]]; then
  SLOW_IN=$DATA/export-$SLOW_ROWS.ndjson
  [[ -s $SLOW_IN ]] || python3 bench/generate_clean.py --rows "$SLOW_ROWS" --out "$SLOW_IN" >/dev/null
fi
say "data: $IN ($(du -h "$IN" | cut -f1))"

# --- Runs ----------------------------------------------------------------------------------

run_pl() { "$PL_CLEAN" --spec $JOB/spec.yml --no-raw --no-meta "$1" >"$2"; }
run_jq() { jq -c -f $JOB/clean.jq "$1" >"$2"; }
run_mlr() { mlr --ijson --ojsonl put -f $JOB/clean.mlr "$1" >"$2"; }
run_duckdb() {
  local sql
  sql=$(sed -e "s|'IN'|'$1'|" -e "s|'OUT'|'$2'|" $JOB/clean.sql)
  "$VENV/bin/python" -c 'import duckdb, sys; duckdb.connect().execute(sys.argv[1])' "$sql"
}

# Best wall time of RUNS runs, in seconds.
best_of() {
  local fn=$1 in=$2 out=$3 best="" t0 t1 t i
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s.%N)
    "$fn" "$in" "$out" >/dev/null || die "$fn failed"
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    if [[ -z $best ]] || (($(echo "$t < $best" | bc))); then best=$t; fi
  done
  echo "$best"
}

say "correctness on the first records"
head -n 20000 "$IN" >"$DATA/check.ndjson"
for tool in pl jq mlr duckdb; do "run_$tool" "$DATA/check.ndjson" "$DATA/check.$tool.out"; done
python3 $JOB/check.py "$DATA/check.pl.out" "$DATA/check.jq.out" "$DATA/check.mlr.out" "$DATA/check.duckdb.out" ||
  die "the outputs differ"

declare -A secs
for tool in pl duckdb mlr jq; do
  in=$IN
  [[ $tool == jq || $tool == mlr ]] && in=$SLOW_IN
  say "timing $tool on $(basename "$in")"
  secs[$tool]=$(best_of "run_$tool" "$in" "$DATA/out.$tool.ndjson")
done
# The full outputs, sampled across the whole year (daylight saving included).
python3 $JOB/check.py "$DATA/out.pl.ndjson" "$DATA/out.duckdb.ndjson" || die "DuckDB's output differs"
[[ -n $SLOW_ROWS ]] || python3 $JOB/check.py "$DATA/out.pl.ndjson" "$DATA/out.jq.ndjson" "$DATA/out.mlr.ndjson" || die "the outputs differ"

# --- Report --------------------------------------------------------------------------------

slow_scale=1
[[ -n $SLOW_ROWS ]] && slow_scale=$(echo "scale=6; $ROWS / $SLOW_ROWS" | bc)
printf '\n## pl-clean benchmark: %s records (%s)\n\n' "$ROWS" "$(du -h "$IN" | cut -f1)"
printf '| tool | seconds | records/s | pl-clean is | target |\n|---|---:|---:|---:|---:|\n'
for tool in pl duckdb mlr jq; do
  s=${secs[$tool]}
  n=$ROWS
  note=""
  if [[ ($tool == jq || $tool == mlr) && -n $SLOW_ROWS ]]; then
    n=$SLOW_ROWS
    s=$(echo "scale=3; $s * $slow_scale" | bc)
    note=" (timed on $SLOW_ROWS, scaled)"
  fi
  rate=$(echo "$n / ${secs[$tool]}" | bc)
  ratio=$(echo "scale=2; $s / ${secs[pl]}" | bc)
  case $tool in pl) target="" ;; jq) target="≥ 8×" ;; mlr) target="≥ 6×" ;; duckdb) target="≥ 1×" ;; esac
  name=$tool
  [[ $tool == pl ]] && name=pl-clean
  [[ $tool == duckdb ]] && name="duckdb (1 thread)"
  printf '| %s%s | %.2f | %s | %s× | %s |\n' "$name" "$note" "$s" "$rate" "$ratio" "$target"
done
