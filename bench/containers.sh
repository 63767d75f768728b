#!/usr/bin/env bash
# Containers benchmark for pl-extract: a large .csv.gz streams in constant memory, and a zip of
# many small CSVs is read far faster than unzipping it to disk and running pl-extract per file.
# Never part of the tests.
#
# Environment:
#   PL_BIN=DIR          use pl-extract from DIR instead of building it (release)
#   BENCH_GZ_MB=1024    size in MB of the large CSV before compression (the small one is 10 MB)
#   BENCH_ZIP_FILES=1000  CSV members of the zip
#
# Prints peak RSS of both .csv.gz runs (from /usr/bin/time -v) and the wall times of the zip
# runs, with the ratio. Exit status 1 when a command fails or a target is missed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GZ_MB=${BENCH_GZ_MB:-1024}
FILES=${BENCH_ZIP_FILES:-1000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pl-bench-containers.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { printf 'bench: %s\n' "$*" >&2; }

if [[ -n "${PL_BIN:-}" ]]; then
  BIN=$PL_BIN
else
  swift build -c release --product pl-extract >&2
  BIN=$(swift build -c release --show-bin-path)
fi
EXTRACT=$BIN/pl-extract
[[ -x /usr/bin/time ]] || { say "needs /usr/bin/time (GNU time) for peak RSS"; exit 1; }

# Lab-like rows: sample id, date, three readings. Generated once per size, compressed by gzip.
make_csv_gz() {  # size_mb output
  python3 - "$1" "$2" <<'PY'
import gzip, sys, random
target = int(sys.argv[1]) << 20
random.seed(1)
rows = [f"S24-{i:05d},2024-03-{1 + i % 28:02d},{random.uniform(0, 100):.2f},{random.uniform(0, 30):.3f},{random.uniform(3, 9):.2f}\n" for i in range(20000)]
block = "".join(rows).encode()
with gzip.open(sys.argv[2], "wb", compresslevel=1) as f:
    f.write(b"sample,date,moisture,protein,ph\n")
    written = 0
    while written < target:
        f.write(block); written += len(block)
PY
}

peak_rss_kb() {  # file
  /usr/bin/time -v "$EXTRACT" --quiet "$1" 2> "$WORK/time.txt" > /dev/null
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt"
}

say "generating 10 MB and $GZ_MB MB CSVs (gzip)"
make_csv_gz 10 "$WORK/small.csv.gz"
make_csv_gz "$GZ_MB" "$WORK/big.csv.gz"
small=$(peak_rss_kb "$WORK/small.csv.gz")
start=$(date +%s.%N)
big=$(peak_rss_kb "$WORK/big.csv.gz")
big_seconds=$(echo "$(date +%s.%N) - $start" | bc)
printf 'csv.gz 10 MB: peak RSS %d KiB\n' "$small"
printf 'csv.gz %d MB: peak RSS %d KiB (%.1f s)\n' "$GZ_MB" "$big" "$big_seconds"
status=0
if (( big > small * 3 / 2 + 8192 )); then
  echo "MISS: memory grows with the input"; status=1
else
  echo "ok: constant memory"
fi

say "generating a zip of $FILES small CSVs"
python3 - "$FILES" "$WORK/batch.zip" <<'PY'
import sys, zipfile, random
random.seed(2)
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(int(sys.argv[1])):
        rows = "".join(f"S{i}-{j},{random.uniform(0, 100):.2f},{random.uniform(0, 30):.3f}\n" for j in range(20))
        z.writestr(f"results/run{i:04d}.csv", "sample,moisture,protein\n" + rows)
PY

start=$(date +%s.%N)
"$EXTRACT" --quiet "$WORK/batch.zip" > "$WORK/zip.ndjson"
zip_seconds=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
mkdir "$WORK/unzipped"
unzip -q "$WORK/batch.zip" -d "$WORK/unzipped"
for f in "$WORK"/unzipped/results/*.csv; do "$EXTRACT" --quiet "$f"; done > "$WORK/files.ndjson"
files_seconds=$(echo "$(date +%s.%N) - $start" | bc)

[[ $(wc -l < "$WORK/zip.ndjson") == $(wc -l < "$WORK/files.ndjson") ]] || { echo "FAIL: record counts differ"; exit 1; }
ratio=$(echo "scale=1; $files_seconds / $zip_seconds" | bc)
printf 'zip of %d CSVs: pl-extract %.2f s; unzip + pl-extract per file %.2f s; %sx\n' "$FILES" "$zip_seconds" "$files_seconds" "$ratio"
if (( $(echo "$ratio >= 5" | bc) )); then echo "ok: at least 5x"; else echo "MISS: less than 5x"; status=1; fi
exit $status
