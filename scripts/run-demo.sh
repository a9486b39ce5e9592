#!/usr/bin/env bash
# The demo's two processes, side by side in one terminal: the task worker (database queue:
# e-mails, large exports) and the development web server on http://127.0.0.1:8000.
# Ctrl-C (or SIGTERM) stops both; if either one exits, the other is stopped too.
set -uo pipefail
python="${1:-.venv/bin/python}"
address="${2:-127.0.0.1:8000}"

# Every queue; no autoreload, so that SIGTERM reaches the worker itself.
"$python" manage.py db_worker --queue-name '*' --no-reload --verbosity 1 &
worker=$!
"$python" manage.py runserver "$address" &
server=$!

stop() {
  trap - INT TERM
  kill -TERM "$worker" "$server" 2>/dev/null
  wait "$worker" "$server" 2>/dev/null
}
trap 'echo; echo "Stopping the worker and the server…"; stop; exit 130' INT
trap 'stop; exit 143' TERM

wait -n "$worker" "$server"
status=$?
echo "A demo process exited (status $status): stopping the other one." >&2
stop
exit "$status"
