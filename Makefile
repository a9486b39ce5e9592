# Two entry points: `make demo` (SQLite, full reference data, http://127.0.0.1:8000)
# and `make test` (lint, migrations check, OpenAPI validation, pytest incl. browser tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test install lint format migrations-check schema-check pytest chromium messages bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) import_territories
	$(MANAGE) load_seed_cooperations
	$(MANAGE) load_questionnaire surveys/questionnaires/census-v1.json
	$(MANAGE) setup_demo_survey
	$(MANAGE) runserver 127.0.0.1:8000

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

messages: $(STAMP)
	$(MANAGE) makemessages -l fr -l en --ignore=.venv --ignore=staticfiles --ignore=bench
	$(MANAGE) compilemessages --ignore=.venv

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
