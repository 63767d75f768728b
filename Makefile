# pl — set-up, demo, tests, install and benchmarks.
# `make demo` and `make test` work on a fresh Debian/Ubuntu machine with a Swift 6 toolchain.

PREFIX ?= /usr/local
COMMANDS := pl-extract pl-clean pl-validate pl-load pl-promote pl-report
SWIFT ?= swift
SHELL := /bin/bash

.PHONY: all deps build release demo test test-spark docs install uninstall bench bench-postgres bench-gold bench-compress bench-upsert bench-clean bench-validate bench-pdf bench-report bench-silver bench-spark clean

all: build

deps:
	@scripts/setup-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The example pipeline: four lab files into demo/lab.sqlite as they are, then the main job
# (extract | clean | validate | load) into its results table, and a look at what landed; then the
# nightly job (examples/nightly.sh) over an inbox of the example files, into demo/lake/ and
# demo/lab.sqlite (its run folders in demo/runs/), and what the lake holds.
demo: release
	@bin=$$($(SWIFT) build -c release --show-bin-path); \
	rm -rf demo && mkdir -p demo && \
	set -o pipefail && \
	$$bin/pl-extract examples/nir_export.csv | $$bin/pl-load demo/lab.sqlite --table nir --detect-types --log-format text && \
	$$bin/pl-extract examples/kjeldahl_results.csv | $$bin/pl-load demo/lab.sqlite --table kjeldahl --log-format text && \
	$$bin/pl-extract examples/ph_readings.ndjson | $$bin/pl-load demo/lab.sqlite --table ph --log-format text && \
	$$bin/pl-extract examples/moisture_balance.txt | $$bin/pl-load demo/lab.sqlite --table moisture --detect-types --log-format text && \
	echo && echo "== the main job: extract, clean with the lab profile, validate, load by key" && \
	$$bin/pl-extract examples/nir_export.csv examples/kjeldahl_results.csv examples/moisture_balance.txt \
	  | $$bin/pl-clean --profile lab --tz Europe/Amsterdam --log-format text \
	  | $$bin/pl-validate --schema lab --rejects demo/rejects.ndjson --report demo/report.json --html demo/report.html --log-format text \
	  | $$bin/pl-load demo/lab.sqlite --table results --key sample_id,analyte,measured_at --log-format text && \
	echo && echo "== tables in demo/lab.sqlite" && \
	sqlite3 demo/lab.sqlite "SELECT name || ': ' || (SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info(m.name)) FROM sqlite_master m WHERE type = 'table'" && \
	echo && echo "== mean protein by product (NIR)" && \
	sqlite3 -header -column demo/lab.sqlite "SELECT Product, count(*) AS n, round(avg(\"Protein %\"), 2) AS protein FROM nir GROUP BY Product ORDER BY protein DESC" && \
	echo && echo "== pH readings, with where each came from" && \
	sqlite3 -header -column demo/lab.sqlite "SELECT sample_id, ph, measured_at, json_extract(_pl, '$$.source') || ':' || json_extract(_pl, '$$.line') AS came_from FROM ph" && \
	echo && echo "== cleaned results: protein by sample, in g/100g, whatever the export printed" && \
	sqlite3 -header -column demo/lab.sqlite "SELECT sample_id, analyte, value, unit, result_text, measured_at FROM results WHERE analyte = 'protein' ORDER BY sample_id LIMIT 8" && \
	echo && echo "(quality report: demo/report.html; records that failed a rule: demo/rejects.ndjson)" && \
	echo && echo "== the nightly job: the example files as an inbox, through bronze, silver and gold into demo/lake and demo/lab.sqlite" && \
	mkdir -p demo/inbox && cp examples/*.csv examples/*.txt examples/*.ndjson examples/*.pdf demo/inbox/ && \
	PL_BIN=$$bin examples/nightly.sh --inbox demo/inbox --lake demo/lake --db demo/lab.sqlite --runs demo/runs && \
	echo && echo "== pl-promote show --lake demo/lake" && \
	$$bin/pl-promote show --lake demo/lake && \
	echo && echo "== the morning report of the lake: freshness, control charts, quality, lineage" && \
	$$bin/pl-report --lake demo/lake --out demo/report-lake.html --validation-report demo/runs/*/report.json --rejects demo/runs/*/rejects.ndjson

# Builds everything and runs every test: unit tests and golden cases over the built tools,
# against SQLite and a throwaway PostgreSQL server (started here, stopped even when tests fail).
test: deps
	$(SWIFT) build
	@dir=$$(mktemp -d) && trap 'scripts/pg-test-server.sh stop "$$dir/pg"; rm -rf "$$dir"' EXIT && \
	eval "$$(scripts/pg-test-server.sh start "$$dir/pg")" && \
	PL_TEST_PG_SERVER=$(CURDIR)/scripts/pg-test-server.sh $(SWIFT) test

# The nightly job's silver step as Spark stages (examples/spark/), against nightly.sh on one
# machine: installs a JRE and pyspark when missing, builds release binaries (not part of `make test`).
test-spark: deps
	bash examples/spark/test.sh

# Regenerates man pages and completions from the argument parsers.
docs: deps
	scripts/gen-docs.sh

install: release
	@bin=$$($(SWIFT) build -c release --show-bin-path); \
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d && \
	for c in $(COMMANDS); do \
	  install -m 755 $$bin/$$c $(DESTDIR)$(PREFIX)/bin/$$c; \
	  install -m 644 man/$$c.1 $(DESTDIR)$(PREFIX)/share/man/man1/$$c.1; \
	  install -m 644 completions/$$c.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$c; \
	  install -m 644 completions/_$$c $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$c; \
	  install -m 644 completions/$$c.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$c.fish; \
	done && \
	install -m 644 man/pl-records.5 $(DESTDIR)$(PREFIX)/share/man/man5/pl-records.5 && \
	echo "installed $(COMMANDS) into $(DESTDIR)$(PREFIX)"

uninstall:
	for c in $(COMMANDS); do \
	  rm -f $(DESTDIR)$(PREFIX)/bin/$$c $(DESTDIR)$(PREFIX)/share/man/man1/$$c.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$c $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$c \
	    $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$c.fish; \
	done
	rm -f $(DESTDIR)$(PREFIX)/share/man/man5/pl-records.5

# Side-by-side throughput against mlr, jq, sqlite-utils and sqlite3 (not part of `make test`).
bench: deps
	bash bench/run.sh

# pl-load into PostgreSQL against psql's \copy of the same data (not part of `make test`).
bench-postgres: deps
	bash bench/postgres.sh

# Keyed loads (upsert) against sqlite-utils and a psycopg executemany loop.
bench-upsert: deps
	bash bench/upsert.sh

# pl-clean against jq, Miller and one-threaded DuckDB on one cleaning job.
bench-clean: deps
	bash bench/clean.sh

# pl-validate against frictionless and one-threaded DuckDB on a ten-rule schema.
bench-validate: deps
	bash bench/validate.sh

# Gold aggregates over a million silver records against one-threaded DuckDB's GROUP BY.
bench-gold: deps
	bash bench/gold.sh

# The lake's gzip and zstd part writers against pigz -p2 -6 and gzip -6 on 1M silver records.
bench-compress: deps
	bash bench/compress.sh

# Silver promotion of 1M records against pigz -p2 -6 over the same bytes.
bench-silver: deps
	bash bench/silver.sh

# Many small files through silver on one machine and as Spark stages with 1 and 2 cores (bench/SPARK.md).
bench-spark: deps
	bash bench/spark.sh

# pl-extract --mode tables against pdfplumber and camelot: cell-level F1 on the table fixtures, and pages per second.
bench-pdf: deps
	bash bench/pdf.sh

# pl-report on a lake of 1M silver records with gold built: time and page size against the targets.
bench-report: deps
	bash bench/report.sh

clean:
	$(SWIFT) package clean
	rm -rf demo
