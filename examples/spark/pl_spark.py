#!/usr/bin/env python3
"""pl_spark.py -- the nightly job's silver step as Spark stages, the pl commands unchanged.

    spark-submit examples/spark/pl_spark.py --lake LAKE [--inbox DIR] [--run DIR]
        [--tz ZONE] [--gold-spec GOLD.yml] [--files-per-task N] [--validate-tasks N]
        [--pl-bin DIR | --ship DIR] [--wait SECONDS] [--master URL]

(`python3 pl_spark.py …` works too with pyspark from PyPI: --master, default local[2].)

What it does, as examples/nightly.sh does on one machine:
  1. bronze   (driver, with --inbox) the inbox's files into bronze/inbox, by sha256, via
              `pl-promote bronze --files-from - -0`;
  2. pending  (driver) `pl-promote pending --lake . --dataset inbox`, run inside the lake so
              that _pl.source names each bronze file as the lake knows it;
  3. stage 1  (tasks over slices of the pending list, in order)
                pl-extract --on-error skip --files-from - -0 | pl-clean --profile lab --tz ZONE
              each record keyed by its place in the night's stream (task, line);
  4. shuffle  by the fields pl-validate's dataset rules and silver's keys group by (a result's
              sample_id, a reading's run and channel, a score's panelist and sample), each
              partition sorted back into stream order;
  5. stage 2  (tasks over those partitions)
                pl-validate --schema lab | split by shape | pl-promote silver --dataset D …
              for results (measured_at:day, key sample_id,analyte,measured_at), readings
              (ts:day, key run,channel,ts) and scores (date:day, key panelist,sample,attribute);
  6. refused  (driver) the files of the night still pending: they gave silver no record;
  7. gold     (driver, with --gold-spec) `pl-promote gold --dataset results`.

Every pl stage's exit status is checked as nightly.sh checks it: pl-extract's 65 under
--on-error skip means files were passed over and the stream is complete; anything else that is
not 0 fails the Spark task (the stages after a failed one fail too: the cut-stream rule), Spark
retries it (spark.task.maxFailures), and when it keeps failing the job exits with that status.
A retried task writes nothing twice: see README.md, "Retries and the lake".

The run folder (--run; default LAKE.spark-runs/<UTC time>) gets the merged rejects.ndjson,
silver-rejects-DATASET.ndjson, refused.ndjson, summary.json, and per task: the pl summaries,
validation reports and what the commands said on standard error (tasks/). It must be on a file
system every executor can write, as the lake must.

Exit status: 0 done; 65 pl-extract passed over files it could not read (named in summary.json);
64 usage; 66 no lake or inbox; 69 a pl command not found; other: the status of the pl command
that failed (its message is printed).
"""

import argparse
import datetime
import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

COMMANDS = ("pl-extract", "pl-clean", "pl-validate", "pl-promote")

# Silver datasets by shape, as nightly.sh: (dataset, --partition-by, --key).
SILVER = (
    ("results", "measured_at:day", "sample_id,analyte,measured_at"),
    ("readings", "ts:day", "run,channel,ts"),
    ("scores", "date:day", "panelist,sample,attribute"),
)

FAILED_MARK = "pl-stage-failed"


class StageFailed(RuntimeError):
    """A pl command failed in a task; the message carries its exit status for the driver."""

    def __init__(self, what, status, said):
        self.status = status
        super().__init__(f"{FAILED_MARK} status={status}: {what} failed (status {status}): {said}")


def die(status, message):
    print(f"pl_spark: {message}", file=sys.stderr)
    sys.exit(status)


# --- the commands: an installed prefix, PATH, or files shipped with the job ---------------------


def resolve(name, config):
    """The path of a pl command on this machine (driver or executor)."""
    if config.get("ship"):
        from pyspark import SparkFiles

        path = SparkFiles.get(name)
        if not os.access(path, os.X_OK):
            # Shipped files may arrive without their execute bit.
            try:
                os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            except OSError:
                local = os.path.join(tempfile.mkdtemp(prefix="pl-bin-"), name)
                shutil.copy(path, local)
                os.chmod(local, 0o755)
                path = local
        return path
    if config.get("pl_bin"):
        return os.path.join(config["pl_bin"], name)
    found = shutil.which(name)
    if found is None:
        raise StageFailed(name, 69, f"{name}: not found on PATH (give --pl-bin or --ship)")
    return found


def last_summary(stderr_text):
    """The JSON summary line (--log-format json) a pl command printed last, or {}."""
    for line in reversed(stderr_text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def said(stderr_text):
    """What a command said, without its summary line: the error people need to read."""
    lines = [l for l in stderr_text.splitlines() if l.strip() and not l.lstrip().startswith("{")]
    return " | ".join(lines[-3:]) if lines else "(nothing on standard error)"


def fail_once(config, where):
    """True the first time a task reaches `where` when PL_SPARK_FAIL_ONCE=WHERE:MARKER asks for
    an injected failure: the marker file, created atomically, makes it happen once per job."""
    spec = config.get("fail_once") or ""
    if ":" not in spec:
        return False
    point, marker = spec.split(":", 1)
    if point != where:
        return False
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except OSError as error:
        if error.errno == errno.EEXIST:
            return False
        raise
    os.close(fd)
    return True


def publish(path, text):
    """Writes `text` to `path` whole: aside, then renamed (a retried task replaces its own)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    scratch = f"{path}.tmp-{os.getpid()}"
    with open(scratch, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(scratch, path)


# --- stage 1: extract | clean over a slice of the pending list -----------------------------------


def extract_clean(index, paths, config):
    """Runs pl-extract | pl-clean over the listed bronze files (inside the lake, so that the
    relative paths of `pending` resolve); yields ((group, (task, line)), record line)."""
    paths = list(paths)
    if not paths:
        return
    tasks = os.path.join(config["run"], "tasks")
    extract_args = [resolve("pl-extract", config), "--on-error", "skip", "--files-from", "-", "-0", "--log-format", "json"]
    if fail_once(config, "extract"):
        # An injected failure of a real stage: a listed file that is not there, read under
        # --on-error fail, stops pl-extract with 66 and an abort line that pl-clean must refuse.
        extract_args[2] = "fail"
        paths = paths + ["bronze/.pl-spark-injected-failure"]
    clean_args = [resolve("pl-clean", config), "--profile", "lab", "--tz", config["tz"], "--log-format", "json"]
    with tempfile.TemporaryDirectory(prefix="pl-spark-") as scratch:
        errors = [open(os.path.join(scratch, n), "w+", encoding="utf-8") for n in ("extract.err", "clean.err")]
        extract = subprocess.Popen(
            extract_args, cwd=config["lake"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors[0]
        )
        clean = subprocess.Popen(clean_args, stdin=extract.stdout, stdout=subprocess.PIPE, stderr=errors[1])
        extract.stdout.close()
        # The list is small (tens of bytes a path); pl-extract reads it whole before it starts.
        extract.stdin.write(b"".join(p.encode("utf-8") + b"\0" for p in paths))
        extract.stdin.close()
        # Streamed: a task that fails after yielding some records is discarded whole by Spark
        # (its shuffle output is committed only when the task succeeds).
        for line_number, line in enumerate(clean.stdout):
            text = line.decode("utf-8")
            yield ((group_of(text), (index, line_number)), text)
        clean.stdout.close()
        statuses = (extract.wait(), clean.wait())
        texts = []
        for f in errors:
            f.seek(0)
            texts.append(f.read())
            f.close()
        publish(os.path.join(tasks, f"stage1-{index:05d}.err"), "".join(texts))
        # pl-extract's 65 under --on-error skip: files passed over, the stream is complete (then
        # pl-clean, which saw no abort line, succeeds). Anything else fails the task.
        if statuses[1] != 0 or statuses[0] not in (0, 65):
            bad = 0 if statuses[0] not in (0, 65) else 1
            what = ("pl-extract", "pl-clean")[bad]
            raise StageFailed(
                f"task {index}: {what} (statuses extract {statuses[0]}, clean {statuses[1]})",
                statuses[bad],
                said(texts[bad]),
            )
        summaries = {"extract": last_summary(texts[0]), "clean": last_summary(texts[1]), "files": len(paths)}
        publish(os.path.join(tasks, f"stage1-{index:05d}.json"), json.dumps(summaries) + "\n")


def group_of(line):
    """The group a record is validated and promoted in: every record a dataset rule of the lab
    schema (unique measurement, proximate sum, duplicate row) or a silver key compares it with
    has the same group, so that per-group tasks decide as one stream would."""
    try:
        record = json.loads(line)
    except ValueError:
        return ""
    if not isinstance(record, dict):
        return ""

    def text(name):
        value = record.get(name)
        return "" if value is None else json.dumps(value, sort_keys=True)

    if "analyte" in record:
        return "result\t" + text("sample_id")
    if "channel" in record:
        return "reading\t" + text("run") + "\t" + text("channel")
    if "attribute" in record:
        return "score\t" + text("panelist") + "\t" + text("sample")
    return "other\t" + text("sample_id")


# --- stage 2: validate | split by shape | silver, per group partition ----------------------------


def shape_of(line):
    """The silver dataset of a validated record, as nightly.sh's jq decides it."""
    record = json.loads(line)
    if "analyte" in record:
        return "results"
    if "channel" in record:
        return "readings"
    if "attribute" in record:
        return "scores"
    return "results"


def validate_promote(index, rows, config):
    """Runs pl-validate over one group partition (already in stream order) and promotes what
    passes into silver; returns one summary for the driver."""
    tasks = os.path.join(config["run"], "tasks")
    with tempfile.TemporaryDirectory(prefix="pl-spark-") as scratch:
        validate_err = os.path.join(scratch, "validate.err")
        rejects = os.path.join(scratch, "rejects.ndjson")
        report = os.path.join(scratch, "report.json")
        split = {name: open(os.path.join(scratch, name + ".ndjson"), "w", encoding="utf-8") for name, _, _ in SILVER}
        records = 0
        with open(validate_err, "w+", encoding="utf-8") as err:
            validate = subprocess.Popen(
                [resolve("pl-validate", config), "--schema", "lab", "--rejects", rejects, "--report", report, "--log-format", "json"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            )
            # Fed from a thread so that a large partition cannot block on a full pipe both ways.
            import threading

            def feed():
                try:
                    for _, line in rows:
                        validate.stdin.write(line.encode("utf-8"))
                    validate.stdin.close()
                except BrokenPipeError:
                    pass

            feeder = threading.Thread(target=feed)
            feeder.start()
            for line in validate.stdout:
                text = line.decode("utf-8")
                split[shape_of(text)].write(text)
                records += 1
            feeder.join()
            status = validate.wait()
            err.seek(0)
            validate_text = err.read()
        for f in split.values():
            f.close()
        if status != 0:
            raise StageFailed(f"partition {index}: pl-validate", status, said(validate_text))
        summary = {"partition": index, "validate": last_summary(validate_text), "silver": {}}
        texts = [validate_text]
        for name, partition_by, key in SILVER:
            source = os.path.join(scratch, name + ".ndjson")
            if os.path.getsize(source) == 0:
                continue
            refused = os.path.join(scratch, f"silver-rejects-{name}.ndjson")
            with open(source, "rb") as stdin:
                done = subprocess.run(
                    [resolve("pl-promote", config), "silver", "--lake", config["lake"], "--dataset", name,
                     "--partition-by", partition_by, "--key", key, "--rejects", refused,
                     "--wait", str(config["wait"]), "--quiet"],
                    stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                )
            texts.append(done.stderr.decode("utf-8", "replace"))
            if done.returncode != 0:
                raise StageFailed(f"partition {index}: pl-promote silver {name}", done.returncode, said(texts[-1]))
            outcome = [json.loads(l) for l in done.stdout.decode("utf-8").splitlines() if l.startswith("{")]
            summary["silver"][name] = outcome[-1] if outcome else {}
            if os.path.exists(refused):
                with open(refused, encoding="utf-8") as f:
                    publish(os.path.join(tasks, f"silver-rejects-{name}-{index:05d}.ndjson"), f.read())
            if fail_once(config, "silver"):
                # An injected crash after a commit: the retry finds the batch already promoted.
                raise StageFailed(f"partition {index}: injected failure after silver {name}", 75, "PL_SPARK_FAIL_ONCE")
        summary["records"] = records
        if os.path.exists(rejects):
            with open(rejects, encoding="utf-8") as f:
                publish(os.path.join(tasks, f"rejects-{index:05d}.ndjson"), f.read())
        if os.path.exists(report):
            with open(report, encoding="utf-8") as f:
                publish(os.path.join(tasks, f"report-{index:05d}.json"), f.read())
        publish(os.path.join(tasks, f"stage2-{index:05d}.err"), "".join(texts))
    return [summary]


# --- the driver ---------------------------------------------------------------------------------


def run_driver_command(args, config, stdin_bytes=None, cwd=None):
    done = subprocess.run(args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    if done.returncode != 0:
        die(done.returncode, f"{os.path.basename(args[0])} {args[1]} failed (status {done.returncode}): "
            + said(done.stderr.decode("utf-8", "replace")))
    return done.stdout.decode("utf-8")


def pending(config):
    """The pending bronze files, as records, in the lake's order."""
    if not os.path.isdir(os.path.join(config["lake"], "_manifests", "bronze", config["dataset"])):
        return []
    out = run_driver_command(
        [resolve("pl-promote", config), "pending", "--lake", ".", "--dataset", config["dataset"], "--quiet"],
        config, cwd=config["lake"],
    )
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def merge(run, prefix, target):
    """Concatenates the tasks' files tasks/PREFIX-NNNNN.ndjson, in task order, into TARGET."""
    folder = os.path.join(run, "tasks")
    names = sorted(n for n in os.listdir(folder) if n.startswith(prefix + "-") and n.endswith(".ndjson")
                   and re.fullmatch(re.escape(prefix) + r"-\d{5}\.ndjson", n))
    count = 0
    with open(target + ".tmp", "w", encoding="utf-8") as out:
        for name in names:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for line in f:
                    out.write(line)
                    count += 1
    os.replace(target + ".tmp", target)
    return count


def options():
    parser = argparse.ArgumentParser(description="The nightly job's silver step as Spark stages.")
    parser.add_argument("--lake", required=True)
    parser.add_argument("--inbox", help="land the inbox's files in bronze first")
    parser.add_argument("--dataset", default="inbox", help="the bronze dataset (default inbox)")
    parser.add_argument("--runs", help="the job's state folder: refused.ndjson, and run folders (default LAKE.spark-runs)")
    parser.add_argument("--run", help="this run's folder (default RUNS/<UTC time>)")
    parser.add_argument("--retry-refused", action="store_true", help="try the refused files of earlier runs again")
    parser.add_argument("--tz", default=os.environ.get("PL_TZ", "Europe/Amsterdam"))
    parser.add_argument("--gold-spec", help="build gold/results with this spec at the end")
    parser.add_argument("--files-per-task", type=int, default=500, help="bronze files per stage-1 task (default 500)")
    parser.add_argument("--validate-tasks", type=int, default=0, help="stage-2 tasks (default: Spark's default parallelism)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--pl-bin", help="the folder of the pl commands on every machine (default: PATH)")
    where.add_argument("--ship", help="ship the pl commands of this folder with the job (SparkContext.addFile)")
    parser.add_argument("--wait", type=int, default=600, help="seconds a task waits for a silver dataset's lock")
    parser.add_argument("--master", help="Spark master when not run by spark-submit (default local[2])")
    try:
        return parser.parse_args()
    except SystemExit as exit:
        sys.exit(0 if exit.code == 0 else 64)


def main():
    args = options()
    if args.files_per_task < 1:
        die(64, "--files-per-task takes a number from 1")
    lake = os.path.abspath(args.lake)
    if args.inbox and not os.path.isdir(args.inbox):
        die(66, f"{args.inbox}: no such inbox folder")
    if not args.inbox and not os.path.isdir(lake):
        die(66, f"{args.lake}: no such lake folder")
    if args.gold_spec and not os.path.isfile(args.gold_spec):
        die(66, f"{args.gold_spec}: no gold spec there")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%S")
    runs = os.path.abspath(args.runs or f"{lake}.spark-runs")
    run = os.path.abspath(args.run or os.path.join(runs, stamp))
    os.makedirs(os.path.join(run, "tasks"), exist_ok=True)
    config = {
        "lake": lake, "run": run, "tz": args.tz, "dataset": args.dataset, "wait": args.wait,
        "pl_bin": os.path.abspath(args.pl_bin) if args.pl_bin else None,
        "ship": bool(args.ship), "fail_once": os.environ.get("PL_SPARK_FAIL_ONCE", ""),
    }
    if config["pl_bin"]:
        for name in COMMANDS:
            if not os.access(os.path.join(config["pl_bin"], name), os.X_OK):
                die(69, f"{os.path.join(config['pl_bin'], name)}: not found or not executable (--pl-bin)")
    local = dict(config, ship=False, pl_bin=os.path.abspath(args.ship) if args.ship else config["pl_bin"])
    try:
        for name in COMMANDS:
            resolve(name, local)
    except StageFailed as failure:
        die(failure.status, str(failure).split(": ", 1)[1])

    os.makedirs(lake, exist_ok=True)
    if args.inbox:
        files = sorted(
            (os.path.join(args.inbox, n) for n in os.listdir(args.inbox)
             if not n.startswith(".") and os.path.isfile(os.path.join(args.inbox, n))),
            key=lambda p: os.fsencode(p),
        )
        if files:
            run_driver_command(
                [resolve("pl-promote", local), "bronze", "--lake", lake, "--dataset", args.dataset,
                 "--files-from", "-", "-0", "--wait", str(args.wait), "--quiet"],
                local, stdin_bytes=b"".join(os.fsencode(f) + b"\0" for f in files),
            )
    # The files earlier runs refused (they gave silver no record) are left out, as nightly.sh
    # leaves them out, so that a run with no new file changes nothing; --retry-refused takes them.
    refused_state = os.path.join(runs, "refused.ndjson")
    before = []
    if os.path.exists(refused_state):
        with open(refused_state, encoding="utf-8") as f:
            before = [json.loads(l) for l in f if l.strip()]
    known = {r["sha256"] for r in before}
    tonight = [r for r in pending(local) if args.retry_refused or r["sha256"] not in known]
    # A run that failed or was killed after some stage-2 tasks committed left files whose records
    # are in silver only in part (a file's records go to many groups), which pending counts as
    # done: they are taken again. The records already there are superseded by their key.
    unfinished = os.path.join(runs, "unfinished.ndjson")
    if os.path.exists(unfinished):
        with open(unfinished, encoding="utf-8") as f:
            again = [json.loads(l) for l in f if l.strip()]
        have = {r["sha256"] for r in tonight}
        tonight += [r for r in again if r["sha256"] not in have]
    # As nightly.sh: relative to the lake without "./", so that _pl.source reads bronze/….
    paths = [r["path"][2:] if r["path"].startswith("./") else r["path"] for r in tonight]

    from pyspark.sql import SparkSession
    from pyspark.rdd import portable_hash

    builder = SparkSession.builder.appName("pl-silver").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    elif "spark.master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", "") and not os.environ.get("SPARK_ENV_LOADED"):
        builder = builder.master("local[2]")
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    if args.ship:
        for name in COMMANDS:
            sc.addFile(os.path.join(os.path.abspath(args.ship), name))

    summaries = []
    publish(unfinished, "".join(json.dumps(r) + "\n" for r in tonight))
    if paths:
        slices = max(1, -(-len(paths) // args.files_per_task))
        slices = min(len(paths), max(slices, sc.defaultParallelism))
        groups = args.validate_tasks or sc.defaultParallelism
        cfg = config
        cleaned = sc.parallelize(paths, slices).mapPartitionsWithIndex(lambda i, it: extract_clean(i, it, cfg))
        ordered = cleaned.repartitionAndSortWithinPartitions(
            groups, partitionFunc=lambda key: portable_hash(key[0]), keyfunc=lambda key: key[1]
        )
        try:
            summaries = ordered.mapPartitionsWithIndex(lambda i, it: validate_promote(i, it, cfg)).collect()
        except Exception as error:  # py4j's Py4JJavaError, after spark.task.maxFailures attempts
            text = str(error)
            found = re.search(FAILED_MARK + r" status=(\d+): ([^\n]*)", text)
            spark.stop()
            if found:
                die(int(found.group(1)), found.group(2))
            die(70, "the Spark job failed: " + text.strip().splitlines()[0][:500])
    spark.stop()
    os.remove(unfinished)

    # The files of the night still pending gave silver no record (nightly.sh's refused files).
    still = {r["sha256"] for r in pending(local)}
    refused = [r for r in tonight if r["sha256"] in still]
    publish(os.path.join(run, "refused.ndjson"), "".join(json.dumps(r) + "\n" for r in refused))
    tried = {r["sha256"] for r in tonight}
    kept = [r for r in before if r["sha256"] not in tried] + [dict(r, refused_in=os.path.basename(run)) for r in refused]
    publish(refused_state, "".join(json.dumps(r) + "\n" for r in kept))
    rejected = merge(run, "rejects", os.path.join(run, "rejects.ndjson"))
    silver_rejected = {name: merge(run, f"silver-rejects-{name}", os.path.join(run, f"silver-rejects-{name}.ndjson"))
                       for name, _, _ in SILVER}
    stage1 = []
    for name in sorted(os.listdir(os.path.join(run, "tasks"))):
        if re.fullmatch(r"stage1-\d{5}\.json", name):
            with open(os.path.join(run, "tasks", name), encoding="utf-8") as f:
                stage1.append(json.load(f))
    skipped = sum(int(s["extract"].get("skipped", 0) or 0) for s in stage1)
    if args.gold_spec:
        run_driver_command(
            [resolve("pl-promote", local), "gold", "--lake", lake, "--dataset", "results", "--spec", args.gold_spec,
             "--wait", str(args.wait), "--quiet"], local,
        ) if os.path.isdir(os.path.join(lake, "_manifests", "silver", "results")) else None
    total = {
        "pending": len(paths), "tasks_stage1": len(stage1), "tasks_stage2": len(summaries),
        "records_extracted": sum(int(s["extract"].get("records_out", 0) or 0) for s in stage1),
        "records_cleaned": sum(int(s["clean"].get("records_out", 0) or 0) for s in stage1),
        "records_validated": sum(s.get("records", 0) for s in summaries),
        "rejected": rejected, "silver_rejected": silver_rejected, "files_passed_over": skipped,
        "refused_files": len(refused),
        "silver_batches": {name: sum(1 for s in summaries if s["silver"].get(name, {}).get("status") == "promoted")
                           for name, _, _ in SILVER},
    }
    publish(os.path.join(run, "summary.json"), json.dumps(total, indent=1) + "\n")
    print(json.dumps(total))
    if skipped:
        die(65, f"pl-extract could not read {skipped} files (see {run}/tasks/stage1-*.err); the rest is done")


if __name__ == "__main__":
    main()
