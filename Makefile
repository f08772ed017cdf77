# Pressroom: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test unit screenshots bootstrap bootstrap-test migrate seed web start bench backup restore clean-test-dbs

run: bootstrap migrate seed web start   ## install what is missing, migrate, seed the demo, build the web app, start the suite

test: bootstrap-test web            ## install what is missing, build the web app and run every test
	cd gateway/web && npm run --silent check
	$(PY) -m ruff check .
	$(PY) -m mypy services/svckit/svckit services/*/*/domain services/*/*/usecases
	$(PY) -m pytest $(PYTEST_ARGS)

unit:                               ## the fast unit layer of every service: domain and use-case tests, no broker
	$(PY) -m pytest -m unit services $(PYTEST_ARGS)

screenshots: bootstrap-test web     ## refresh docs/screenshots on purpose (the walks write to a temporary folder otherwise)
	PRESSROOM_SCREENSHOTS=docs/screenshots $(PY) -m pytest -c tests/browser/walks/pytest.ini tests/browser/walks -q -p no:cacheprovider

bootstrap:
	@scripts/bootstrap.sh run

bootstrap-test:
	@scripts/bootstrap.sh test

migrate:
	$(PY) -m svckit.dbadmin migrate

seed:
	$(PY) -m scripts.seed

web:                                ## build the web app (gateway/web) when its sources changed
	@scripts/build-web.sh

start:
	@scripts/start.sh

# every benchmark runs a baseline in the same run and appends its figures to one results file per run
# (bench/results/<date>T<time>-<host>.json, see bench/results.py); at the end bench/summary.py regenerates the
# summary table of docs/performance.md from that file. `make bench` runs them all (over an hour on 2 cores: the
# 1M-record pressbase, the 100,000-mail dispatch and the 10,000-account invoice runs are the long ones);
# `make bench BENCH="rpc_roundtrip http_gateway"` runs a choice (and the table then holds only those).
BENCH ?= rpc_roundtrip http_gateway identity_login crm_search crm_recipients crm_import_export \
         pressbase_search pressbase_feed dispatch_dkim dispatch_smtp_pool dispatch_throughput billing_invoice_run \
         dispatch_bounce_parse
ifndef BENCH_RESULTS
BENCH_RESULTS := bench/results/$(shell date -u +%Y-%m-%dT%H%M)-$(shell hostname -s).json
endif
bench: bootstrap-test
	@for b in $(BENCH); do echo "== bench/$$b.py"; BENCH_RESULTS=$(BENCH_RESULTS) $(PY) bench/$$b.py || exit 1; done
	$(PY) bench/summary.py $(BENCH_RESULTS)

backup: bootstrap
	$(PY) -m svckit.backup dump --dir backups

restore: bootstrap
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/pressroom-YYYYmmdd-HHMMSS.tar.gz"; exit 2; }
	$(PY) -m svckit.backup restore "$(ARCHIVE)"

clean-test-dbs:                     ## drop databases left behind by interrupted test runs
	$(PY) -m svckit_testing.cleanup
