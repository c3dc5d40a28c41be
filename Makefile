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

# The demo's own secret key, made once on this machine and never committed.
SECRET_FILE := var/secret-key
DEMO_ENV = DEBUG=true SECRET_KEY="$$(cat $(SECRET_FILE))"

.PHONY: run worker demo-code test lint bench setup lock test-sqlite test-shifted test-postgres chromium clean

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

$(SECRET_FILE):
	mkdir -p var
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(STAMP) $(SECRET_FILE)
	mkdir -p var/static
	$(DEMO_ENV) $(BIN)/mesoclinic migrate --verbosity 0
	$(DEMO_ENV) $(BIN)/mesoclinic createcachetable
	$(DEMO_ENV) $(BIN)/mesoclinic demo
	@echo "Open http://localhost:8000/ and sign in with one of the demo logins above."
	@echo "Emails are printed by the worker: run 'make worker' in another terminal."
	$(DEMO_ENV) $(BIN)/mesoclinic runserver localhost:8000

# The second-step code the demo's staff accounts sign in with right now.
demo-code: $(STAMP) $(SECRET_FILE)
	@$(DEMO_ENV) $(BIN)/mesoclinic demo-code

# The task worker that sends emails (with retries); in production, run it as a service.
worker: $(STAMP) $(SECRET_FILE)
	$(DEMO_ENV) $(BIN)/mesoclinic db_worker --queue-name '*'

lint: $(STAMP) $(SECRET_FILE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/lint-imports
	$(DEMO_ENV) $(BIN)/mypy

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

bench: $(STAMP) $(SECRET_FILE)
	@for script in bench/bench_*.py; do echo "== $$script"; $(DEMO_ENV) $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static var/screenshots $(SECRET_FILE)
