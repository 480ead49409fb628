# Kensa: `make run` serves the portal with demo data; `make test` runs the whole suite.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi

.PHONY: run test lint install install-dev chromium wrk messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo
	@echo "Kensa is at http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Browser tests need Debian's chromium; install it when we can, else say so loudly.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "!!! /usr/bin/chromium is missing and cannot be installed here: BROWSER TESTS WILL BE SKIPPED !!!"; \
	fi

# The page benches drive gunicorn with wrk (Debian's package).
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing wrk for the page benches"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
		echo "!!! wrk is missing and cannot be installed here: the page benches will say so and skip !!!"; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install-dev chromium lint
	$(BIN)/pytest

messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .

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
	$(BIN)/python -m bench.import_measurements --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.evaluate_lot --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.review_queue --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.scorecard_kpis --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.pages --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.pages --scales 0.1,1,3 --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable
	$(BIN)/python -m bench.load_submit --kill-worker --database-url "$(KENSA_BENCH_PG_URL)" --if-reachable

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
