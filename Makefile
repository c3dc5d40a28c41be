# mesoclinic: `make run` starts a demo clinic, `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# The tool that writes the lock file; installing never needs it, only `make lock` does.
UV_VERSION := 0.13.9
# How far `make test` moves the clock for its second and third runs (a year and a day).
CLOCK_SHIFT_DAYS := 366
# PostgreSQL for the second test run: DATABASE_URL when it points at PostgreSQL, else the local server.
PG_TEST_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/mesoclinic)
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench setup lock test-sqlite test-shifted test-postgres chromium clean

setup: $(STAMP)

# A new lock file means a new environment: nothing from an older install lingers.
$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Upgrade every dependency to the newest release pyproject.toml allows, and write the new lock.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	printf 'setuptools>=69\ndjango-stubs-ext>=5.2,<5.3\n' | $(BIN)/uv pip compile pyproject.toml - \
	  --extra test --generate-hashes --universal --python-version 3.11 --upgrade -o $(LOCK)

run: $(STAMP)
	mkdir -p var
	$(BIN)/mesoclinic migrate --verbosity 0
	$(BIN)/mesoclinic createcachetable
	$(BIN)/mesoclinic demo
	@echo "Open http://127.0.0.1:8000/ and sign in with one of the demo logins above."
	$(BIN)/mesoclinic runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
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

test: $(STAMP) chromium lint test-sqlite test-shifted test-postgres

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest

# The suite again a year ahead and a year back: a test that leans on today's date fails here.
test-shifted: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest --clock-shift-days=$(CLOCK_SHIFT_DAYS)
	env -u DATABASE_URL $(BIN)/pytest --clock-shift-days=-$(CLOCK_SHIFT_DAYS)

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" '$(PG_TEST_URL)' 2>/dev/null; then \
	  echo "Running the suite again on PostgreSQL"; \
	  DATABASE_URL='$(PG_TEST_URL)' $(BIN)/pytest; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): skipping the PostgreSQL run"; fi

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static var/screenshots
