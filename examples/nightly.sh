#!/usr/bin/env bash
# nightly.sh — the lab's nightly job: inbox files → bronze → silver → gold → SQLite.
#
#   nightly.sh [--inbox DIR] [--lake DIR] [--db DATABASE] [--runs DIR] [--tz ZONE]
#              [--spec GOLD.yml] [--max-rejects N|P%] [--wait SECONDS] [--retry-refused]
#
# Every option has an environment variable, for a crontab line (options win):
#   PL_INBOX (inbox)  PL_LAKE (lake)  PL_DB (lab.sqlite)  PL_RUNS (LAKE.runs)  PL_TZ (Europe/Amsterdam)
#   PL_GOLD_SPEC (gold.yml beside this script)  PL_MAX_REJECTS (unset: any number of rejects passes)
#   PL_WAIT (0)  PL_BIN (the folder of the pl-* commands; without it they are found on PATH)
# It also needs bash 4.4, flock, gzip and jq.
#
#   15 2 * * *  PL_BIN=/opt/pl/bin /opt/pl/nightly.sh --inbox /srv/lab/inbox --lake /srv/lab/lake --db /srv/lab/lab.sqlite
#
# Steps, each night:
#   1. bronze   every file of the inbox (top level, not hidden: deliver as .name, then rename)
#               lands in bronze/inbox, stored once by its sha256 (a file seen before is passed over);
#   2. pending  the bronze files no silver batch has promoted yet, less the refused ones (step 5);
#   3. extract | clean --profile lab --tz ZONE | validate --schema lab, into RUN/validated.ndjson:
#               a file pl-extract cannot read is passed over (--on-error skip), rejected records
#               go to RUN/rejects.ndjson, the report to RUN/report.json and RUN/report.html;
#   4. silver   the stream, by shape, into three silver datasets, each partitioned by a UTC day:
#                 results   measured_at  key sample_id, analyte, measured_at
#                 readings  ts           key run, channel, ts
#                 scores    date         key panelist, sample, attribute
#               (a record of no known shape goes to results); records silver refuses (no day, no
#               key) go to RUN/silver-rejects-DATASET.ndjson with their reasons;
#   5. refused  a file of tonight's list that is still pending after silver gave no record to it
#               (pl-extract could not read it, or every record of it was rejected or refused): it
#               is written to RUNS/refused.ndjson and left out of later nights, so that a night with
#               no new file changes nothing. It stays in bronze: --retry-refused (after a better
#               pl-extract or a fixed schema) tries the refused files again, and forgets those that
#               get promoted;
#   6. gold     pl-promote gold --spec gold.yml over silver/results (only changed partitions);
#   7. load     each silver batch not loaded yet, in batch order, into the table of its dataset by
#               key (upsert), and gold, when its batch changed, into the gold table
#               (--mode replace-table);
#   8. quality  the report and rejects of each run whose records went on to silver (the quality
#               gate passed), once: the report's rules into the table validation_rules (one row
#               per rule: evaluated, failed, success_percent, with the run's records_in and
#               records_rejected) and the rejected records into the table rejects (the first
#               failed rule, field and value, the file that delivered the record, its lab),
#               each row keyed by run_key, a digest of the files the run validated, so that a run
#               loaded twice upserts the same rows (examples/grafana's dashboards read them).
#
# The key of a result is sample_id × analyte × measured_at (the lab schema's unique_measurement
# rule): a sample is measured for many analytes, and the same sample and analyte measured again
# later (a repeat, a stability series) is a new result, not a correction. The same sample, analyte
# and time again is the same result sent again (a re-issued report, a repeated export line): the
# later one supersedes it, in silver's reads and in the table. lab is left out on purpose: a result
# re-sent under another lab name must not count twice.
#
# Each run writes into its own folder RUNS/YYYY-MM-DDTHHMMSS (the local time in ZONE): the files it
# took, the rejects and reports, what each step printed, and log.txt with what every command said
# on standard error (the job itself tells only its steps and problems). RUNS also keeps the job's
# state: refused.ndjson, loaded-silver (the silver manifests loaded into the database),
# loaded-gold (the gold manifest the gold table holds) and loaded-reports (the runs whose report
# and rejects the database holds).
#
# Idempotent and safe to kill: the lake commits each step atomically, and the state above is written
# after what it records, each file replaced whole (written aside, then renamed). A night with no new
# file changes neither the lake nor the database. A run killed at any point is completed by the
# next one: killed before its records were split by shape, its files are still pending and are
# taken again; killed after (RUNS/unfinished names it), its silver batches are promoted from its
# own split files first, so that a file feeding two datasets is never half done; a silver batch not
# yet loaded is loaded (one loaded but not yet recorded is loaded again: an upsert of the same rows,
# which only adds a row to pl-load's _pl_loads), and gold follows silver's state. To fill a new
# database from the lake, remove RUNS/loaded-silver, RUNS/loaded-gold and RUNS/loaded-reports with it.
#
# Exit status (sysexits, as the pl commands):
#   0   the night is done (records rejected by the schema within --max-rejects do not count);
#   1   the quality gate failed: pl-validate rejected more than --max-rejects allows; nothing was
#       promoted, the files stay pending and are tried again next night; see RUN/report.html;
#   64  the command line is wrong;  66  the inbox folder or the gold spec does not exist;
#   65  pl-extract could not read a file (named in RUN/log.txt, listed in RUNS/refused.ndjson); the
#       rest of the night was done;
#   69  a command is not found;  73  the lake, runs folder or lock file cannot be created;
#   75  another run holds the lock (RUNS/nightly.lock, or a dataset of the lake): try again later;
#   other  the status of the pl command that failed (see its man page), with what it said in RUN/log.txt.
set -euo pipefail
shopt -s nullglob

die() { echo "nightly: $2" >&2; [[ -n ${log:-} ]] && echo "nightly: $2" >> "$log"; exit "$1"; }
usage() { sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 64; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inbox=${PL_INBOX:-inbox}
lake=${PL_LAKE:-lake}
db=${PL_DB:-lab.sqlite}
runs=${PL_RUNS:-}
tz=${PL_TZ:-Europe/Amsterdam}
spec=${PL_GOLD_SPEC:-$here/gold.yml}
max_rejects=${PL_MAX_REJECTS:-}
wait_seconds=${PL_WAIT:-0}
retry_refused=0

while (($#)); do
  case $1 in
    --inbox|--lake|--db|--runs|--tz|--spec|--max-rejects|--wait)
      (($# >= 2)) || { echo "nightly: $1 needs a value" >&2; usage; }
      case $1 in
        --inbox) inbox=$2 ;; --lake) lake=$2 ;; --db) db=$2 ;; --runs) runs=$2 ;;
        --tz) tz=$2 ;; --spec) spec=$2 ;; --max-rejects) max_rejects=$2 ;; --wait) wait_seconds=$2 ;;
      esac
      shift 2 ;;
    --retry-refused) retry_refused=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "nightly: unknown argument $1" >&2; usage ;;
  esac
done
[[ $wait_seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || die 64 "--wait $wait_seconds: give a number of seconds"
[[ -n $inbox && -n $lake && -n $db && -n $tz ]] || die 64 "--inbox, --lake, --db and --tz cannot be empty"
[[ -n $runs ]] || runs=$lake.runs
[[ -d $inbox ]] || die 66 "$inbox: no such inbox folder"
[[ -f $spec && -r $spec ]] || die 66 "$spec: no gold spec there"

# The commands: the pl ones from PL_BIN when set, else from PATH.
for c in pl-extract pl-clean pl-validate pl-promote pl-load; do
  if [[ -n ${PL_BIN:-} ]]; then
    p=$PL_BIN/$c
    [[ -x $p ]] || die 69 "$p: not found or not executable (PL_BIN)"
  else
    p=$(command -v "$c") || die 69 "$c: not found on PATH (set PL_BIN to the folder of the pl commands)"
  fi
  # Absolute: pl-extract and pl-promote pending run inside the lake folder.
  declare "${c//-/_}=$(cd "$(dirname "$p")" && pwd)/${p##*/}"
done
for c in flock gzip jq; do command -v "$c" > /dev/null || die 69 "$c: not found on PATH"; done

mkdir -p "$runs" || die 73 "$runs: cannot create the runs folder"
# One run at a time; the kernel releases the lock however the run ends.
exec 9>>"$runs/nightly.lock" || die 73 "$runs/nightly.lock: cannot open the lock file"
flock -w "$wait_seconds" 9 || die 75 "another run holds $runs/nightly.lock: try again later"

stamp=$(TZ=$tz date +%Y-%m-%dT%H%M%S)
run=$runs/$stamp
n=1
while [[ -e $run ]]; do run=$runs/$stamp-$((n++)); done
mkdir "$run"
log=$run/log.txt
: > "$log"
mkdir -p "$lake" || die 73 "$lake: cannot create the lake folder"

say() { echo "nightly: $*" >> "$log"; echo "nightly: $*" >&2; }
# Runs a command with its standard error appended to the run's log; sets $status.
step() {
  status=0
  "$@" 2>> "$log" || status=$?
}
# Replaces a state file whole with what standard input holds.
replace() { cat > "$1.tmp" && mv -f "$1.tmp" "$1"; }
# The sha256 of each pending record (lines of pl-promote pending), and its path in the lake.
sha_of() { sed -n 's/.*"sha256":"\([0-9a-f]\{64\}\)".*/\1/p'; }
path_of() { sed -n 's/.*"path":"\.\/\([^"]*\)".*/\1/p'; }
# Lines of a file that name (or, with -v, do not name) one of the sha256s on standard input.
with_sha() {
  local flags=$1 file=$2 patterns
  patterns=$(sed '/^$/d; s/.*/"sha256":"&"/')
  if [[ -z $patterns ]]; then
    [[ $flags == -v ]] && cat "$file"
    return 0
  fi
  grep $flags -F -e "$patterns" "$file" || true
}
# Bronze paths relative to the lake, so that _pl.source names a bronze file wherever the lake is.
list_pending() {
  if [[ -d $lake/_manifests/bronze/inbox ]]; then
    (cd "$lake" && "$pl_promote" pending --lake . --dataset inbox --quiet) 2>> "$log"
  fi
}

# 4. Promotes a run's records, split by shape, into silver. Every dataset the lake holds is
# opened even when the run brought nothing for it: that completes a batch a killed run
# committed but did not finish.
promote_silver() {
  local from=$1 dataset partition key
  for entry in results:measured_at:day:sample_id,analyte,measured_at readings:ts:day:run,channel,ts scores:date:day:panelist,sample,attribute; do
    dataset=${entry%%:*}
    key=${entry##*:}
    partition=${entry#*:}
    partition=${partition%:*}
    [[ -s $from/$dataset.ndjson || -d $lake/_manifests/silver/$dataset ]] || continue
    step "$pl_promote" silver --lake "$lake" --dataset "$dataset" --partition-by "$partition" --key "$key" \
      --rejects "$from/silver-rejects-$dataset.ndjson" --wait "$wait_seconds" --quiet \
      < "$from/$dataset.ndjson" > "$from/silver-$dataset.ndjson"
    ((status == 0)) || die "$status" "silver $dataset failed (status $status, see $log)"
    if [[ -s $from/silver-rejects-$dataset.ndjson ]]; then
      say "silver $dataset refused $(wc -l < "$from/silver-rejects-$dataset.ndjson") records ($from/silver-rejects-$dataset.ndjson)"
    fi
  done
}
# 5. Writes down the files a run tried that silver still does not list: they gave it no record.
record_refused() {
  local from=$1
  [[ -s $from/tonight.ndjson ]] || return 0
  list_pending > "$from/pending-after.ndjson" || die 70 "pending failed (see $log)"
  sha_of < "$from/tonight.ndjson" | with_sha "" "$from/pending-after.ndjson" > "$from/refused.ndjson"
  {
    # Keep the refused files the run did not try; forget those it tried (promoted, or refused again below).
    sha_of < "$from/tonight.ndjson" | with_sha -v "$runs/refused.ndjson"
    sed "s/}\$/,\"refused_in\":\"${from##*/}\"}/" "$from/refused.ndjson"
  } | replace "$runs/refused.ndjson"
  if [[ -s $from/refused.ndjson ]]; then
    say "$(wc -l < "$from/refused.ndjson") files gave no record to silver: $(sed -n 's/.*"name":"\([^"]*\)".*/\1/p' "$from/refused.ndjson" | paste -sd ',' | sed 's/,/, /g') (left out from now on: $runs/refused.ndjson)"
  fi
}

touch "$runs/refused.ndjson" "$runs/loaded-silver" "$runs/loaded-gold" "$runs/loaded-reports"
echo "nightly: run $run: inbox $inbox, lake $lake, database $db, time zone $tz" >> "$log"

# A run killed between its split and its refused list is completed first, from its own files.
if [[ -s $runs/unfinished ]]; then
  unfinished=$runs/$(cat "$runs/unfinished")
  if [[ -d $unfinished ]]; then
    say "completing the silver of the killed run $unfinished"
    promote_silver "$unfinished"
    record_refused "$unfinished"
  fi
  rm -f "$runs/unfinished"
fi

# 1. bronze
mapfile -d '' files < <(find "$inbox" -mindepth 1 -maxdepth 1 -type f ! -name '.*' -print0 | LC_ALL=C sort -z)
: > "$run/bronze.ndjson"
if ((${#files[@]})); then
  step "$pl_promote" bronze --lake "$lake" --dataset inbox --wait "$wait_seconds" --quiet "${files[@]}" > "$run/bronze.ndjson"
  ((status == 0)) || die "$status" "bronze failed (status $status, see $log)"
fi
landed=$(grep -c '"status":"landed"' "$run/bronze.ndjson" || true)

# 2. pending
list_pending > "$run/pending.ndjson" || die 70 "pending failed (see $log)"
if ((retry_refused)); then
  cp "$run/pending.ndjson" "$run/tonight.ndjson"
else
  sha_of < "$runs/refused.ndjson" | with_sha -v "$run/pending.ndjson" > "$run/tonight.ndjson"
fi
mapfile -t tonight < <(path_of < "$run/tonight.ndjson")
say "${#files[@]} files in the inbox, $landed new; ${#tonight[@]} to promote"

# 3. extract | clean | validate
extract_status=0
validated=$run/validated.ndjson
: > "$validated"
if ((${#tonight[@]})); then
  validate_args=(--schema lab --rejects "$run/rejects.ndjson" --report "$run/report.json" --html "$run/report.html")
  [[ -n $max_rejects ]] && validate_args+=(--max-rejects "$max_rejects")
  set +e
  (cd "$lake" && exec "$pl_extract" --on-error skip "${tonight[@]}") 2>> "$log" \
    | "$pl_clean" --profile lab --tz "$tz" 2>> "$log" \
    | "$pl_validate" "${validate_args[@]}" > "$validated" 2>> "$log"
  statuses=("${PIPESTATUS[@]}")
  set -e
  extract_status=${statuses[0]}
  # pl-extract's 65 with --on-error skip: files were passed over; the stream is complete.
  if ((extract_status != 0 && extract_status != 65)); then die "$extract_status" "pl-extract failed (status $extract_status, see $log)"; fi
  ((statuses[1] == 0)) || die "${statuses[1]}" "pl-clean failed (status ${statuses[1]}, see $log)"
  case ${statuses[2]} in
    0) ;;
    1) die 1 "the quality gate failed: nothing promoted, the files stay pending; see $run/report.html" ;;
    *) die "${statuses[2]}" "pl-validate failed (status ${statuses[2]}, see $log)" ;;
  esac
  say "$(wc -l < "$validated") records passed validation, $(wc -l < "$run/rejects.ndjson") rejected ($run/rejects.ndjson)"
fi

# 4. silver, by shape: the split is kept in the run folder, and the run is marked unfinished
# until its refused files are written (5), so that a run killed in between is completed from
# the same bytes by the next one (at its start), whatever file fed which dataset.
for d in results readings scores; do : > "$run/$d.ndjson"; done
if [[ -s $validated ]]; then
  jq -r 'if has("analyte") then "results" elif has("channel") then "readings" elif has("attribute") then "scores" else "results" end' "$validated" \
    | paste -d '\t' - "$validated" \
    | awk -F '\t' -v dir="$run" '{ print substr($0, length($1) + 2) > (dir "/" $1 ".ndjson") }' \
    || die 70 "cannot sort the records by shape"
fi
echo "${run##*/}" | replace "$runs/unfinished"
promote_silver "$run"
# 5. refused
record_refused "$run"
rm -f "$runs/unfinished"

# 6. gold
if [[ -d $lake/_manifests/silver/results ]]; then
  step "$pl_promote" gold --lake "$lake" --dataset results --spec "$spec" --wait "$wait_seconds" --quiet > "$run/gold.ndjson"
  ((status == 0)) || die "$status" "gold failed (status $status, see $log)"
fi

# 7. load: the silver batches of each dataset in manifest order, then gold when it changed
load() {
  local what=$1
  shift
  set +e
  gzip -dc "${parts[@]}" | "$pl_load" "$db" --quiet "$@" 2>> "$log"
  statuses=("${PIPESTATUS[@]}")
  set -e
  ((statuses[0] == 0)) || die 74 "cannot read the parts of $what (see $log)"
  ((statuses[1] == 0)) || die "${statuses[1]}" "loading $what failed (status ${statuses[1]}, see $log)"
}
for entry in results:sample_id,analyte,measured_at readings:run,channel,ts scores:panelist,sample,attribute; do
  dataset=${entry%%:*}
  for manifest in "$lake"/_manifests/silver/"$dataset"/*.json; do
    name=$dataset/${manifest##*/}
    name=${name%.json}
    grep -qxF "$name" "$runs/loaded-silver" && continue
    batch=${name##*-}
    parts=("$lake"/silver/"$dataset"/*/part-"$batch"-*.ndjson.gz)
    if ((${#parts[@]})); then
      load "silver batch $name" --table "$dataset" --key "${entry#*:}"
      say "loaded silver batch $name into $db, table $dataset"
    fi
    { cat "$runs/loaded-silver"; echo "$name"; } | replace "$runs/loaded-silver"
  done
done

gold_manifests=("$lake"/_manifests/gold/results/*.json)
if ((${#gold_manifests[@]})); then
  last=${gold_manifests[-1]##*/}
  last=${last%.json}
  if [[ $(cat "$runs/loaded-gold") != "$last" ]]; then
    parts=("$lake"/gold/results/*/*.ndjson.gz)
    if ((${#parts[@]})); then
      load "gold" --table gold --mode replace-table
      say "loaded gold batch $last into $db, table gold"
    fi
    echo "$last" | replace "$runs/loaded-gold"
  fi
fi

# 8. quality: a run folder holds its split files (results.ndjson) only when its quality gate
# passed; a run that failed the gate, or was killed before its split, is validated again later.
# The rows carry nothing of the run's own (no folder name, no clock): the same files validated
# give the same rows, whichever run did it.
load_file() {
  local what=$1 file=$2
  shift 2
  step "$pl_load" "$db" --quiet "$@" < "$file"
  ((status == 0)) || die "$status" "loading $what failed (status $status, see $log)"
}
for folder in "$runs"/*/; do
  folder=${folder%/}
  name=${folder##*/}
  [[ -s $folder/report.json && -e $folder/results.ndjson && -s $folder/tonight.ndjson ]] || continue
  grep -qxF "$name" "$runs/loaded-reports" && continue
  # A run that validated no record (every file it tried was unreadable) has nothing to tell.
  if ! jq -e '.counts.in > 0' "$folder/report.json" > /dev/null; then
    { cat "$runs/loaded-reports"; echo "$name"; } | replace "$runs/loaded-reports"
    continue
  fi
  run_key=$(sha_of < "$folder/tonight.ndjson" | LC_ALL=C sort | sha256sum | cut -c1-16)
  # The day of the run: when the newest of its files reached bronze (UTC).
  jq -c --arg run_key "$run_key" --slurpfile files "$folder/tonight.ndjson" '
    ($files | map(.ingest_date) | max) as $day
    | {run_key: $run_key, ingested_on: $day, files: ($files | length), records_in: .counts.in,
       records_rejected: .counts.rejected} as $run
    | (.rules[] | $run + {level, rule, field, severity, check, evaluated, failed, success_percent, status}),
      (.dataset[] | $run + {level: "dataset", rule, field, severity, check, evaluated: 1,
                            failed: (if .success then 0 else 1 end), success_percent: (if .success then 100 else 0 end),
                            status: (if .success then "pass" else "failed" end)})
  ' "$folder/report.json" > "$folder/validation-rules.ndjson" || die 70 "cannot read $folder/report.json"
  load_file "the report of $name" "$folder/validation-rules.ndjson" --table validation_rules --key run_key,level,rule
  if [[ -s $folder/rejects.ndjson ]]; then
    # Each reject as one row: where it came from, its first failed rule (field, code, the value as
    # JSON text), and the record as JSON text (rejected records come in any shape, with values of
    # any type). The errors' messages stay in the run's rejects.ndjson: some tell the clock of the
    # run ("now is …"), which would make the same reject another row.
    jq -c --arg run_key "$run_key" --slurpfile files "$folder/tonight.ndjson" '
      ($files | map({key: (.path | ltrimstr("./")), value: (.name | split("/") | last)}) | from_entries) as $names
      | (._pl.source // "") as $source
      | ($names[$source] // $source) as $file
      | {run_key: $run_key, reject_no: input_line_number, source_file: $file,
         source_lab: ((.lab // .laboratory // $file) | tostring),
         ingested_on: ($source | capture("ingest_date=(?<day>[0-9]{4}-[0-9]{2}-[0-9]{2})").day // null),
         rule: ((._pl.errors // [])[0].rule // null), rules: ((._pl.errors // []) | map(.rule) | unique | join(", ")),
         field: ((._pl.errors // [])[0].field // null), code: ((._pl.errors // [])[0].code // null),
         value: ((._pl.errors // [])[0] | if has("value") then (.value | tojson) else null end),
         record: (del(._pl) | tojson),
         _pl: (._pl // {} | {source, line, row, page, sheet} | with_entries(select(.value != null)))}
    ' "$folder/rejects.ndjson" > "$folder/rejects-rows.ndjson" || die 70 "cannot read $folder/rejects.ndjson"
    load_file "the rejects of $name" "$folder/rejects-rows.ndjson" --table rejects --key run_key,reject_no
  fi
  { cat "$runs/loaded-reports"; echo "$name"; } | replace "$runs/loaded-reports"
  say "loaded the report and rejects of $name into $db, tables validation_rules and rejects"
done

((extract_status != 65)) || die 65 "pl-extract could not read some files (see $log); the rest of the night is done"
echo "nightly: done" >> "$log"
