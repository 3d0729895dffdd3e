# motcua — the two set-up commands (`make demo`, `make test`) and their parts.
# Every target is idempotent: a second run reuses what is there.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
MANAGE := $(PY) manage.py

# Python ≥ 3.12: $(PYTHON) if given, else the first candidate that really runs and is new
# enough (pyenv shims exist for versions that are not selected, so each one is tried).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$c; exit 0; }; done)

IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

.PHONY: help demo test setup lint schema messages translations run-tests chromium clean

help:
	@echo "make demo   – set up and serve motcua with the Huế demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   – set up and run the whole test suite (SQLite; PostgreSQL too when MOTCUA_TEST_DATABASE_URL is set)"
	@echo "make lint   – ruff, mypy, migrations and OpenAPI drift checks"
	@echo "make schema – regenerate the committed OpenAPI schema"

$(STAMPS):
	@mkdir -p $(STAMPS)

$(VENV)/bin/python:
	@if [ -z "$(PYTHON)" ]; then echo "motcua needs Python ≥ 3.12 (python3.13 on PATH, or pyenv with 3.13)"; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml $(VENV)/bin/python | $(STAMPS)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	@touch $@

$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $@

# WeasyPrint (the official forms as PDF) needs Pango and a font with Vietnamese glyphs.
$(STAMPS)/pdf-libs: | $(STAMPS)
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list | grep -qi "DejaVu Serif"; then \
		if [ "$(IS_ROOT)" = yes ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
		else echo "PDF forms need Debian's libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; exit 1; fi; fi
	@touch $@

$(STAMPS)/gettext: | $(STAMPS)
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$(IS_ROOT)" = yes ]; then apt-get update -qq && apt-get install -y -qq gettext; \
		else echo "msgfmt (Debian package gettext) is needed to compile translations"; exit 1; fi; fi
	@touch $@

# Compiled translations are built here, never committed (they would go stale).
messages: $(STAMPS)/python $(STAMPS)/gettext
	@$(MANAGE) compilemessages -v0 --ignore '.venv' --ignore 'node_modules' --ignore 'build'

setup: $(STAMPS)/python $(STAMPS)/npm $(STAMPS)/pdf-libs messages

demo: setup
	@MOTCUA_DEMO=true $(MANAGE) collectstatic --noinput -v0
	@MOTCUA_DEMO=true $(MANAGE) migrate --noinput -v0
	@MOTCUA_DEMO=true $(MANAGE) load_demo --port $(PORT)
	@MOTCUA_DEMO=true $(MANAGE) runserver 127.0.0.1:$(PORT) --skip-checks

chromium:
	@if ! command -v chromium >/dev/null; then \
		if [ "$(IS_ROOT)" = yes ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Browser tests need Debian's chromium: apt-get install chromium (as root)"; exit 1; fi; fi
	@# The virus-scan tests start their own clamd with a test signature (no database download).
	@if ! command -v clamd >/dev/null && ! [ -x /usr/sbin/clamd ]; then \
		if [ "$(IS_ROOT)" = yes ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon || \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon); \
		else echo "The real-clamd test needs Debian's clamav-daemon: apt-get install clamav-daemon (as root)"; exit 1; fi; fi

test: setup chromium
	@$(MAKE) --no-print-directory run-tests

# Two workers: the machines have two cores; each worker gets its own test database.
PYTEST_WORKERS ?= 2
run-tests:
	@echo "== Test suite on SQLite"
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)
	@if [ -n "$$MOTCUA_TEST_DATABASE_URL" ]; then \
		echo "== Test suite on $${MOTCUA_TEST_DATABASE_URL%%:*}"; \
		MOTCUA_DATABASE_URL="$$MOTCUA_TEST_DATABASE_URL" $(VENV)/bin/pytest -n $(PYTEST_WORKERS); fi

# Refresh the English catalogue from the sources and fail on any gap.
translations: $(STAMPS)/python $(STAMPS)/gettext
	$(MANAGE) makemessages -l en --no-obsolete --no-location -v0 --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'build/*' --ignore 'var/*'
	$(PY) scripts/check_translations.py
	$(PY) scripts/check_vendor_translations.py

lint: $(STAMPS)/python translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --file /tmp/motcua-openapi.yaml --validate --fail-on-warn
	diff -u docs/api/openapi.yaml /tmp/motcua-openapi.yaml

schema: $(STAMPS)/python
	$(MANAGE) spectacular --file docs/api/openapi.yaml --validate --fail-on-warn

clean:
	rm -rf $(STAMPS) $(VENV) node_modules build
