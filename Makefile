# KSG Digital Academy. `make run` serves the portal with demo data; `make test` runs the suite.
# Both work on a fresh machine: they install uv (if missing), the locked dependencies and, for
# the browser tests, Debian's Chromium.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo var/bootstrap/bin/uv)
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup sync pdf-deps system-deps apt-install apt-packages lint format messages bench bench-load clean

run: setup
	DEMO_MODE=1 $(MANAGE) seed_demo
	DEMO_MODE=1 $(MANAGE) runserver $(HOST):$(PORT)

test: sync system-deps
	$(UV) run --frozen pytest $(PYTEST_ARGS)

setup: sync pdf-deps
	@mkdir -p var
	$(MANAGE) migrate --noinput

sync: var/.synced

# Re-sync only when the lock file changes, so a second `make run` starts at once.
var/.synced: uv.lock pyproject.toml | $(UV)
	@mkdir -p var
	$(UV) sync --frozen
	@touch $@

var/bootstrap/bin/uv:
	@echo "uv not found: installing it into var/bootstrap"
	$(PYTHON) -m venv var/bootstrap
	var/bootstrap/bin/pip install --quiet uv

# Debian packages certificates are printed with: WeasyPrint's Pango and HarfBuzz, and the fonts
# the certificate uses (EB Garamond, Noto Sans), which cover the accented letters of any name.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ebgaramond fonts-noto-core

pdf-deps:
	@$(MAKE) --no-print-directory apt-packages PACKAGES="$(PDF_PACKAGES)"

# Debian packages the tests need: Chromium for the browser tests, gettext for translations,
# poppler's pdftoppm to look at a printed certificate (its QR code is decoded from the page).
system-deps: pdf-deps
	@$(MAKE) --no-print-directory apt-install COMMANDS="chromium msgfmt pdftoppm" PACKAGES="chromium gettext poppler-utils"

# Install the Debian PACKAGES unless all of COMMANDS are already on the PATH.
apt-install:
	@missing=""; set -- $(PACKAGES); \
	for command in $(COMMANDS); do \
	  command -v $$command >/dev/null || missing="$$missing $$1"; shift; \
	done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	    echo "Installing Debian packages:$$missing"; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  else \
	    echo "Please install:$$missing (browser tests are skipped without chromium)"; \
	  fi; \
	fi

# Install the Debian PACKAGES that are not installed yet (libraries and fonts: no command to look
# for).
apt-packages:
	@missing=""; \
	for package in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	    echo "Installing Debian packages:$$missing"; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  else \
	    echo "Please install:$$missing (certificates are printed with them)"; \
	  fi; \
	fi

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen bandit -c pyproject.toml -r . -ll -q

format: sync
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# Extract and compile the Kiswahili translations.
messages: sync
	$(MANAGE) makemessages -l sw --ignore=.venv --ignore=var --no-obsolete
	$(MANAGE) compilemessages -l sw --ignore=.venv --ignore=var

# Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL) and wrk, the load generator.
bench: sync
	@$(MAKE) --no-print-directory apt-install COMMANDS="wrk" PACKAGES="wrk"
	$(UV) run --frozen python benchmarks/catalogue.py

# 200 signed-in officers at the opening of a 50-seat cohort, against gunicorn on PostgreSQL and
# Redis (BENCH_LOAD_DATABASE_URL, BENCH_REDIS_URL; both emptied): p50/p95/p99 per step, 5xx and
# overbooking, against a bare-view baseline in the same run. Report in benchmarks/results/.
bench-load: sync
	$(UV) run --frozen python benchmarks/load.py $(BENCH_ARGS)

clean:
	rm -rf var .venv
