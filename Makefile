# ntm: `make demo` serves the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser libraries (Chart.js, Leaflet) from npm, pinned by package-lock.json.
NPM_STAMP := node_modules/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install browser demo test test-suite test-browser lint bench clean

install: $(STAMP) $(NPM_STAMP)

# Re-installs only when the lock file or the project metadata changed.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools==80.9.0"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ntm.i18n
	@touch $(STAMP)

# Re-installs only when the lock file changed; the dist folders are served as static files.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

# Browser tests drive Debian's Chromium; install it when missing (needs root, as in CI).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing chromium (browser tests)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests."; \
	  fi; \
	fi

demo: install
	$(BIN)/ntm demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/lint-imports --no-logo  # the layers: pyproject.toml, docs/architecture.md

# The suite on TEST_WORKERS processes (pytest-xdist; each test file whole on one process),
# then the browser tests in one process (one demo server for all of them).
TEST_WORKERS ?= 2

test: install browser lint test-suite test-browser

test-suite: install
	$(BIN)/pytest -q -n $(TEST_WORKERS) --ignore=tests/browser $(PYTEST_ARGS)

test-browser: install browser
	$(BIN)/pytest -q -m browser tests/browser $(PYTEST_ARGS)

bench: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 $(BIN)/ntm bench --output var/bench/evaluation.json
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-demo.sqlite3 $(BIN)/ntm bench-dashboard --output var/bench/dashboard.json
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 $(BIN)/ntm bench-workbook --output var/bench/workbook.json

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* .pytest_cache .ruff_cache
