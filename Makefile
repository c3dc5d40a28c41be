# mesoclinic: `make run` starts a demo clinic, `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# PostgreSQL for the second test run: DATABASE_URL when it points at PostgreSQL, else the local server.
PG_TEST_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/mesoclinic)
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint worker bench setup test-sqlite test-postgres chromium clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/mesoclinic migrate --verbosity 0
	$(BIN)/mesoclinic createcachetable
	$(BIN)/mesoclinic demo
	@echo "Open http://127.0.0.1:8000/ and sign in with one of the demo logins above."
	$(BIN)/mesoclinic runserver 127.0.0.1:8000

worker: $(STAMP)
	$(BIN)/mesoclinic db_worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Debian's Chromium drives the browser tests; install it when missing and we may (root).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped"; \
	  else echo "No $(CHROMIUM) and no permission to install it: browser tests will be skipped"; fi; \
	fi

test: $(STAMP) chromium lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" '$(PG_TEST_URL)' 2>/dev/null; then \
	  echo "Running the suite again on PostgreSQL"; \
	  DATABASE_URL='$(PG_TEST_URL)' $(BIN)/pytest; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): skipping the PostgreSQL run"; fi

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static var/screenshots
