# The two commands of the README:
#   make run   installs the site into .venv, creates a SQLite database with the demo marketplace
#              and serves it on http://127.0.0.1:5000
#   make test  installs the test dependencies into .venv, runs the linters, then the whole suite
# And for the edit–test loop:
#   make lint       ruff check and ruff format --check (configured in pyproject.toml)
#   make test-fast  make lint, then every test but the browser ones (no Chromium, no axe-core),
#                   stopping at the first failure
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run lint test test-fast test-postgres install install-test demo clean chromium axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg setup.py $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/flask --app catalog init-db
	$(BIN)/flask --app catalog load-demo

run: demo
	CATALOG_SITE_URL="$${CATALOG_SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/flask --app catalog run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# axe-core (npm registry, pinned by tests/browser/axe/package-lock.json) for the accessibility
# checks of the browser tests; node_modules is not committed.
AXE_DIR := tests/browser/axe
axe:
	@test -d $(AXE_DIR)/node_modules/axe-core || npm ci --prefix $(AXE_DIR) --no-audit --no-fund

# --no-cache: no .ruff_cache in the checkout (ruff takes well under a second without it).
lint: install-test
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .

test: install-test lint chromium axe
	$(BIN)/python -m pytest

test-fast: install-test lint
	$(BIN)/python -m pytest -m "not browser" -x -q

# The database-backed tests again, on a throw-away PostgreSQL server (scripts/test-postgres).
# Plain-Python tests (no database) and browser tests run once, above.
PURE_TESTS := tests/mail tests/search tests/browser tests/support/test_businesstime.py \
  tests/support/test_businesstime_properties.py tests/support/test_calendar_dict.py \
  tests/support/test_explain.py tests/support/test_routing.py
test-postgres: install-test
	scripts/test-postgres $(BIN)/python -m pytest $(addprefix --ignore=,$(PURE_TESTS))

clean:
	rm -rf $(VENV) instance/catalog.sqlite
