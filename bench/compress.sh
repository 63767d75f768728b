#!/usr/bin/env bash
# The part-compression benchmark (issue 12): pl's GzipWriter (libdeflate, in blocks, on all
# cores) and ZstdWriter against `pigz -p2 -6` and `gzip -6` on the same NDJSON — 1M lab
# results shaped like silver records. Never part of the tests.
#
# pl's writers are timed by a test that only runs when asked (PL_BENCH=1, see
# Tests/PLCompressTests/CompressBench.swift): no benchmark executable ships. The test is
# built in debug; the work is libdeflate's and libzstd's (optimised C), the Swift around it
# copies 64 KiB blocks.
#
# Environment:
#   BENCH_RUNS=3                timed runs per tool; the best is reported
#   BENCH_COMPRESS_ROWS=1000000 records in the data set
#
# Target: pl's gzip at least as fast as `pigz -p2 -6`. On a machine others are using, wall
# times follow the load (a tool with more threads gets a larger share); the CPU seconds
# and MB per CPU-second columns say how much work each tool needs whatever the load.
# Exit status: 0 when every output decompresses to the input and the target is met, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-3}
ROWS=${BENCH_COMPRESS_ROWS:-1000000}
DATA=bench/data/compress
INPUT=$DATA/results-$ROWS.ndjson

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_COMPRESS_ROWS must be a positive integer, not '$ROWS'"
for tool in pigz gzip zstd python3 md5sum; do command -v $tool >/dev/null || die "$tool is not installed"; done
mkdir -p "$DATA"

# --- Data: cleaned lab results as silver holds them (with their provenance) ----------------

if [[ ! -s $INPUT ]]; then
  say "generating $ROWS records into $INPUT"
  python3 - "$ROWS" "$INPUT.tmp" <<'PY'
import json, random, sys
rows, out = int(sys.argv[1]), sys.argv[2]
r = random.Random(12)
analytes = [("protein", "g/100g", 5, 30), ("moisture", "g/100g", 2, 15), ("fat", "g/100g", 0.5, 40),
            ("ash", "g/100g", 0.2, 8), ("sodium", "mg/100g", 1, 900), ("fibre", "g/100g", 0.1, 20)]
products = ["Wheat flour T550", "Rolled oats", "Skimmed milk powder", "Cheddar, mature", "Rye bread", "Muesli, fruit & nut"]
methods = ["ISO 1871 Kjeldahl", "NIR DA7250", "AOAC 920.39", "ISO 712 oven", "ICP-OES"]
with open(out, "w") as f:
    for i in range(rows):
        a, unit, lo, hi = analytes[i % 6]
        sample = 240000 + i // 6
        value = round(lo + (hi - lo) * r.random(), r.choice([1, 2, 2, 3]))
        day = 1 + (sample // 400) % 28
        rec = {"sample_id": f"S{sample}", "lot": f"L{sample // 40:06d}", "product": products[(sample // 40) % 6],
               "analyte": a, "value": value, "unit": unit, "qualifier": None if r.random() > 0.03 else "<",
               "loq": 0.05, "method": methods[(sample + i) % 5], "analyst": f"a{r.randrange(1, 25):02d}",
               "measured_at": f"2026-11-{day:02d}T{r.randrange(6, 20):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}Z",
               "_pl": {"source": f"bronze/coa/ingest_date=2026-11-{day:02d}/{r.getrandbits(64):016x}.csv", "line": 2 + i % 5000}}
        f.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
  mv "$INPUT.tmp" "$INPUT"
fi
[[ ${BENCH_GENERATE_ONLY:-} == 1 ]] && exit 0   # bench/silver.sh shares the data set
BYTES=$(stat -c %s "$INPUT")
say "input: $INPUT, $(wc -l < "$INPUT") records, $((BYTES / 1000000)) MB"
cat "$INPUT" > /dev/null   # in the page cache for every tool alike
WANT=$(md5sum < "$INPUT" | cut -d' ' -f1)

# --- pl -----------------------------------------------------------------------------------

say "building the tests (debug)"
swift build --build-tests >&2
say "timing pl's writers ($RUNS runs each)"
PL_BENCH=1 PL_BENCH_INPUT=$ROOT/$INPUT PL_BENCH_OUTPUT=$ROOT/$DATA PL_BENCH_RUNS=$RUNS \
  swift test --skip-build --filter CompressBench >&2 || die "the benchmark test failed"

# --- Others -------------------------------------------------------------------------------

best_of() {  # best_of OUT COMMAND... : "wall cpu" of the fastest of $RUNS runs, output to OUT
  local out=$1 best="" cpu="" line
  shift
  for ((run = 0; run < RUNS; run++)); do
    line=$( { /usr/bin/time -f '%e %U %S' "$@" < "$INPUT" > "$out"; } 2>&1 | tail -1)
    read -r wall user system <<< "$line"
    if [[ -z $best ]] || (( $(echo "$wall < $best" | bc -l) )); then best=$wall; cpu=$(echo "$user + $system" | bc -l); fi
  done
  printf '%s\t%s' "$best" "$cpu"
}
row() {  # row LABEL FILE COMMAND...
  local label=$1 file=$2 timing
  shift 2
  say "timing $label"
  timing=$(best_of "$DATA/$file" "$@")
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$timing" "$BYTES" "$(stat -c %s "$DATA/$file")" "$file"
}
{
  cat "$DATA/pl.tsv"
  row 'pigz -p2 -6' pigz.gz pigz -p2 -6 -c
  row 'gzip -6' gzip.gz gzip -6 -c
  row 'zstd -3 -T2' zstd.zst zstd -q -3 -T2 -c
} > "$DATA/all.tsv"

# --- Check and report ---------------------------------------------------------------------

status=0
while IFS=$'\t' read -r label secs cpu bin bout name; do
  case $name in *.zst) got=$(zstd -dc "$DATA/$name" | md5sum | cut -d' ' -f1) ;; *) got=$(gzip -dc "$DATA/$name" | md5sum | cut -d' ' -f1) ;; esac
  [[ $got == "$WANT" ]] || { say "$label: output does not decompress to the input"; status=1; }
done < "$DATA/all.tsv"

python3 - "$DATA/all.tsv" <<'PY' || status=1
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
pigz = next(float(r[1]) for r in rows if r[0].startswith("pigz"))
pigz_cpu = next(float(r[2]) for r in rows if r[0].startswith("pigz"))
print(f"{'writer':<44} {'seconds':>8} {'MB/s':>7} {'ratio':>6} {'vs pigz':>8} {'CPU s':>7} {'MB/CPU-s':>9}")
for label, secs, cpu, bin_, bout, _ in rows:
    s, c, i, o = float(secs), float(cpu), int(bin_), int(bout)
    print(f"{label:<44} {s:8.2f} {i / s / 1e6:7.1f} {i / o:6.2f} {pigz / s:7.2f}x {c:7.2f} {i / c / 1e6:9.1f}")
print("(MB/s: input megabytes per wall-clock second; ratio: input/output; CPU s: user + system of all threads)")
ours = next(float(r[1]) for r in rows if r[0].startswith("pl GzipWriter libdeflate -6") and "1 thread" not in r[0])
if ours > pigz:
    print(f"target missed: pl's gzip took {ours:.2f}s, pigz -p2 -6 {pigz:.2f}s", file=sys.stderr)
    sys.exit(1)
PY
exit $status
