#!/usr/bin/env bash
# `make run`: the web server plus the in-process periodic tasks (attempt timers) on the embedded defaults.
# settings.local puts `daphne` first in INSTALLED_APPS, so `runserver` is daphne's: one process serves HTTP and
# the /ws/ WebSocket routes (in-memory channel layer, in-process presence sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p .local

"$PY" manage.py run_periodic_tasks >.local/periodic-tasks.log 2>&1 &
periodic=$!
trap 'kill $periodic 2>/dev/null || true' EXIT INT TERM
echo "Periodic tasks (attempt timers) running in the background, log: .local/periodic-tasks.log"
echo "HTTP and WebSocket (ws://$HOST:$PORT/ws/...) on one ASGI server. Start here: http://$HOST:$PORT/ (dashboard URL above)"
"$PY" manage.py runserver "$HOST:$PORT"
