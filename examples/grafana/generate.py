#!/usr/bin/env python3
"""Writes the Grafana dashboards of pl, for SQLite and for PostgreSQL, from one description.

    examples/grafana/generate.py          write dashboards/sqlite/*.json and dashboards/postgres/*.json
    examples/grafana/generate.py --check  exit 1 when a written dashboard differs from what it would write

Each panel's SQL is written once here, with the few expressions where the dialects differ (time
columns, ages, JSON arrays, rounding, string aggregation) taken from DIALECTS. The spec limits the
control charts draw are read from the gold spec (examples/gold.yml, spec_limits.table), in its
order: the first entry that matches a product and analyte gives both limits, as pl-promote gold
judges them. Entries whose `when` names a field other than product and analyte are left out (gold
judges them per result, not per group); so are a result's own limit fields.

The tables read are those examples/nightly.sh fills: gold, results, validation_rules, rejects,
and pl-load's ledger _pl_loads. Only Python's standard library is needed.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD_SPEC = os.path.join(HERE, "..", "gold.yml")

# The anomaly window and history of the gold spec's control rules (anomalies.window and
# control_rules.min_history): the limits drawn are the ones nelson_1 is judged against.
WINDOW = 20
MIN_HISTORY = 8

DATASOURCES = {
    "sqlite": {"type": "frser-sqlite-datasource", "uid": "pl-sqlite"},
    "postgres": {"type": "grafana-postgresql-datasource", "uid": "pl-postgres"},
}


def sqlite_time(column):
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


DIALECTS = {
    "sqlite": {
        # A day (gold's day, a UTC day) as the time of a point (the plugin reads unix seconds).
        "time": sqlite_time,
        "instant": sqlite_time,
        "hours_since": lambda x: f"round((julianday('now') - julianday({x})) * 24, 1)",
        "days_since": lambda x: f"round(julianday('now') - julianday({x}), 1)",
        "array_length": lambda x: f"json_array_length({x})",
        "round": lambda x, n: f"round({x}, {n})",
        "distinct_list": lambda x: f"group_concat(DISTINCT {x})",
        "text": lambda x: f"CAST({x} AS TEXT)",
        "utc_text": lambda x: f"strftime('%Y-%m-%d %H:%M:%S', {x})",
    },
    "postgres": {
        "time": lambda x: f"({x})::timestamp AT TIME ZONE 'UTC'",
        # A date-time with its zone (pl-load's ledger, timestamptz) as the time of a point.
        "instant": lambda x: f"({x})::timestamptz",
        "hours_since": lambda x: f"round((extract(epoch FROM now() - ({x})::timestamptz) / 3600)::numeric, 1)",
        "days_since": lambda x: f"round((extract(epoch FROM now() - ({x})::timestamptz) / 86400)::numeric, 1)",
        "array_length": lambda x: f"jsonb_array_length({x})",
        "round": lambda x, n: f"round(({x})::numeric, {n})",
        "distinct_list": lambda x: f"string_agg(DISTINCT {x}, ', ')",
        "text": lambda x: f"({x})::text",
        "utc_text": lambda x: f"to_char(({x})::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
    },
}


# MARK: the gold spec's limits

def parse_scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def split_top(text):
    """Splits a flow mapping's inside at its top-level commas."""
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def parse_flow_mapping(text):
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(f"not a flow mapping: {text}")
    result = {}
    for part in split_top(text[1:-1]):
        key, _, value = part.partition(":")
        value = value.strip()
        result[key.strip()] = parse_flow_mapping(value) if value.startswith("{") else parse_scalar(value)
    return result


def spec_limits(path):
    """The entries of spec_limits.table, in order: (product or None, analyte or None, min, max)."""
    entries, in_limits, in_table = [], False, False
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        text = re.sub(r"\s+#.*$", "", line.rstrip("\n"))
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        if indent == 0:
            in_limits = text.startswith("spec_limits:")
            in_table = False
            continue
        if in_limits and text.strip() == "table:":
            in_table = True
            continue
        if in_table and text.lstrip().startswith("- "):
            try:
                entry = parse_flow_mapping(text.lstrip()[2:])
            except ValueError as error:
                sys.exit(f"generate.py: {path}:{number}: {error}")
            when = entry.get("when", {})
            if set(when) - {"product", "analyte"}:
                continue
            entries.append((when.get("product"), when.get("analyte"), entry.get("min"), entry.get("max")))
        elif in_table and indent <= 2:
            in_table = False
    if not entries:
        sys.exit(f"generate.py: {path}: no spec_limits.table entries found")
    return entries


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def spec_cte(entries):
    rows = ",\n    ".join(
        f"({rank}, {sql_literal(p)}, {sql_literal(a)}, {sql_literal(lo)}, {sql_literal(hi)})"
        for rank, (p, a, lo, hi) in enumerate(entries, 1)
    )
    return f"spec (rank, product, analyte, lo, hi) AS (VALUES\n    {rows}\n)"


# MARK: panels

PRODUCT = "${product:sqlstring}"
ANALYTE = "${analyte:sqlstring}"


def target(dialect, sql, time_series=False):
    ds = DATASOURCES[dialect]
    if dialect == "sqlite":
        return {"refId": "A", "datasource": ds, "queryType": "table", "rawQueryText": sql, "queryText": sql,
                "timeColumns": ["time"] if time_series else []}
    return {"refId": "A", "datasource": ds, "editorMode": "code", "rawQuery": True,
            "format": "time_series" if time_series else "table", "rawSql": sql}


def thresholds(*steps):
    """Steps as (value, colour): the first value is None (the base)."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


GOOD_LOW = lambda orange, red: thresholds((None, "green"), (orange, "orange"), (red, "red"))
GOOD_HIGH = lambda orange, green: thresholds((None, "red"), (orange, "orange"), (green, "green"))


def panel(dialect, kind, title, sql, grid, description="", time_series=False, unit=None, threshold=None,
          decimals=None, options=None, overrides=None, custom=None):
    defaults = {}
    if unit:
        defaults["unit"] = unit
    if threshold:
        defaults["thresholds"] = threshold
        defaults["color"] = {"mode": "thresholds"}
    if decimals is not None:
        defaults["decimals"] = decimals
    if custom:
        defaults["custom"] = custom
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCES[dialect],
        "gridPos": dict(zip("xywh", grid)),
        "targets": [target(dialect, sql, time_series)],
        "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
        "options": options or {},
    }


def stat_options(fields="", values=False, text_mode="auto"):
    return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": fields, "values": values},
            "colorMode": "background", "graphMode": "none", "textMode": text_mode, "justifyMode": "auto",
            "orientation": "auto"}


def colour_cells(name, threshold):
    """An override that colours a table column's cells by the column's thresholds."""
    return {"matcher": {"id": "byName", "options": name},
            "properties": [{"id": "thresholds", "value": threshold},
                           {"id": "custom.cellOptions", "value": {"type": "color-background"}}]}


def freshness(d):
    x = DIALECTS[d]
    stale = GOOD_LOW(26, 50)
    last_load = "max(CASE WHEN status = 'committed' THEN finished_at END)"
    loads = f"""SELECT table_name AS "table",
  {x['utc_text'](last_load)} AS "last load (UTC)",
  {x['hours_since'](last_load)} AS "hours since",
  count(*) AS "loads",
  sum(CASE WHEN status <> 'committed' THEN 1 ELSE 0 END) AS "failed loads",
  sum(records_inserted) AS "rows inserted"
FROM _pl_loads
GROUP BY table_name
ORDER BY table_name"""
    newest_load = f"""SELECT {x['hours_since']("max(finished_at)")} AS "hours since the last load"
FROM _pl_loads
WHERE status = 'committed'"""
    failed = """SELECT count(*) AS "failed loads"
FROM _pl_loads
WHERE status <> 'committed' AND $__timeFilter(started_at)"""
    newest_data = f"""SELECT 'results' AS dataset, {x['days_since']("max(measured_at)")} AS "days since"
FROM results
UNION ALL
SELECT 'gold', {x['days_since']("max(day)")}
FROM gold
ORDER BY dataset"""
    newest_table = f"""SELECT 'results' AS "dataset", {x['text']("max(measured_at)")} AS "newest measurement",
  {x['days_since']("max(measured_at)")} AS "days since", count(*) AS "rows"
FROM results
UNION ALL
SELECT 'gold', {x['text']("max(day)")}, {x['days_since']("max(day)")}, count(*)
FROM gold
UNION ALL
SELECT 'validation_rules (runs, by day of arrival)', {x['text']("max(ingested_on)")},
  {x['days_since']("max(ingested_on)")}, count(DISTINCT run_key)
FROM validation_rules"""
    loads_over_time = f"""SELECT {x['instant']("finished_at")} AS time, records_inserted AS "rows inserted"
FROM _pl_loads
WHERE status = 'committed' AND $__timeFilter(finished_at)
ORDER BY finished_at"""
    days = GOOD_LOW(2, 7)
    return {
        "uid": f"pl-freshness-{d}", "title": "pl · Freshness",
        "description": "When each table was last loaded (pl-load's ledger _pl_loads) and how old the newest measurement is.",
        "templating": [],
        "panels": [
            panel(d, "stat", "Hours since the last load", newest_load, (0, 0, 6, 5),
                  "The newest committed load into any table. Orange after 26 h (a missed night), red after 50 h.",
                  unit="h", threshold=stale, decimals=1, options=stat_options()),
            panel(d, "stat", "Days since the newest measurement", newest_data, (6, 0, 12, 5),
                  "Per dataset: the newest measured_at of results and the newest day of gold. Orange after 2 days, red after 7.",
                  unit="d", threshold=days, decimals=1, options=stat_options(values=True, text_mode="value_and_name")),
            panel(d, "stat", "Failed loads in range", failed, (18, 0, 6, 5),
                  "Loads that rolled back (status other than committed) in the time range.",
                  threshold=thresholds((None, "green"), (1, "red")), options=stat_options()),
            panel(d, "table", "Last load per table", loads, (0, 5, 24, 8),
                  "From _pl_loads: the last committed load of each table, its age (orange after 26 h, red after 50 h), and how many loads failed.",
                  overrides=[colour_cells("hours since", stale),
                             colour_cells("failed loads", thresholds((None, "green"), (1, "red")))]),
            panel(d, "table", "Newest data per dataset", newest_table, (0, 13, 24, 6),
                  "The newest measurement each dataset holds, and its age (orange after 2 days, red after 7).",
                  overrides=[colour_cells("days since", days)]),
            panel(d, "timeseries", "Rows inserted per load", loads_over_time, (0, 19, 24, 8),
                  "Each committed load in the time range, with the rows it inserted.", time_series=True,
                  custom={"drawStyle": "bars", "fillOpacity": 60, "showPoints": "never"}),
        ],
    }


def control_charts(d, entries):
    x = DIALECTS[d]
    limits = f"""WITH points AS (
  SELECT day, mean, abs(mean - lag(mean) OVER (ORDER BY day)) AS moving_range
  FROM gold
  WHERE product = {PRODUCT} AND analyte = {ANALYTE} AND mean IS NOT NULL
), history AS (
  SELECT day, mean,
    avg(mean) OVER (ORDER BY day ROWS BETWEEN {WINDOW} PRECEDING AND 1 PRECEDING) AS centre,
    avg(moving_range) OVER (ORDER BY day ROWS BETWEEN {WINDOW - 1} PRECEDING AND 1 PRECEDING) / 1.128 AS sigma,
    count(*) OVER (ORDER BY day ROWS BETWEEN {WINDOW} PRECEDING AND 1 PRECEDING) AS earlier
  FROM points
), {spec_cte(entries)},
chosen AS (
  SELECT lo, hi FROM spec
  WHERE (product IS NULL OR product = {PRODUCT}) AND (analyte IS NULL OR analyte = {ANALYTE})
  ORDER BY rank
  LIMIT 1
)
SELECT {x['time']("day")} AS time,
  mean AS "daily mean",
  CASE WHEN earlier >= {MIN_HISTORY} THEN centre END AS "centre line",
  CASE WHEN earlier >= {MIN_HISTORY} THEN centre + 3 * sigma END AS "+3σ",
  CASE WHEN earlier >= {MIN_HISTORY} THEN centre - 3 * sigma END AS "−3σ",
  chosen.lo AS "spec min",
  chosen.hi AS "spec max"
FROM history LEFT JOIN chosen ON 1 = 1
WHERE $__timeFilter(day)
ORDER BY day"""
    days = f"""SELECT {x['text']("day")} AS "day", count AS "n", {x['round']("mean", 4)} AS "mean", {x['round']("sd", 4)} AS "sd",
  {x['round']("min", 4)} AS "min", {x['round']("max", 4)} AS "max", judged, out_of_spec AS "out of spec",
  {x['round']("quality_score", 3)} AS "quality score", robust_z AS "robust z", {x['text']("flags")} AS "flags"
FROM gold
WHERE product = {PRODUCT} AND analyte = {ANALYTE} AND $__timeFilter(day)
ORDER BY day DESC"""
    flagged_count = f"""SELECT count(*) AS "flagged days"
FROM gold
WHERE product = {PRODUCT} AND analyte = {ANALYTE} AND $__timeFilter(day) AND {x['array_length']("flags")} > 0"""
    out_of_spec = f"""SELECT coalesce(sum(out_of_spec), 0) AS "results out of spec"
FROM gold
WHERE product = {PRODUCT} AND analyte = {ANALYTE} AND $__timeFilter(day)"""
    all_flagged = f"""SELECT {x['text']("day")} AS "day", product, analyte, count AS "n", {x['round']("mean", 4)} AS "mean",
  out_of_spec AS "out of spec", robust_z AS "robust z", {x['text']("flags")} AS "flags"
FROM gold
WHERE $__timeFilter(day) AND ({x['array_length']("flags")} > 0 OR out_of_spec > 0)
ORDER BY day DESC, product, analyte"""
    flag_threshold = thresholds((None, "green"), (1, "red"))
    return {
        "uid": f"pl-control-{d}", "title": "pl · Control charts",
        "description": "Gold's per-day mean of a product and analyte with ±3σ control limits and the spec limits, and the flags gold computed.",
        "templating": [
            variable(d, "product", "Product", "SELECT DISTINCT product FROM gold WHERE product IS NOT NULL AND mean IS NOT NULL ORDER BY product"),
            variable(d, "analyte", "Analyte",
                     f"SELECT DISTINCT analyte FROM gold WHERE product = {PRODUCT} AND analyte IS NOT NULL AND mean IS NOT NULL ORDER BY analyte"),
        ],
        "panels": [
            panel(d, "timeseries", "$product · $analyte: daily mean, ±3σ and spec limits", limits, (0, 0, 18, 11),
                  f"Gold's mean per day. Centre line and ±3σ: the mean of the {WINDOW} earlier days and their mean moving range / 1.128, "
                  f"as gold's control rules judge a day (drawn once a day has {MIN_HISTORY} earlier days). Spec limits: the first "
                  "matching entry of the gold spec's spec_limits.table.",
                  time_series=True,
                  custom={"drawStyle": "line", "showPoints": "always", "pointSize": 6, "spanNulls": True},
                  overrides=[line_override("centre line", "blue", "dash"), line_override("+3σ", "orange", "dash"),
                             line_override("−3σ", "orange", "dash"), line_override("spec min", "red", "solid"),
                             line_override("spec max", "red", "solid")]),
            panel(d, "stat", "Flagged days", flagged_count, (18, 0, 6, 5),
                  "Days of this product and analyte in range with an anomaly flag (robust_z, nelson_N).",
                  threshold=flag_threshold, options=stat_options()),
            panel(d, "stat", "Results out of spec", out_of_spec, (18, 5, 6, 6),
                  "Results of this product and analyte in range that gold judged out of spec.",
                  threshold=flag_threshold, options=stat_options()),
            panel(d, "table", "$product · $analyte: days", days, (0, 11, 24, 9),
                  "Gold's record of each day: measures, spec judgement, quality score and the flags gold computed.",
                  overrides=[colour_cells("out of spec", flag_threshold)]),
            panel(d, "table", "Flagged or out-of-spec days, every product", all_flagged, (0, 20, 24, 8),
                  "Every gold day in range with an anomaly flag or a result out of spec. Empty when nothing needs a look."),
        ],
    }


def line_override(name, colour, style):
    properties = [{"id": "color", "value": {"mode": "fixed", "fixedColor": colour}},
                  {"id": "custom.showPoints", "value": "never"}]
    if style == "dash":
        properties.append({"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}})
    return {"matcher": {"id": "byName", "options": name}, "properties": properties}


def variable(d, name, label, sql):
    return {"name": name, "label": label, "type": "query", "datasource": DATASOURCES[d], "query": sql,
            "definition": sql, "refresh": 1, "sort": 1, "multi": False, "includeAll": False, "hide": 0}


def scorecard(d):
    x = DIALECTS[d]
    pass_rate = "CASE WHEN sum(evaluated) > 0 THEN 100.0 * (sum(evaluated) - sum(failed)) / sum(evaluated) END"
    rules = f"""SELECT rule, level, severity, sum(evaluated) AS "evaluated", sum(failed) AS "failed",
  {x['round'](pass_rate, 2)} AS "pass %"
FROM validation_rules
WHERE $__timeFilter(ingested_on)
GROUP BY rule, level, severity
ORDER BY sum(failed) DESC, rule"""
    runs = "SELECT DISTINCT run_key, ingested_on, records_in, records_rejected FROM validation_rules WHERE $__timeFilter(ingested_on)"
    overall = f"""SELECT {x['round']("CASE WHEN sum(records_in) > 0 THEN 100.0 * (sum(records_in) - sum(records_rejected)) / sum(records_in) END", 2)} AS "records passed %"
FROM ({runs}) AS runs"""
    rejected = f"""SELECT coalesce(sum(records_rejected), 0) AS "records rejected"
FROM ({runs}) AS runs"""
    per_day = f"""SELECT {x['time']("ingested_on")} AS time, sum(records_in) - sum(records_rejected) AS "passed",
  sum(records_rejected) AS "rejected"
FROM ({runs}) AS runs
GROUP BY ingested_on
ORDER BY ingested_on"""
    per_lab = f"""SELECT source_lab AS "lab or file", count(*) AS "rejects", {x['distinct_list']("rule")} AS "rules failed",
  {x['text']("max(ingested_on)")} AS "last"
FROM rejects
WHERE $__timeFilter(ingested_on)
GROUP BY source_lab
ORDER BY count(*) DESC, source_lab"""
    per_lab_day = f"""SELECT {x['text']("ingested_on")} AS "day", source_lab AS "lab or file", rule, count(*) AS "rejects"
FROM rejects
WHERE $__timeFilter(ingested_on)
GROUP BY ingested_on, source_lab, rule
ORDER BY ingested_on DESC, count(*) DESC, source_lab, rule"""
    latest = f"""SELECT {x['text']("ingested_on")} AS "day", source_file AS "file", rule, field, value, record
FROM rejects
WHERE $__timeFilter(ingested_on)
ORDER BY ingested_on DESC, source_file, reject_no
LIMIT 100"""
    quality = f"""SELECT product, analyte, count(*) AS "days", sum(count) AS "results",
  {x['round']("avg(quality_score)", 3)} AS "quality score",
  sum(judged) AS "judged", sum(out_of_spec) AS "out of spec",
  {x['round']("CASE WHEN sum(judged) > 0 THEN 100.0 * sum(out_of_spec) / sum(judged) END", 1)} AS "out of spec %"
FROM gold
WHERE $__timeFilter(day)
GROUP BY product, analyte
ORDER BY avg(quality_score), product, analyte"""
    quality_per_day = f"""SELECT {x['time']("day")} AS time, avg(quality_score) AS "mean quality score"
FROM gold
WHERE $__timeFilter(day)
GROUP BY day
ORDER BY day"""
    percent = GOOD_HIGH(95, 99)
    score = GOOD_HIGH(0.8, 0.95)
    return {
        "uid": f"pl-quality-{d}", "title": "pl · Quality scorecard",
        "description": "pl-validate's rule pass rates and rejects (loaded by the nightly job), and gold's quality scores.",
        "templating": [],
        "panels": [
            panel(d, "stat", "Records passed", overall, (0, 0, 6, 5),
                  "Records that passed validation over records validated, in the runs whose files arrived in range. Red under 95 %, orange under 99 %.",
                  unit="percent", threshold=percent, decimals=2, options=stat_options()),
            panel(d, "stat", "Records rejected", rejected, (6, 0, 6, 5),
                  "Records pl-validate rejected in those runs (the rejects table holds them).",
                  threshold=thresholds((None, "green"), (1, "orange")), options=stat_options()),
            panel(d, "timeseries", "Records validated per day", per_day, (12, 0, 12, 10),
                  "Passed and rejected records by the day their files arrived (reached bronze).", time_series=True,
                  custom={"drawStyle": "bars", "fillOpacity": 70, "stacking": {"mode": "normal", "group": "A"},
                          "showPoints": "never"},
                  overrides=[{"matcher": {"id": "byName", "options": "rejected"},
                              "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]},
                             {"matcher": {"id": "byName", "options": "passed"},
                              "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "green"}}]}]),
            panel(d, "timeseries", "Mean quality score per day", quality_per_day, (0, 5, 12, 5),
                  "Gold's quality score (weighted pass rate of the spec's quality checks), averaged over the groups of each day.",
                  time_series=True, custom={"drawStyle": "line", "showPoints": "always"}),
            panel(d, "table", "Pass rate per rule", rules, (0, 10, 12, 10),
                  "Each pl-validate rule: records evaluated and failed, summed over the runs in range. Red under 95 %, orange under 99 %.",
                  overrides=[colour_cells("pass %", percent)]),
            panel(d, "table", "Rejects per lab", per_lab, (12, 10, 12, 10),
                  "Rejected records by the lab field of the record, or the file that delivered it when it has none."),
            panel(d, "table", "Rejects per lab and day", per_lab_day, (0, 20, 12, 9),
                  "Rejected records by the day their file arrived, lab and first failed rule."),
            panel(d, "table", "Quality score per product × analyte", quality, (12, 20, 12, 9),
                  "From gold: days, results, mean quality score (red under 0.8, orange under 0.95) and results out of spec.",
                  overrides=[colour_cells("quality score", score)]),
            panel(d, "table", "Rejected records", latest, (0, 29, 24, 9),
                  "The rejected records themselves (as JSON), with the rule they failed first, its field and the value it judged (the messages are in the run folder's rejects.ndjson and report.html)."),
        ],
    }


def dashboard(d, spec):
    description = spec["description"] + (" SQLite data source (frser-sqlite-datasource)." if d == "sqlite"
                                         else " PostgreSQL data source.")
    return {
        "uid": spec["uid"],
        "title": spec["title"] + (" (SQLite)" if d == "sqlite" else " (PostgreSQL)"),
        "description": description,
        "tags": ["pl", d],
        "editable": True,
        "schemaVersion": 39,
        "version": 1,
        "timezone": "utc",
        "refresh": "",
        "time": {"from": "now-5y", "to": "now"},
        "templating": {"list": spec["templating"]},
        "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": ["pl", d], "asDropdown": True, "title": "pl dashboards"}],
        "panels": [dict(p, id=i) for i, p in enumerate(spec["panels"], 1)],
    }


def render():
    entries = spec_limits(GOLD_SPEC)
    files = {}
    for d in DATASOURCES:
        for name, spec in [("freshness", freshness(d)), ("control-charts", control_charts(d, entries)),
                           ("quality-scorecard", scorecard(d))]:
            files[os.path.join("dashboards", d, f"pl-{name}.json")] = json.dumps(dashboard(d, spec), indent=2,
                                                                                 ensure_ascii=False) + "\n"
    return files


def main(arguments):
    if arguments not in ([], ["--check"]):
        sys.exit("usage: generate.py [--check]")
    stale = []
    for relative, text in render().items():
        path = os.path.join(HERE, relative)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current == text:
            continue
        if arguments:
            stale.append(relative)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        print(f"wrote examples/grafana/{relative}")
    if stale:
        sys.exit("generate.py: not up to date (run examples/grafana/generate.py): " + ", ".join(stale))


if __name__ == "__main__":
    main(sys.argv[1:])
