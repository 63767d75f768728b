#!/usr/bin/env bash
# Promoting to silver (issue 12): `pl-promote silver` on 1M lab results against `pigz -p2 -6`
# compressing the same NDJSON — the target is silver at least as fast as pigz. Also DuckDB
# reading the silver it wrote, to show the parts read as they stand. Never part of the tests.
#
# Environment:
#   BENCH_RUNS=3                timed runs per tool; the best is reported
#   BENCH_COMPRESS_ROWS=1000000 records (the data set is bench/compress.sh's)
# Wall and CPU seconds are both printed: on a machine others are using, wall times follow the load.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-3}
ROWS=${BENCH_COMPRESS_ROWS:-1000000}
DATA=bench/data/compress
BASE=$DATA/results-$ROWS.ndjson
INPUT=bench/data/silver/results-$ROWS.ndjson
say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
command -v pigz >/dev/null || die "pigz is not installed (apt-get install pigz)"
[[ -x /usr/bin/time ]] || die "GNU time is not installed (apt-get install time)"

if [[ ! -s $BASE ]]; then
  say "generating the data set through bench/compress.sh's generator"
  BENCH_RUNS=1 BENCH_COMPRESS_ROWS=$ROWS BENCH_GENERATE_ONLY=1 bash bench/compress.sh >/dev/null
fi
# compress.sh gives every record a file of its own; what pl-extract hands on comes from files
# of many records each (an export, a report), so here 250 records share a bronze source.
if [[ ! -s $INPUT ]]; then
  mkdir -p "$(dirname "$INPUT")"
  python3 - "$BASE" "$INPUT.tmp" <<'PY'
import hashlib, json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for i, line in enumerate(f):
        rec = json.loads(line)
        day = rec["measured_at"][:10]
        sha = hashlib.sha256(str(i // 250).encode()).hexdigest()
        rec["_pl"] = {"source": f"bronze/coa/ingest_date={day}/{sha}.csv", "line": 2 + i % 250}
        out.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
  mv "$INPUT.tmp" "$INPUT"
fi
[[ -s $INPUT ]] || die "no data set at $INPUT"

swift build -c release --product pl-promote >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# best_of NAME COMMAND…: runs COMMAND $RUNS times, prints "NAME wall cpu" of the fastest run.
best_of() {
  local name=$1; shift
  local best_wall="" best_cpu=""
  for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$WORK/lake" "$WORK/out.gz"
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@"
    local wall cpu
    read -r wall cpu < <(awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time")
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN{exit !(a<b)}'; then best_wall=$wall; best_cpu=$cpu; fi
  done
  echo "$name $best_wall $best_cpu"
}

size=$(stat -c %s "$INPUT")
say "input: $ROWS records, $((size / 1000000)) MB; best of $RUNS runs"
# (best_of runs in this shell, not in a process substitution, whose exit would run the trap)
best_of pigz sh -c "pigz -p2 -6 < '$INPUT' > '$WORK/out.gz'" > "$WORK/pigz"
best_of silver sh -c "'$BIN/pl-promote' silver --lake '$WORK/lake' --dataset results --partition-by measured_at:day --key sample_id,analyte < '$INPUT' > /dev/null" > "$WORK/silver"
read -r _ pw pc < "$WORK/pigz"
read -r _ sw sc < "$WORK/silver"
printf '%-28s %8s %8s %8s\n' tool "wall s" "CPU s" "MB/s"
printf '%-28s %8s %8s %8.1f\n' "pigz -p2 -6" "$pw" "$pc" "$(awk -v s="$size" -v t="$pw" 'BEGIN{print s/1e6/t}')"
printf '%-28s %8s %8s %8.1f\n' "pl-promote silver (gzip)" "$sw" "$sc" "$(awk -v s="$size" -v t="$sw" 'BEGIN{print s/1e6/t}')"
printf 'silver vs pigz -p2 -6: %.2fx wall, %.2fx CPU (above 1 = silver faster)\n' \
  "$(awk -v a="$pw" -v b="$sw" 'BEGIN{print a/b}')" "$(awk -v a="$pc" -v b="$sc" 'BEGIN{print a/b}')"
