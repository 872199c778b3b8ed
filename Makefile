# Lippe Digital Portal: the everyday commands.
#
#   make run    first run on a laptop: venv, install, migrate, reference + demo data, serve
#   make test   the whole test suite (PYTEST_ARGS="-k foo -x" passes options through)
#
# Needs only Python 3.11 and GNU make. Configuration comes from the environment (see
# .env.example); without any, the local settings use SQLite and run Celery tasks in-process.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --no-print-directory

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist processes for `make test` (auto: one per core; 0 runs the suite in one process).
PYTEST_WORKERS ?= auto
# The installer of `make venv`; .ci/run passes uv's pip interface (same lock, same result,
# a fraction of the time).
PIP_INSTALL ?= $(BIN)/python -m pip install -qq

# Explicit settings per target, so an exported DJANGO_SETTINGS_MODULE (e.g. production, from
# a shell that talked to the server) cannot point `make run` or `make test` somewhere else.
RUN_SETTINGS ?= lippe_portal.settings.local
TEST_SETTINGS ?= lippe_portal.settings.test

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export PYTHONUNBUFFERED := 1

MANAGE := DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(BIN)/python manage.py

.PHONY: help venv run migrate test lint format worker beat clean lock backup restore

help: ## show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Python >= 3.11 needed; $(PYTHON) is $$($(PYTHON) --version 2>&1). Try: make run PYTHON=python3.11" >&2; \
	  exit 1; }
	@echo "==> creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)

# Equivalent of `pip install -e ".[dev]"` without building the project: it has no importable
# package (`packages = []`), and a build would leave lippe_portal.egg-info/ in the work tree.
# requirements.lock pins every package (constraints), so every machine and CI install exactly
# what was tested and audited. The stamp makes the install re-run only when pyproject.toml or
# the lock changes. `-qq` keeps errors but hides pip's chatter.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	@echo "==> installing dependencies into $(VENV) (first run or pyproject.toml changed)"
	@$(BIN)/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	@$(PIP_INSTALL) -r $(VENV)/requirements.txt -c requirements.lock
	@touch $@

# After changing pyproject.toml: resolve afresh in a scratch venv and write requirements.lock.
lock: ## re-resolve the dependencies from pyproject.toml into requirements.lock
	@rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	@$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > .lock-venv/requirements.txt
	@.lock-venv/bin/python -m pip install -qq -r .lock-venv/requirements.txt
	@{ sed -n '1,3p' requirements.lock; .lock-venv/bin/python -m pip freeze --exclude-editable; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock && rm -rf .lock-venv
	@echo "requirements.lock: $$(grep -c '==' requirements.lock) packages"

venv: $(VENV)/.installed ## create .venv and install the project with its dev extras
	@:

migrate: venv
	@$(MANAGE) migrate --noinput -v 0

run: migrate ## venv, migrate, reference + demo data, then serve on 127.0.0.1:8000 (HOST, PORT)
	@$(MANAGE) load_reference_data
	@$(MANAGE) seed_demo
	@echo "==> Lippe Digitalportal: http://$(HOST):$(PORT)/  (demo password: lippe-demo-2026)"
	@$(MANAGE) runserver $(HOST):$(PORT)

# SQLite unless DATABASE_URL is set; browser tests need /usr/bin/chromium. With CI=true the
# suite's conftest lets nothing skip. `-rfEs` lists failures, errors and skip reasons at the end.
test: venv ## run the whole test suite (PYTEST_ARGS passes options to pytest)
	@DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python -m pytest -q -rfEs \
	  -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: venv ## ruff check + ruff format --check
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: venv ## fix what ruff can fix, then format
	@$(BIN)/ruff check --fix --quiet . || true
	@$(BIN)/ruff format .

# A worker needs a broker: without CELERY_BROKER_URL the portal runs tasks in-process anyway.
define require_broker
	@if [ -z "$${CELERY_BROKER_URL:-}" ] && ! grep -qs '^CELERY_BROKER_URL=.\+' .env; then \
	  echo "CELERY_BROKER_URL is not set (e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0)" >&2; \
	  exit 1; \
	fi
endef

worker: venv ## Celery worker (needs CELERY_BROKER_URL)
	$(require_broker)
	@DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(BIN)/celery -A lippe_portal worker -l info

# The schedule file goes into the venv so that it never shows up in `git status`.
beat: venv ## Celery beat scheduler (needs CELERY_BROKER_URL)
	$(require_broker)
	@DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(BIN)/celery -A lippe_portal beat -l info \
	  --schedule $(VENV)/celerybeat-schedule

# PostgreSQL dump + media files in one dated archive; Docker Compose aware (see the scripts).
backup: ## one dated archive of PostgreSQL and media in backups/ (BACKUP_DIR=…)
	@scripts/backup.sh

restore: ## bring a backup back: make restore FILE=backups/lippe-portal-….tar.gz
	@scripts/restore.sh "$(FILE)"

clean: ## remove the venv, caches and build output (keeps db.sqlite3 and media/)
	rm -rf $(VENV) staticfiles .test-media* .test-db*.sqlite3* .pytest_cache .ruff_cache build *.egg-info test-results
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
