#!/usr/bin/env bash
# pl-report on a lake of one million silver result records with gold built: 20 products × 10
# analytes × 365 days (200 control charts of 365 points, 73,000 gold records), promoted with the
# real pl-promote silver and gold. Times pl-report (the best of BENCH_RUNS) and checks it against
# the targets: under 2 s, and an HTML page under 5 MB for 200 charts. Never part of the tests.
#
#   bash bench/report.sh            (or: make bench-report)
#
# Environment:
#   BENCH_ROWS=1000000   silver records
#   BENCH_RUNS=3         timed runs; the best is reported
#   PL_BIN=DIR           use pl-promote and pl-report from DIR instead of building them (release)
#
# The lake is kept under bench/data/report/ and rebuilt when BENCH_ROWS changes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
DATA=bench/data/report
TARGET_SECONDS=2
TARGET_BYTES=$((5 * 1024 * 1024))

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -n ${PL_BIN:-} ]]; then
  BIN=$PL_BIN
else
  say "swift build -c release --product pl-promote --product pl-report"
  swift build -c release --product pl-promote >&2
  swift build -c release --product pl-report >&2
  BIN=$(swift build -c release --show-bin-path)
fi
[[ -x $BIN/pl-promote && -x $BIN/pl-report ]] || die "pl-promote and pl-report not found in $BIN"

# --- the lake: silver by day, gold by product × analyte × day, with anomaly rules
stamp="$ROWS v1"
if [[ ! -f $DATA/stamp || $(cat "$DATA/stamp") != "$stamp" ]]; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  cat > "$DATA/gold.yml" <<'YML'
version: 1
group_by: [product, analyte]
period: {field: measured_at, by: day}
value: value
measures: [count, mean, sd, min, max, median, p5, p95]
spec_limits:
  fields: {min: spec_min, max: spec_max}
  table:
    - {when: {analyte: protein}, min: 8, max: 15}
    - {when: {analyte: moisture}, max: 14.5}
quality:
  - {name: in_spec, weight: 3, check: in_spec}
  - {name: numeric, weight: 2, check: numeric}
  - {name: has_unit, check: {present: unit}}
anomalies:
  window: 20
  robust_z: {threshold: 3.5, min_history: 5}
  control_rules: {rules: [1, 2, 3, 5, 6], sigma: moving_range, min_history: 8, same_side_run: 9}
YML
  say "generating $ROWS records and promoting them to silver"
  python3 - "$ROWS" <<'PY' | "$BIN/pl-promote" silver --lake "$DATA/lake" --dataset results --partition-by measured_at:day \
      --key sample_id,analyte,measured_at --quiet > /dev/null
import datetime, json, random, sys
rows = int(sys.argv[1])
random.seed(7)
products = ["product-%02d" % i for i in range(20)]
analytes = {"protein": (11, 1.5), "fat": (4, 0.6), "moisture": (12, 1.0), "ash": (1.8, 0.2), "fibre": (9, 1.2),
            "starch": (58, 3.0), "sugars": (1.2, 0.3), "salt": (0.5, 0.1), "ph": (6.5, 0.2), "energy": (380, 12)}
groups = [(p, a) for p in products for a in analytes]
days = 365
start = datetime.date(2025, 1, 1)
out = sys.stdout
for n in range(rows):
    d = n * days // rows
    day = start + datetime.timedelta(days=d)
    product, analyte = groups[n % len(groups)]
    mean, sd = analytes[analyte]
    # A shift for a month in some groups, a rare wild value: anomalies for gold to flag.
    if (n % len(groups)) % 7 == 0 and 200 <= d < 230: mean += sd
    value = random.gauss(mean, sd)
    if random.random() < 0.0005: value += 8 * sd
    r = {"sample_id": "S-%07d" % n, "product": product, "analyte": analyte, "value": round(value, 3), "unit": "g/100g",
         "measured_at": "%sT%02d:%02d:00Z" % (day.isoformat(), n % 24, n % 60), "lab": "Lab %s" % "ABC"[n % 3]}
    out.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
  say "pl-promote gold"
  "$BIN/pl-promote" gold --lake "$DATA/lake" --dataset results --spec "$DATA/gold.yml" --quiet > /dev/null
  echo "$stamp" > "$DATA/stamp"
fi

# --- timing: wall clock, and CPU time (user + system), which a busy machine does not inflate
best=""
best_cpu=""
TIMEFORMAT='%R %U %S'
for ((i = 1; i <= RUNS; i++)); do
  read -r wall user sys < <({ time "$BIN/pl-report" --lake "$DATA/lake" --out "$DATA/report.html" --quiet > /dev/null; } 2>&1)
  cpu=$(echo "$user + $sys" | bc -l)
  say "run $i: $wall s wall, $(printf '%.3f' "$cpu") s CPU"
  if [[ -z $best ]] || (($(echo "$wall < $best" | bc -l))); then best=$wall; fi
  if [[ -z $best_cpu ]] || (($(echo "$cpu < $best_cpu" | bc -l))); then best_cpu=$cpu; fi
done
bytes=$(stat -c %s "$DATA/report.html")
charts=$(grep -o '<svg ' "$DATA/report.html" | wc -l)
flagged=$(grep -o 'class="mark"' "$DATA/report.html" | wc -l)
gold=$(zcat "$DATA"/lake/gold/results/*/*.ndjson.gz | wc -l)
ok_time=$(echo "$best < $TARGET_SECONDS" | bc -l)
ok_size=$((bytes < TARGET_BYTES ? 1 : 0))
printf 'pl-report: %s silver records, %s gold records, %s charts, %s flagged points\n' "$ROWS" "$gold" "$charts" "$flagged"
printf '  time  %.3f s wall, %.3f s CPU   (target < %s s)   %s\n' "$best" "$best_cpu" "$TARGET_SECONDS" "$([[ $ok_time == 1 ]] && echo ok || echo MISSED)"
printf '  html  %s bytes (%.2f MB; target < 5 MB)   %s\n' "$bytes" "$(echo "$bytes / 1048576" | bc -l)" "$([[ $ok_size == 1 ]] && echo ok || echo MISSED)"
[[ $ok_time == 1 && $ok_size == 1 ]]
