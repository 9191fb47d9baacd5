# KSG Digital Academy. `make run` serves the portal with demo data; `make test` runs the suite.
# Both work on a fresh machine: they install uv (if missing), the locked dependencies and, for
# the browser tests, Debian's Chromium.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo var/bootstrap/bin/uv)
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup sync system-deps apt-install lint format messages bench clean

run: setup
	DEMO_MODE=1 $(MANAGE) seed_demo
	DEMO_MODE=1 $(MANAGE) runserver $(HOST):$(PORT)

test: sync system-deps
	$(UV) run --frozen pytest $(PYTEST_ARGS)

setup: sync
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

# Debian packages the tests need: Chromium for the browser tests, gettext for translations.
system-deps:
	@$(MAKE) --no-print-directory apt-install COMMANDS="chromium msgfmt" PACKAGES="chromium gettext"

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

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

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

clean:
	rm -rf var .venv
