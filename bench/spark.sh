#!/usr/bin/env bash
# The Spark scaling note (bench/SPARK.md): many small lab files through the silver step on one
# machine (one pl pipeline) and as Spark stages (examples/spark/pl_spark.py) with 1 and 2
# executor cores. Never part of the tests.
#
# The files: NIR exports as examples/nir_export.csv, BENCH_SPARK_ROWS samples each (four
# analytes a sample, so four result records a row), each file different (its own sample ids).
# They are landed in bronze once (timed) and every run starts from a copy of that lake.
#
# Runs, each timed from the pending list to the last silver commit:
#   single    (cd LAKE && pl-promote pending --format paths -0 | pl-extract --files-from - -0)
#               | pl-clean --profile lab | pl-validate --schema lab | pl-promote silver
#             in two timed halves (extract|clean|validate, then silver) to see the serial part;
#   local[1]  pl_spark.py --master local[1]
#   local[2]  pl_spark.py --master local[2]
# and each lake's silver must equal the single run's (compare_lakes.py).
#
# Environment:
#   BENCH_SPARK_FILES=100000   files
#   BENCH_SPARK_ROWS=5         samples a file
#   BENCH_SPARK_PER_TASK=2000  files per stage-1 task (pl_spark.py --files-per-task)
#   PL_BIN=DIR                 the pl commands (default: swift build -c release)
#   SPARK_VENV=DIR             the venv with pyspark (default .build/spark-venv; made if missing)
# Exit status: 0 when every run finished and the lakes agree, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FILES=${BENCH_SPARK_FILES:-100000}
ROWS=${BENCH_SPARK_ROWS:-5}
PER_TASK=${BENCH_SPARK_PER_TASK:-2000}
VENV=${SPARK_VENV:-.build/spark-venv}
DATA=bench/data/spark

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $FILES =~ ^[1-9][0-9]*$ ]] || die "BENCH_SPARK_FILES must be a positive integer, not '$FILES'"
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SPARK_ROWS must be a positive integer, not '$ROWS'"
[[ $PER_TASK =~ ^[1-9][0-9]*$ ]] || die "BENCH_SPARK_PER_TASK must be a positive integer, not '$PER_TASK'"

command -v java > /dev/null || die "no java: make test-spark installs one (openjdk-17-jre-headless)"
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import pyspark' 2> /dev/null; then
  python3 -m venv "$VENV" || die "cannot create a Python venv in $VENV"
  say "pip install pyspark (into $VENV)"
  "$VENV/bin/pip" install --quiet 'pyspark>=4,<5' duckdb >&2 || die "pip install pyspark failed"
fi
PY=$VENV/bin/python
export PYSPARK_PYTHON=$PY
[[ $PY = /* ]] || export PYSPARK_PYTHON=$ROOT/$PY
if [[ -n ${PL_BIN:-} ]]; then
  BIN=$(cd "$PL_BIN" && pwd)
else
  say "swift build -c release"
  swift build -c release >&2
  BIN=$(swift build -c release --show-bin-path)
fi

# --- Data ----------------------------------------------------------------------------------

inbox=$DATA/inbox-$FILES-$ROWS
if [[ ! -f $inbox/.complete ]]; then
  rm -rf "$inbox"
  mkdir -p "$inbox"
  say "writing $FILES files of $ROWS samples into $inbox"
  python3 - "$inbox" "$FILES" "$ROWS" << 'EOF'
import os, random, sys
folder, files, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(11)
products = ["Oat drink base", "Granola crunchy", "Protein bar", "Rye crispbread", "Pea protein isolate"]
for f in range(files):
    day = 1 + f % 28
    month = 1 + (f // 28) % 12
    lines = ["Sample ID,Product,Date,Time,Protein %,Fat %,Moisture %,Ash %,Operator"]
    for r in range(rows):
        lines.append(
            f"B{f:06d}-{r:02d},{rng.choice(products)},2024-{month:02d}-{day:02d},{8 + r % 10:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d},"
            f"{rng.uniform(1, 30):.2f},{rng.uniform(0.5, 20):.2f},{rng.uniform(2, 90):.2f},{rng.uniform(0.1, 3):.2f},AK")
    with open(os.path.join(folder, f"nir_{f:06d}.csv"), "w") as out:
        out.write("\n".join(lines) + "\n")
EOF
  touch "$inbox/.complete"
fi
base=$DATA/lake-$FILES-$ROWS
if [[ ! -f $base/.complete ]]; then
  rm -rf "$base"
  say "bronze: $FILES files"
  t0=$(date +%s.%N)
  find "$inbox" -maxdepth 1 -type f -name '*.csv' -print0 | LC_ALL=C sort -z \
    | "$BIN/pl-promote" bronze --lake "$base" --dataset inbox --files-from - -0 --quiet > /dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc > "$base/.bronze-seconds"
  touch "$base/.complete"
fi
bronze_s=$(cat "$base/.bronze-seconds")

# A fresh copy of the bronze lake: bronze files are immutable, so they are hard-linked.
fresh() {
  rm -rf "$1"
  mkdir -p "$1"
  cp -al "$base/bronze" "$1/bronze"
  cp -a "$base/_manifests" "$1/_manifests"
}
seconds_since() { echo "$(date +%s.%N) - $1" | bc; }

# --- Runs ----------------------------------------------------------------------------------

declare -A secs
lake=$DATA/run-single
fresh "$lake"
say "single machine: one pipeline over $FILES files"
t0=$(date +%s.%N)
# Paths relative to the lake without "./", as nightly.sh and pl_spark.py give them.
(cd "$lake" && "$BIN/pl-promote" pending --lake . --dataset inbox --format paths -0 --quiet | sed -z 's#^\./##' \
  | "$BIN/pl-extract" --on-error skip --files-from - -0 --quiet) \
  | "$BIN/pl-clean" --profile lab --tz Europe/Amsterdam --quiet \
  | "$BIN/pl-validate" --schema lab --rejects "$DATA/single-rejects.ndjson" --quiet > "$DATA/single-validated.ndjson"
secs[single_ecv]=$(seconds_since "$t0")
t1=$(date +%s.%N)
"$BIN/pl-promote" silver --lake "$lake" --dataset results --partition-by measured_at:day \
  --key sample_id,analyte,measured_at --quiet < "$DATA/single-validated.ndjson" > /dev/null
secs[single_silver]=$(seconds_since "$t1")
secs[single]=$(echo "${secs[single_ecv]} + ${secs[single_silver]}" | bc)
records=$(wc -l < "$DATA/single-validated.ndjson")
rejected=$(wc -l < "$DATA/single-rejects.ndjson")
rm -f "$DATA/single-validated.ndjson"

for cores in 1 2; do
  lake=$DATA/run-local$cores
  fresh "$lake"
  say "Spark local[$cores]"
  t0=$(date +%s.%N)
  "$PY" examples/spark/pl_spark.py --lake "$lake" --run "$DATA/run-local$cores.run" --master "local[$cores]" \
    --pl-bin "$BIN" --files-per-task "$PER_TASK" > "$DATA/local$cores.json" 2> "$DATA/local$cores.err" \
    || { tail -20 "$DATA/local$cores.err" >&2; die "the Spark job failed"; }
  secs[local$cores]=$(seconds_since "$t0")
  rm -rf "$DATA/run-local$cores.run"
  "$PY" examples/spark/compare_lakes.py "$DATA/run-single" "$lake" --layer silver >&2 || die "local[$cores]'s silver differs"
done
# Spark's fixed cost: a job over one file (JVM, context, two stages).
lake=$DATA/run-one
rm -rf "$lake"
"$BIN/pl-promote" bronze --lake "$lake" --dataset inbox --quiet "$inbox/nir_000000.csv" > /dev/null
t0=$(date +%s.%N)
"$PY" examples/spark/pl_spark.py --lake "$lake" --run "$DATA/run-one.run" --master "local[1]" --pl-bin "$BIN" \
  > /dev/null 2> "$DATA/one.err" || { tail -20 "$DATA/one.err" >&2; die "the one-file Spark job failed"; }
secs[fixed]=$(seconds_since "$t0")
rm -rf "$DATA/run-one" "$DATA/run-one.run" "$DATA"/run-single "$DATA"/run-local1 "$DATA"/run-local2 "$DATA"/run-*.spark-runs

# --- Report --------------------------------------------------------------------------------

rate() { echo "scale=1; $FILES / $1" | bc; }
printf '\n## Spark scaling: %s files of %s samples (%s result records, %s rejected), %s files a task\n\n' \
  "$FILES" "$ROWS" "$records" "$rejected" "$PER_TASK"
printf 'bronze (one pl-promote bronze --files-from, not in the runs below): %.1f s, %s files/s\n\n' "$bronze_s" "$(rate "$bronze_s")"
printf '| run | cores | seconds | files/s | files/s per core | records/s |\n|---|---:|---:|---:|---:|---:|\n'
for run in single local1 local2; do
  case $run in single) cores=1 ;; local1) cores=1 ;; local2) cores=2 ;; esac
  s=${secs[$run]}
  printf '| %s | %s | %.1f | %s | %s | %s |\n' "$run" "$cores" "$s" "$(rate "$s")" \
    "$(echo "scale=1; $FILES / $s / $cores" | bc)" "$(echo "$records / $s" | bc)"
done
printf '\nsingle: extract|clean|validate %.1f s, silver %.1f s (the part a lake lock serialises)\n' \
  "${secs[single_ecv]}" "${secs[single_silver]}"
printf 'Spark fixed cost (a job over one file, local[1]): %.1f s\n' "${secs[fixed]}"
printf 'overhead a file, Spark local[1] over the single pipeline: %.2f ms\n' \
  "$(echo "scale=4; (${secs[local1]} - ${secs[fixed]} - ${secs[single]}) * 1000 / $FILES" | bc)"
printf 'speed-up local[1] -> local[2]: %.2f\n' "$(echo "scale=3; ${secs[local1]} / ${secs[local2]}" | bc)"
