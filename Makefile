# Kensa: `make run` serves the portal with demo data; `make test` runs the whole suite.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi

.PHONY: run test test-clock lint lock install install-dev catalogues fonts debian-run debian-test wrk messages bench clean

# Debian packages: WeasyPrint's libraries and the Noto fonts of every script (the PDFs in Thai,
# Japanese, Chinese, Vietnamese) for the portal; chromium (browser tests) and faketime (the
# clock-shifted runs) for the tests. Installed when missing and we are root, else named loudly.
DEBIAN_RUN  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
DEBIAN_TEST := chromium faketime

# The virtualenv's own pip installs the locks: every package, transitive ones included, is pinned
# with its hashes in requirements.txt / requirements-dev.txt (`make lock` writes them).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime catalogues
install-dev: $(VENV)/.dev catalogues

# The compiled catalogues (.mo) are built, never committed.
catalogues: $(VENV)/.runtime
	$(BIN)/pybabel compile -f -d translations 2>&1 | grep -v '^compiling catalog' || true

# The locks from the input files, with uv (pinned in requirements-dev.in): every transitive package
# with its hashes, for Python 3.11 on any platform. Upgrade: edit the .in file, `make lock`, `make test`.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock"
lock: install-dev
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt

define debian_packages
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "!!! missing Debian packages:" $$missing "($(2)) !!!"; \
	fi
endef

debian-run:
	$(call debian_packages,$(DEBIAN_RUN),PDFs may fail)
debian-test: debian-run
	$(call debian_packages,$(DEBIAN_TEST),browser tests will be skipped and the clock runs fail)

run: install debian-run
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo
	@echo "Kensa is at http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The page benches drive gunicorn with wrk (Debian's package).
wrk:
	$(call debian_packages,wrk,the page benches will say so and skip)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Lint, then unit, integration, browser and production tests, each stage timed (scripts/test-stages).
test: install-dev debian-test
	scripts/test-stages

# The unit and integration tests again under a moved system clock (libfaketime): more than a year
# ahead, then starting two minutes before a year-end so that the run crosses it. The suite takes
# its time from tests/clock.py, so both must pass as they do on the real date. The tests that start
# the PDF worker pool are left out: under libfaketime the pool's shutdown waits forever on a futex
# (the workers print every card, then never join); they run in `make test` on the real clock.
FAKETIME := faketime
CLOCK_TESTS := -q -p no:cacheprovider -m "not spawns_processes" tests/unit tests/integration
test-clock: install-dev debian-test
	@$(FAKETIME) -f '+400d' date '+=== the system clock says %F %T'
	$(FAKETIME) -f '+400d' $(BIN)/pytest $(CLOCK_TESTS)
	@$(FAKETIME) -f '@2027-12-31 23:58:00' date '+=== the system clock says %F %T'
	$(FAKETIME) -f '@2027-12-31 23:58:00' $(BIN)/pytest $(CLOCK_TESTS)

# The pages' WOFF2 fonts from Debian's Noto fonts (committed; again after the ja or zh_Hans catalogue
# gains characters, which tests/unit/test_fonts.py reports).
fonts: install-dev debian-run
	$(BIN)/python scripts/subset_fonts.py

# After changing user-visible strings: extract them and add the new ones to every catalogue, then
# translate them in all five languages in the same commit (tests/unit/test_catalogues.py checks).
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.* node_modules' -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# Speed benches (bench/README.md): on SQLite, then on PostgreSQL when KENSA_BENCH_PG_URL answers.
bench: KENSA_BENCH_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
bench: install-dev wrk
	$(BIN)/python -m bench.import_measurements
	$(BIN)/python -m bench.evaluate_lot
	$(BIN)/python -m bench.review_queue
	$(BIN)/python -m bench.scorecard_pdf
	$(BIN)/python -m bench.scorecard_kpis
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.pages --scales 0.1,1,3
	$(BIN)/python -m bench.load_submit --kill-worker
	$(BIN)/python -m bench.api_submit
	$(BIN)/python -m bench.import_measurements --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.evaluate_lot --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.review_queue --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.scorecard_kpis --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.pages --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.pages --scales 0.1,1,3 --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.load_submit --kill-worker --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.api_submit --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
