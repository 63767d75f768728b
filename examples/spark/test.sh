#!/usr/bin/env bash
# test.sh — `make test-spark`: the Spark job against the single-machine nightly job.
#
# Sets up what it needs (a Java runtime via apt when `java` is missing; pyspark and duckdb from
# PyPI into .build/spark-venv), builds the release commands (unless PL_BIN names them), and then:
#   1. the same inbox (examples/ and, when present, the shared corpus's inputs) through
#      examples/nightly.sh into one lake and through pl_spark.py in local[2] into another; the
#      silver (and gold) records must be the same, record for record (compare_lakes.py);
#   2. the Spark job again over its lake: nothing pending, the lake unchanged;
#   3. failures (the first with the commands shipped by SparkFiles): a pl stage that fails once (pl-extract, then a task that dies after a silver
#      commit) is retried by Spark (spark.task.maxFailures 4, local[2,4]) and the lake ends the
#      same as the nightly's, no record twice; a stage that fails with no retry left fails the
#      job with pl-extract's status (66) and promotes nothing;
#   4. the lake read as it stands by Spark (spark.read.json, Hive partitions) and DuckDB
#      (read_json_auto, hive_partitioning): the counts they see are the parts' lines.
#
# Environment: PL_BIN=DIR (the pl commands; default: swift build -c release),
# PL_CORPUS=DIR (default: ../shared/corpus beside the repository), SPARK_VENV=DIR.
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
VENV=${SPARK_VENV:-.build/spark-venv}
CORPUS=${PL_CORPUS:-$ROOT/../shared/corpus}

say() { printf 'test-spark: %s\n' "$*" >&2; }
die() { printf 'test-spark: FAIL: %s\n' "$*" >&2; exit 1; }
started=$(date +%s)

# --- set-up ---------------------------------------------------------------------------------
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
if ! command -v java > /dev/null; then
  say "apt-get install openjdk-17-jre-headless"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >&2
fi
for c in jq gzip flock; do command -v "$c" > /dev/null || die "$c is needed (nightly.sh)"; done
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import pyspark, duckdb' 2> /dev/null; then
  python3 -m venv "$VENV" || die "cannot create a Python venv in $VENV (install python3-venv)"
  say "pip install pyspark duckdb (into $VENV)"
  "$VENV/bin/pip" install --quiet 'pyspark>=4,<5' duckdb >&2 || die "pip install pyspark duckdb failed"
fi
PY=$VENV/bin/python
if [[ -n ${PL_BIN:-} ]]; then
  BIN=$(cd "$PL_BIN" && pwd)
else
  say "swift build -c release"
  swift build -c release >&2
  BIN=$(swift build -c release --show-bin-path)
fi
say "set up in $(($(date +%s) - started)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inbox=$work/inbox
mkdir -p "$inbox"
cp examples/*.csv examples/*.txt examples/*.ndjson examples/*.pdf "$inbox"/
if [[ -d $CORPUS/inputs ]]; then
  cp "$CORPUS"/inputs/* "$inbox"/
  say "inbox: examples/ and $(find "$CORPUS/inputs" -maxdepth 1 -type f | wc -l) corpus files"
else
  say "inbox: examples/ only (no corpus at $CORPUS)"
fi
chmod -R u+w "$inbox"
export PYSPARK_PYTHON=$ROOT/$PY
[[ $PY = /* ]] && export PYSPARK_PYTHON=$PY
# The commands from an installed prefix (--pl-bin), or shipped with the job (--ship: SparkFiles).
WHERE=(--pl-bin "$BIN")
job() { "$PY" examples/spark/pl_spark.py "${WHERE[@]}" --tz Europe/Amsterdam --gold-spec examples/gold.yml "$@"; }
# The job's status: 0, or 65 when pl-extract passed over files, as the nightly's.
ok_or_65() { [[ $1 -eq 0 || $1 -eq 65 ]]; }

# --- 1. the same silver as the nightly job ----------------------------------------------------
say "the nightly job"
status=0
PL_BIN=$BIN examples/nightly.sh --inbox "$inbox" --lake "$work/nightly" --db "$work/nightly.sqlite" \
  --runs "$work/nightly.runs" 2> "$work/nightly.err" || status=$?
ok_or_65 $status || { cat "$work/nightly.err" >&2; die "nightly.sh failed ($status)"; }
nightly_status=$status

say "the Spark job, local[2]"
t0=$(date +%s)
status=0
job --lake "$work/spark" --inbox "$inbox" --run "$work/run1" --master 'local[2]' --files-per-task 8 \
  > "$work/run1.json" 2> "$work/run1.err" || status=$?
[[ $status -eq $nightly_status ]] || { tail -20 "$work/run1.err" >&2; die "the Spark job exited $status, the nightly $nightly_status"; }
say "  $(cat "$work/run1.json") ($(($(date +%s) - t0)) s)"
"$PY" examples/spark/compare_lakes.py "$work/nightly" "$work/spark" >&2 || die "the Spark job's lake differs from the nightly's"
refused_n=$(wc -l < "$work/nightly.runs/refused.ndjson")
refused_s=$(wc -l < "$work/run1/refused.ndjson")
[[ $refused_n -eq $refused_s ]] || die "refused files: nightly $refused_n, Spark $refused_s"
cmp <(jq -r .sha256 "$work/nightly.runs/refused.ndjson" | sort) <(jq -r .sha256 "$work/run1/refused.ndjson" | sort) \
  || die "the refused files differ"
rejects_n=$(cat "$work"/nightly.runs/*/rejects.ndjson | wc -l)
rejects_s=$(wc -l < "$work/run1/rejects.ndjson")
[[ $rejects_n -eq $rejects_s ]] || die "rejected records: nightly $rejects_n, Spark $rejects_s"
say "  the same silver and gold, $refused_s refused files and $rejects_s rejected records on both sides"

# --- 2. again: nothing pending, nothing changes ----------------------------------------------
snapshot() { (cd "$1" && find silver gold _manifests -type f | sort | xargs sha256sum); }
snapshot "$work/spark" > "$work/before"
status=0
job --lake "$work/spark" --inbox "$inbox" --run "$work/run2" --master 'local[2]' > "$work/run2.json" 2> "$work/run2.err" || status=$?
ok_or_65 $status || { tail -20 "$work/run2.err" >&2; die "the second run failed ($status)"; }
snapshot "$work/spark" > "$work/after"
diff "$work/before" "$work/after" >&2 || die "a second run over the same inbox changed the lake"
# The refused files are still pending, and left out as the nightly leaves them out.
[[ $(jq .pending "$work/run2.json") -eq 0 ]] || die "the second run found files to promote: $(cat "$work/run2.json")"
say "  a second run changed nothing"

# --- 3. failures and retries -----------------------------------------------------------------
for point in extract silver; do
  # The first of these runs ships the commands with the job instead of naming their folder.
  if [[ $point == extract ]]; then WHERE=(--ship "$BIN"); else WHERE=(--pl-bin "$BIN"); fi
  say "one failure at $point, retried (local[2,4]), ${WHERE[0]}"
  status=0
  PL_SPARK_FAIL_ONCE=$point:$work/failed-$point job --lake "$work/retry-$point" --inbox "$inbox" --run "$work/run-$point" \
    --master 'local[2,4]' --files-per-task 8 > "$work/run-$point.json" 2> "$work/run-$point.err" || status=$?
  [[ -e $work/failed-$point ]] || die "the $point failure was not injected"
  ok_or_65 $status || { tail -20 "$work/run-$point.err" >&2; die "the retried job failed ($status)"; }
  "$PY" examples/spark/compare_lakes.py "$work/nightly" "$work/retry-$point" --layer silver >&2 \
    || die "after a retried $point failure the lake differs from the nightly's"
done
# The silver failure came after a commit: the retry found that batch promoted already.
grep -q 'injected failure after silver' "$work/run-silver.err" || die "the silver failure did not reach the driver's log"

say "a pl-extract failure with no retry left (local[2]): the job fails with its status"
status=0
PL_SPARK_FAIL_ONCE=extract:$work/failed-final job --lake "$work/fail" --inbox "$inbox" --run "$work/run-fail" \
  --master 'local[2]' --files-per-task 8 > /dev/null 2> "$work/run-fail.err" || status=$?
[[ $status -eq 66 ]] || { tail -5 "$work/run-fail.err" >&2; die "expected exit 66 (pl-extract's missing file), got $status"; }
grep -q 'pl-spark-injected-failure' "$work/run-fail.err" || die "the job's error does not name the missing file"
[[ ! -d $work/fail/silver ]] || die "a failed job promoted silver: $(find "$work/fail/silver" -type f | head -3)"
say "  exit 66: $(tail -1 "$work/run-fail.err")"

# --- 4. the lake read by Spark and DuckDB ----------------------------------------------------
say "the lake read as it stands by Spark and DuckDB"
parts_lines() { find "$1" -name '*.ndjson.gz' -exec gzip -dc {} + | wc -l; }
parts_days() { find "$1" -mindepth 1 -maxdepth 1 -type d -name 'date=*' | wc -l; }
"$PY" examples/spark/read_lake.py "$work/spark" --engine both > "$work/read.json" 2> "$work/read.err" \
  || { tail -20 "$work/read.err" >&2; die "read_lake.py failed"; }
for layer in silver gold; do
  want=$(parts_lines "$work/spark/$layer/results")
  days=$(parts_days "$work/spark/$layer/results")
  for engine in spark duckdb; do
    got=$(jq -r "select(.engine == \"$engine\" and .layer == \"$layer\") | \"\(.records) \(.partitions)\"" "$work/read.json")
    [[ $got == "$want $days" ]] || die "$engine read $layer/results as '$got' records and days, the parts hold '$want $days'"
  done
done
spark_day=$(jq -c 'select(.engine == "spark" and .layer == "silver") | .busiest_protein_day' "$work/read.json")
duck_day=$(jq -c 'select(.engine == "duckdb" and .layer == "silver") | .busiest_protein_day' "$work/read.json")
[[ $spark_day == "$duck_day" ]] || die "Spark and DuckDB disagree on a query: $spark_day, $duck_day"
say "  $(jq -c . "$work/read.json" | paste -sd ' ')"

say "passed in $(($(date +%s) - started)) s"
