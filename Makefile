# Two entry points: `make demo` (SQLite, full reference data, task worker and
# http://127.0.0.1:8000; Ctrl-C stops both)
# and `make test` (lint, migrations check, OpenAPI validation, pytest incl. browser tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test install lint format migrations-check schema-check pytest fuzz chromium messages bench backup restore clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev,geo]"
	touch $(STAMP)

install: $(STAMP)

# The steps are in scripts/demo.sh, which numbers them as it goes ([1/7] …).
demo:
	@bash scripts/demo.sh $(BIN)/python

test: $(STAMP) chromium lint migrations-check schema-check pytest

chromium:
	@bash scripts/ensure-chromium.sh "$(CHROMIUM)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

schema-check: $(STAMP)
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null

pytest: $(STAMP)
	CHROMIUM_PATH="$(CHROMIUM)" $(BIN)/pytest $(PYTEST_ARGS)

# The API fuzzer alone (docs/testing.md); FUZZ_EXAMPLES=1000 runs it longer.
fuzz: $(STAMP)
	$(BIN)/pytest -m fuzz $(PYTEST_ARGS)

messages: $(STAMP)
	$(MANAGE) makemessages -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=bench
	$(MANAGE) compilemessages --ignore=.venv

# A backup of the database named by DATABASE_URL (SQLite by default) into backups/;
# `make restore FILE=backups/<file>` puts one back (after a confirmation).
backup: $(STAMP)
	$(MANAGE) backup --directory backups

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>"; exit 2; }
	$(MANAGE) restore "$(FILE)"

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
