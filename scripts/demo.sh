#!/usr/bin/env bash
# `make demo`: one numbered line per step before it runs, so that the long ones (the
# installation, the territory import) never look stuck; then the demo's two processes.
# Usage: scripts/demo.sh [python] [install command]
set -euo pipefail
python="${1:-.venv/bin/python}"
install="${2:-make --no-print-directory --silent install}"
address="${DEMO_ADDRESS:-127.0.0.1:8000}"
steps=7

step() {
  printf '[%d/%d] %s\n' "$1" "$steps" "$2"
}

step 1 "Installing the dependencies into .venv (about a minute the first time)…"
$install
step 2 "Preparing the database (migrations, cache table)…"
"$python" manage.py migrate --noinput --verbosity 0
"$python" manage.py createcachetable
step 3 "Importing the reference geography: régions, départements, ~35,000 communes, EPCI (under a minute)…"
"$python" manage.py import_territories
step 4 "Importing the communes' contours (about a minute the first time)…"
"$python" manage.py import_geometry
step 5 "Loading the census's cooperations into the registry…"
"$python" manage.py load_seed_cooperations
step 6 "Loading the questionnaire and the demo survey campaign…"
"$python" manage.py load_questionnaire surveys/questionnaires/census-v1.json
"$python" manage.py setup_demo_survey
step 7 "Starting the task worker and the server on http://${address} (Ctrl-C stops both)…"
exec bash scripts/run-demo.sh "$python" "$address"
