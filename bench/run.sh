#!/usr/bin/env bash
# The pl benchmark: pl-extract / pl-load side by side with mlr, jq, sqlite-utils and sqlite3.
# See bench/README.md. Never part of the tests.
#
# Environment:
#   BENCH_RUNS=3     timed runs per case; the best (lowest wall time) is reported
#   BENCH_BUDGET=60  seconds per case after which no further run starts (at least one runs)
#   BENCH_ROWS=1000000  records in the main data set (~110 MB of CSV)
#   BENCH_BIG=1      also measure memory on ~1 GB inputs
#   PL_BIN=DIR       use pl-extract and pl-load from DIR instead of building them
#
# Exit status: 0 when every command ran (targets MISSed or not), 1 when a command or a
# correctness check failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-3}
BUDGET=${BENCH_BUDGET:-60}
ROWS=${BENCH_ROWS:-1000000}
BIG=${BENCH_BIG:-0}
DATA=bench/data
WORK=$DATA/work
RESULTS=bench/results
VENV=bench/.venv

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS must be a positive integer, not '$ROWS'"
[[ $BUDGET =~ ^[0-9]+$ ]] || die "BENCH_BUDGET must be a number of seconds, not '$BUDGET'"

# ---------------------------------------------------------------------------------------
# Tools: install what is missing
# ---------------------------------------------------------------------------------------

SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
APT_UPDATED=0

apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    say "apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

ensure_tools() {
  local missing=()
  command -v mlr >/dev/null || missing+=(miller)
  command -v jq >/dev/null || missing+=(jq)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  [[ -x /usr/bin/time ]] || missing+=(time)
  command -v python3 >/dev/null || missing+=(python3)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "${missing[@]}"
  fi
  if ! command -v hyperfine >/dev/null; then # optional: start-up falls back to a shell loop
    apt_install hyperfine || say "hyperfine is not available: timing start-up with a shell loop"
  fi

  # sqlite-utils lives in its own venv (pip may refuse system installs: PEP 668).
  if [[ ! -x $VENV/bin/sqlite-utils ]]; then
    if [[ ! -x $VENV/bin/pip ]]; then
      rm -rf "$VENV"
      if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        local pyver
        pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        apt_install python3-venv "python$pyver-venv" || apt_install python3-venv
        python3 -m venv "$VENV" || die "cannot create a Python venv in $VENV"
      fi
    fi
    say "pip install sqlite-utils (into $VENV)"
    "$VENV/bin/pip" install --quiet sqlite-utils >&2 || die "pip install sqlite-utils failed"
  fi
  SQLITE_UTILS=$ROOT/$VENV/bin/sqlite-utils
}

# ---------------------------------------------------------------------------------------
# The pl tools: release build (or PL_BIN)
# ---------------------------------------------------------------------------------------

build_pl() {
  local bin
  if [[ -n ${PL_BIN:-} ]]; then
    bin=$(cd "$PL_BIN" && pwd)
    say "using pl tools from PL_BIN=$bin"
  else
    say "swift build -c release (pl-extract, pl-load)"
    swift build -c release --product pl-extract >&2 || die "release build of pl-extract failed"
    swift build -c release --product pl-load >&2 || die "release build of pl-load failed"
    bin=$(swift build -c release --show-bin-path)
  fi
  PL_EXTRACT=$bin/pl-extract
  PL_LOAD=$bin/pl-load
  [[ -x $PL_EXTRACT ]] || die "$PL_EXTRACT is missing or not executable"
  [[ -x $PL_LOAD ]] || die "$PL_LOAD is missing or not executable"
}

# ---------------------------------------------------------------------------------------
# Data: generated once, regenerated when missing or when the generator changed
# ---------------------------------------------------------------------------------------

GEN_HASH=$(sha256sum bench/generate.py | cut -c1-16)

# data FORMAT ROWS -> prints the path of a data file with ROWS records in FORMAT
data() {
  local format=$1 rows=$2 file=$DATA/lab-$2.$1
  local stamp="generator=$GEN_HASH rows=$rows format=$format"
  if [[ ! -f $file || ! -f $file.stamp || $(cat "$file.stamp") != "$stamp" ]]; then
    mkdir -p "$DATA"
    rm -f "$file.stamp"
    local n
    n=$(python3 bench/generate.py --rows "$rows" --format "$format" --out "$file") \
      || die "bench/generate.py failed"
    [[ $n == "$rows" ]] || die "generator wrote $n records, expected $rows"
    printf '%s' "$stamp" >"$file.stamp"
  fi
  printf '%s\n' "$file"
}

size_of() { stat -c %s "$1"; }

# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------

# One table row per case, as "tool|task|seconds|MB/s|records/s|cpu s|rss MiB|runs".
TABLE=()
declare -A SEC

# time_once CMD -> sets LAST_SEC, LAST_RSS (MiB), LAST_CPU; dies if CMD fails
time_once() {
  local cmd=$1 t0 t1 out rss_kib user sys
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$WORK/time.out" \
      bash -o pipefail -c "$cmd" >"$WORK/stdout.log" 2>"$WORK/stderr.log"; then
    printf 'bench: ERROR: command failed: %s\n' "$cmd" >&2
    tail -n 20 "$WORK/stdout.log" "$WORK/stderr.log" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  out=$(tail -n 1 "$WORK/time.out")
  read -r rss_kib user sys <<<"$out"
  LAST_SEC=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  LAST_RSS=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
  LAST_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# bench_case ID TOOL TASK BYTES RECORDS CMD [BEFORE] [AFTER]
#   runs CMD up to $RUNS times (BEFORE before each run, untimed; AFTER after each run,
#   untimed, e.g. a row count check) and keeps the best wall time, its CPU time and the
#   highest RSS. No new run starts once the case has used $BUDGET seconds, so a tool that
#   needs a minute per run is run once; the table's "runs" column says how many ran.
bench_case() {
  local id=$1 tool=$2 task=$3 bytes=$4 records=$5 cmd=$6 before=${7:-} after=${8:-}
  local best="" cpu="" rss=0 used=0 i
  say "$tool: $task"
  for ((i = 1; i <= RUNS; i++)); do
    [[ -z $before ]] || eval "$before"
    time_once "$cmd"
    [[ -z $after ]] || eval "$after"
    if [[ -z $best ]] || awk -v a="$LAST_SEC" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$LAST_SEC cpu=$LAST_CPU
    fi
    if awk -v a="$LAST_RSS" -v b="$rss" 'BEGIN { exit !(a > b) }'; then rss=$LAST_RSS; fi
    used=$(awk -v a="$used" -v b="$LAST_SEC" 'BEGIN { print a + b }')
    say "  run $i: $LAST_SEC s, $LAST_RSS MiB"
    if awk -v u="$used" -v b="$BUDGET" 'BEGIN { exit !(u >= b) }'; then
      ((i < RUNS)) && say "  (time budget of $BUDGET s used up: no more runs)"
      break
    fi
  done
  ((i <= RUNS)) || i=$RUNS
  SEC[$id]=$best
  TABLE+=("$(awk -v t="$tool" -v k="$task" -v s="$best" -v by="$bytes" -v n="$records" \
    -v c="$cpu" -v r="$rss" -v runs="$i" 'BEGIN {
      printf "%s|%s|%.3f|%.1f|%s|%.2f|%.1f|%d", t, k, s, by / 1e6 / s,
        (n == "" ? "" : sprintf("%.0f", n / s)), c, r, runs }')")
}

# ratio ID_OTHER ID_PL -> how many times faster pl is (other's seconds / pl's seconds)
ratio() { awk -v o="${SEC[$1]}" -v p="${SEC[$2]}" 'BEGIN { printf "%.2f", o / p }'; }

PASSES=()
# target NAME VALUE OP LIMIT UNIT
target() {
  local name=$1 value=$2 op=$3 limit=$4 unit=$5 verdict
  if awk -v v="$value" -v l="$limit" -v op="$op" \
      'BEGIN { exit !((op == ">=") ? v >= l : (op == "<=") ? v <= l : v < l) }'; then
    verdict=PASS
  else
    verdict=MISS
  fi
  PASSES+=("$(printf '%-4s  %-38s %10s%-3s (target %s %s%s)' \
    "$verdict" "$name" "$value" "$unit" "$op" "$limit" "$unit")")
}

count_rows() { sqlite3 "$1" 'SELECT count(*) FROM t'; }

expect_rows() { # expect_rows DB TOOL [ROWS]
  local n want=${3:-$ROWS}
  n=$(count_rows "$1") || die "$2: cannot count rows in $1"
  [[ $n == "$want" ]] || die "$2 loaded $n rows into $1, expected $want"
}

# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

ensure_tools
build_pl
mkdir -p "$WORK" "$RESULTS"
rm -f "$WORK"/*.sqlite "$WORK"/*.sqlite-journal

CSV=$(data csv "$ROWS")
NDJSON=$(data ndjson "$ROWS")
SMALL_CSV=$(data csv 10000)
SMALL_NDJSON=$(data ndjson 4500)
CSV_BYTES=$(size_of "$CSV")
NDJSON_BYTES=$(size_of "$NDJSON")

# --- correctness guard (before any timing) ---------------------------------------------
say "checking record counts and contents"
n=$("$PL_EXTRACT" "$CSV" 2>"$WORK/stderr.log" | wc -l) \
  || { cat "$WORK/stderr.log" >&2; die "pl-extract $CSV failed"; }
[[ $n == "$ROWS" ]] || die "pl-extract wrote $n records for $CSV, which has $ROWS rows"
n=$("$PL_EXTRACT" "$NDJSON" 2>"$WORK/stderr.log" | wc -l) \
  || { cat "$WORK/stderr.log" >&2; die "pl-extract $NDJSON failed"; }
[[ $n == "$ROWS" ]] || die "pl-extract wrote $n records for $NDJSON, which has $ROWS records"
"$PL_EXTRACT" "$SMALL_CSV" | python3 bench/check.py csv "$SMALL_CSV" pl-extract >/dev/null \
  || die "pl-extract failed, or its records differ from the CSV rows of $SMALL_CSV (see above)"
"$PL_EXTRACT" "$SMALL_NDJSON" | python3 bench/check.py ndjson "$SMALL_NDJSON" pl-extract >/dev/null \
  || die "pl-extract failed, or its records differ from the records of $SMALL_NDJSON (see above)"
for cmd in "mlr --icsv --ojsonl cat $SMALL_CSV" "jq -c . $SMALL_NDJSON" \
    "mlr --ijsonl --ojsonl cat $SMALL_NDJSON"; do
  n=$(bash -o pipefail -c "$cmd" | wc -l) || die "command failed: $cmd"
  want=10000; [[ $cmd == *ndjson* ]] && want=4500
  [[ $n == "$want" ]] || die "'$cmd' wrote $n records, expected $want"
done

cat "$CSV" "$NDJSON" >/dev/null # warm the page cache
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

# --- CSV -> NDJSON ---------------------------------------------------------------------
T="CSV->NDJSON"
bench_case csv_pl pl-extract "$T" "$CSV_BYTES" "$ROWS" "'$PL_EXTRACT' '$CSV' >/dev/null"
bench_case csv_pl_nometa "pl-extract --no-meta" "$T" "$CSV_BYTES" "$ROWS" \
  "'$PL_EXTRACT' --no-meta '$CSV' >/dev/null"
"$PL_EXTRACT" --detect "$CSV" >"$WORK/lab.dialect"
bench_case csv_pl_given "pl-extract --dialect (no sniffing)" "$T" "$CSV_BYTES" "$ROWS" \
  "'$PL_EXTRACT' --dialect '$WORK/lab.dialect' '$CSV' >/dev/null"
bench_case csv_mlr mlr "$T" "$CSV_BYTES" "$ROWS" "mlr --icsv --ojsonl cat '$CSV' >/dev/null"
bench_case csv_cat "cat (I/O floor)" "$T" "$CSV_BYTES" "" "cat '$CSV' >/dev/null"

# --- NDJSON pass-through ---------------------------------------------------------------
T="NDJSON->NDJSON"
bench_case nd_pl pl-extract "$T" "$NDJSON_BYTES" "$ROWS" "'$PL_EXTRACT' '$NDJSON' >/dev/null"
bench_case nd_jq "jq -c ." "$T" "$NDJSON_BYTES" "$ROWS" "jq -c . '$NDJSON' >/dev/null"
bench_case nd_mlr mlr "$T" "$NDJSON_BYTES" "$ROWS" "mlr --ijsonl --ojsonl cat '$NDJSON' >/dev/null"

# --- Load into SQLite (fresh database file per run) --------------------------------------
T="load SQLite"
DB1=$WORK/pl.sqlite DB2=$WORK/sqlite-utils.sqlite DB3=$WORK/sqlite3.sqlite DB4=$WORK/pl-load.sqlite
bench_case load_pl "pl-extract + pl-load" "$T (CSV)" "$CSV_BYTES" "$ROWS" \
  "'$PL_EXTRACT' '$CSV' | '$PL_LOAD' '$DB1' --table t --quiet" \
  'rm -f "$DB1"' 'expect_rows "$DB1" pl-load'
bench_case load_pl_nd "pl-load" "$T (NDJSON)" "$NDJSON_BYTES" "$ROWS" \
  "'$PL_LOAD' '$DB4' --table t --quiet '$NDJSON'" \
  'rm -f "$DB4"' 'expect_rows "$DB4" pl-load'
bench_case load_su "sqlite-utils insert --nl" "$T (NDJSON)" "$NDJSON_BYTES" "$ROWS" \
  "'$SQLITE_UTILS' insert '$DB2' t '$NDJSON' --nl" \
  'rm -f "$DB2"' 'expect_rows "$DB2" sqlite-utils'
bench_case load_sq "sqlite3 .import --csv" "$T (CSV)" "$CSV_BYTES" "$ROWS" \
  "sqlite3 '$DB3' '.import --csv $CSV t'" \
  'rm -f "$DB3"' 'expect_rows "$DB3" sqlite3'
rm -f "$DB1" "$DB2" "$DB3"

# --- Memory: peak RSS as the input grows ---------------------------------------------------
# pl-extract on CSV and NDJSON (the target); pl-load on the NDJSON, for information.
CSV_ROWS=(10000 100000 1000000)
ND_ROWS=(4500 45000 450000)
if [[ $BIG == 1 ]]; then CSV_ROWS+=(10000000); ND_ROWS+=(4500000); fi
MEM=() MAX_RSS=0 MIN_RSS=""
mem_row() { # mem_row TOOL FILE RECORDS
  MEM+=("$(awk -v t="$1" -v f="${2##*.}" -v b="$(size_of "$2")" -v n="$3" -v s="$LAST_SEC" \
    -v r="$LAST_RSS" 'BEGIN { printf "%s|%s|%.1f|%d|%.3f|%.1f", t, f, b / 1e6, n, s, r }')")
}
for i in "${!CSV_ROWS[@]}"; do
  csv_file=$(data csv "${CSV_ROWS[$i]}")
  nd_file=$(data ndjson "${ND_ROWS[$i]}")
  for file in "$csv_file" "$nd_file"; do
    say "pl-extract: peak RSS on $file"
    time_once "'$PL_EXTRACT' '$file' >/dev/null"
    [[ $file == "$csv_file" ]] && rows=${CSV_ROWS[$i]} || rows=${ND_ROWS[$i]}
    mem_row pl-extract "$file" "$rows"
    if awk -v a="$LAST_RSS" -v b="$MAX_RSS" 'BEGIN { exit !(a > b) }'; then MAX_RSS=$LAST_RSS; fi
    if [[ -z $MIN_RSS ]] || awk -v a="$LAST_RSS" -v b="$MIN_RSS" 'BEGIN { exit !(a < b) }'; then
      MIN_RSS=$LAST_RSS
    fi
  done
  say "pl-load: peak RSS on $nd_file"
  rm -f "$DB4"
  time_once "'$PL_LOAD' '$DB4' --table t --quiet '$nd_file'"
  expect_rows "$DB4" pl-load "${ND_ROWS[$i]}"
  mem_row pl-load "$nd_file" "${ND_ROWS[$i]}"
  rm -f "$DB4"
done

# --- Start-up ----------------------------------------------------------------------------
startup_ms() { # startup_ms EXECUTABLE -> mean ms of "EXECUTABLE --version" over 50 runs
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs 50 --export-json "$WORK/hyperfine.json" \
      "'$1' --version" >/dev/null 2>"$WORK/stderr.log" \
      || { cat "$WORK/stderr.log" >&2; die "hyperfine $1 --version failed"; }
    python3 -c 'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["mean"] * 1000))' \
      "$WORK/hyperfine.json"
  else
    local t0 t1 i
    for i in 1 2 3 4 5; do "$1" --version >/dev/null; done
    t0=$(date +%s%N)
    for ((i = 0; i < 50; i++)); do "$1" --version >/dev/null; done
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 50 / 1e6 }'
  fi
}
say "start-up: --version, 50 runs"
START_EXTRACT=$(startup_ms "$PL_EXTRACT")
START_LOAD=$(startup_ms "$PL_LOAD")

# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

R_MLR=$(ratio csv_mlr csv_pl)
R_JQ=$(ratio nd_jq nd_pl)
R_SU=$(ratio load_su load_pl)
R_SQ=$(ratio load_sq load_pl)
# Sniffing's cost: seconds with the dialect detected over seconds with it given.
R_SNIFF=$(ratio csv_pl csv_pl_given)
target "CSV->NDJSON: pl-extract vs mlr" "$R_MLR" ">=" 3 "x"
target "CSV->NDJSON: time sniffing / time with the dialect given" "$R_SNIFF" "<=" 1.10 "x"
target "NDJSON->NDJSON: pl-extract vs jq" "$R_JQ" ">=" 5 "x"
target "load: pl vs sqlite-utils" "$R_SU" ">=" 5 "x"
target "load: pl vs sqlite3 .import" "$R_SQ" ">=" 0.5 "x"
target "memory: pl-extract peak RSS" "$MAX_RSS" "<" 64 " MiB"
target "start-up: pl-extract --version" "$START_EXTRACT" "<" 20 " ms"

report() {
  local row
  echo "# pl benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+dirty') · $(nproc) cores · load average $LOAD_BEFORE at the start, $(cut -d' ' -f1 /proc/loadavg) at the end · best of up to $RUNS runs, $BUDGET s per case"
  echo
  echo "Tools: pl-extract $("$PL_EXTRACT" --version 2>&1 | head -n 1) · $(mlr --version) · $(jq --version) · sqlite3 $(sqlite3 --version | cut -d' ' -f1) · $("$SQLITE_UTILS" --version)"
  echo
  echo "Data: $CSV ($(awk -v b="$CSV_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB), $NDJSON ($(awk -v b="$NDJSON_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB), $ROWS records each."
  echo "MB = 10^6 bytes of input; CPU s = user + system of the best run; RSS = highest peak resident set of any process in the command, over all runs."
  echo
  echo "| tool | task | seconds | MB/s | records/s | CPU s | peak RSS MiB | runs |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for row in "${TABLE[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  echo "Ratios (other tool's seconds / pl's seconds): pl-extract vs mlr (CSV) ${R_MLR}× · sniffing / dialect given ${R_SNIFF}× · vs jq (NDJSON) ${R_JQ}× · pl load vs sqlite-utils ${R_SU}× · vs sqlite3 .import ${R_SQ}×"
  echo
  echo "## Memory"
  echo
  echo "| tool | input | MB | records | seconds | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|---:|"
  for row in "${MEM[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  echo "pl-extract's peak RSS from the smallest to the largest input: $MIN_RSS to $MAX_RSS MiB (one run each)."
  echo
  echo "## Start-up (--version, mean of 50 runs)"
  echo
  echo "pl-extract ${START_EXTRACT} ms · pl-load ${START_LOAD} ms"
  echo
  echo "## Targets"
  echo
  echo '```'
  printf '%s\n' "${PASSES[@]}"
  echo '```'
}

# align_tables: pads the cells of markdown tables so that they line up as plain text too
# (cells must be ASCII: mawk counts bytes)
align_tables() {
  awk -F'|' '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    function flush(   i, j, c, line, pad) {
      for (i = 1; i <= n; i++) {
        line = "|"
        for (j = 2; j < cols; j++) {
          c = cell[i, j]
          if (c ~ /^-+:?$/) {
            line = line " " substr("--------------------------------------------------------", 1, w[j] - (c ~ /:$/)) (c ~ /:$/ ? ":" : "") " |"
          } else {
            pad = sprintf("%" (right[j] ? "" : "-") w[j] "s", c)
            line = line " " pad " |"
          }
        }
        print line
      }
      n = 0; split("", w); split("", right)
    }
    /^\|/ {
      n++; cols = NF
      for (j = 2; j < NF; j++) {
        cell[n, j] = trim($j)
        if (length(cell[n, j]) > w[j]) w[j] = length(cell[n, j])
        if (cell[n, j] ~ /^-+:$/) right[j] = 1
      }
      next
    }
    { if (n) flush(); print }
    END { if (n) flush() }
  '
}

report | align_tables >"$RESULTS/latest.md"
echo
cat "$RESULTS/latest.md"
echo
echo "Written to $ROOT/$RESULTS/latest.md"
