#!/usr/bin/env bash
# `make fuzz`: schemathesis over /api/schema/ against a live gunicorn, once per identity (learner, course staff,
# global staff JWTs), fixed seed. Fails on any 5xx, any response that violates the schema, any undeclared status code.
# SQLite in .local/ by default; TEST_DATABASE=postgresql uses PostgreSQL (127.0.0.1:5432, database
# exams_fuzz_<checkout hash>, one per checkout like the test databases, so parallel checkouts never drop each other's).
# FUZZ_EXAMPLES (cases per operation), FUZZ_MAX_TIME (seconds per identity), FUZZ_SEED, FUZZ_PORT tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${FUZZ_PORT:-18380}
SEED=${FUZZ_SEED:-20261204}
EXAMPLES=${FUZZ_EXAMPLES:-100}
MAX_TIME=${FUZZ_MAX_TIME:-600}
mkdir -p .local/fuzz
export DJANGO_SETTINGS_MODULE=settings.local DJANGO_DEBUG=false
export SCHEMATHESIS_HOOKS=scripts.fuzz_hooks  # works around a CPython 3.11 AST bug in threads (see the module)
if [ "${TEST_DATABASE:-sqlite}" = postgresql ]; then
  db="exams_fuzz_$(printf %s "$PWD" | sha1sum | cut -c1-8)"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db"
else
  rm -f .local/fuzz/fuzz.sqlite3
  export DATABASE_URL="sqlite:///$PWD/.local/fuzz/fuzz.sqlite3"
fi
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_demo_data >/dev/null
"$PY" -m gunicorn exams_service.wsgi:application -b "127.0.0.1:$PORT" -w 2 --timeout 60 --limit-request-line 0 \
  --error-logfile .local/fuzz/gunicorn.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/health/" >/dev/null 2>&1 && break
  sleep 0.5
done
status=0
for identity in learner course_staff global_staff; do
  header=$("$PY" manage.py mint_dev_jwt "$identity" | sed 's/^[^:]*: //')
  echo "=== schemathesis as ${identity} (seed ${SEED}, up to ${EXAMPLES} cases per operation)"
  "$(dirname "$PY")/st" --no-color run "http://127.0.0.1:$PORT/api/schema/" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --seed "$SEED" --generation-deterministic --max-examples "$EXAMPLES" --max-time "$MAX_TIME" \
    --header "$header" --workers 2 --request-timeout 30 --suppress-health-check=filter_too_much \
    --report junit --report-dir ".local/fuzz/${identity}" || status=1
done
exit $status
