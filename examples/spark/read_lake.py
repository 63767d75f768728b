#!/usr/bin/env python3
"""read_lake.py -- the lake read as it stands by Spark and by DuckDB (the README's snippets).

    read_lake.py LAKE [--engine spark|duckdb|both] [--master URL]

Prints, for silver/results and gold/results, the number of records and of date partitions each
engine sees, and a few rows, as JSON lines. The counts are what examples/spark/test.sh checks
against the parts' own lines.
"""

import argparse
import json
import os
import sys


def with_spark(lake, master):
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (SparkSession.builder.appName("pl-read-lake").master(master)
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    out = []
    for layer in ("silver", "gold"):
        path = os.path.join(lake, layer, "results")
        if not os.path.isdir(path):
            continue
        # The partition folders date=YYYY-MM-DD become a column `date` (basePath keeps it when
        # a single partition is read); .ndjson.gz is read as gzip by its extension.
        df = spark.read.option("basePath", path).json(os.path.join(path, "date=*", "*.ndjson.gz"))
        row = {"engine": "spark", "layer": layer, "records": df.count(),
               "partitions": df.select("date").distinct().count()}
        if layer == "silver":
            top = (df.where(F.col("analyte") == "protein").groupBy("date").agg(F.count("*").alias("n"))
                   .orderBy(F.col("n").desc(), "date").limit(1).collect())
            row["busiest_protein_day"] = [str(top[0]["date"]), top[0]["n"]] if top else None
        out.append(row)
    spark.stop()
    return out


def with_duckdb(lake):
    import duckdb

    con = duckdb.connect()
    out = []
    for layer in ("silver", "gold"):
        path = os.path.join(lake, layer, "results")
        if not os.path.isdir(path):
            continue
        pattern = os.path.join(path, "*", "*.ndjson.gz")
        relation = f"read_json_auto('{pattern}', hive_partitioning = true, format = 'newline_delimited', union_by_name = true)"
        records, partitions = con.execute(f"SELECT count(*), count(DISTINCT date) FROM {relation}").fetchone()
        row = {"engine": "duckdb", "layer": layer, "records": records, "partitions": partitions}
        if layer == "silver":
            top = con.execute(
                f"SELECT CAST(date AS VARCHAR), count(*) AS n FROM {relation} WHERE analyte = 'protein' "
                "GROUP BY date ORDER BY n DESC, date LIMIT 1").fetchone()
            row["busiest_protein_day"] = list(top) if top else None
        out.append(row)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lake")
    parser.add_argument("--engine", choices=["spark", "duckdb", "both"], default="both")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    if not os.path.isdir(args.lake):
        print(f"read_lake: {args.lake}: no such lake", file=sys.stderr)
        return 66
    rows = []
    if args.engine in ("duckdb", "both"):
        rows += with_duckdb(args.lake)
    if args.engine in ("spark", "both"):
        rows += with_spark(args.lake, args.master)
    for row in rows:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
