# Two commands do all the set-up: `make run` (service + demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The URL printed by `make run` and advertised to the demo LTI tool follows HOST and PORT.
export EXAMS_SERVICE_URL ?= http://$(HOST):$(PORT)
PIP_COMPILE := $(VENV)/bin/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

.PHONY: help install requirements requirements-compile upgrade run migrate test faults quality schema fuzz clean

help:
	@echo "make run      start the service with demo data on SQLite (http://$(HOST):$(PORT))"
	@echo "make test     install what the tests need and run the whole suite"
	@echo "make faults   the fault suite (PostgreSQL, real Redis and Celery processes)"
	@echo "make quality  ruff lint"
	@echo "make fuzz     schemathesis against a live server as learner, course staff and admin (docs/fuzzing.md)"
	@echo "make upgrade  recompile requirements/*.txt with the newest allowed versions"
	@echo "make tutor-test  render the Tutor plugin (deploy/tutor) and check its compose files and k8s manifests"

$(STAMP): requirements/base.txt requirements/test.txt requirements/dev.txt requirements/mysqlclient.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	@if pkg-config --exists libmariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null; then \
	  $(PY) -m pip install -q -r requirements/mysqlclient.txt; \
	else \
	  echo "No MariaDB client headers: MySQL/MariaDB through PyMySQL (apt-get install pkg-config libmariadb-dev for mysqlclient)"; \
	fi
	touch $(STAMP)

install requirements: $(STAMP)

requirements-compile: $(STAMP)
	$(PIP_COMPILE) requirements/base.in -o requirements/base.txt
	$(PIP_COMPILE) requirements/test.in -o requirements/test.txt
	$(PIP_COMPILE) requirements/dev.in -o requirements/dev.txt

upgrade: $(STAMP)
	$(PIP_COMPILE) --upgrade requirements/base.in -o requirements/base.txt
	$(PIP_COMPILE) --upgrade requirements/test.in -o requirements/test.txt
	$(PIP_COMPILE) --upgrade requirements/dev.in -o requirements/dev.txt

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_demo_data
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) scripts/run-local.sh

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The fault suite (docs/faults.md): real gunicorn/Celery/Redis processes on PostgreSQL, one fault each.
faults: $(STAMP)
	TEST_DATABASE=postgresql $(PY) -m pytest -m faults tests/faults $(PYTEST_ARGS)

quality: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

schema: $(STAMP)
	DJANGO_SETTINGS_MODULE=settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# FUZZ_EXAMPLES / FUZZ_MAX_TIME / FUZZ_SEED / FUZZ_PORT tune it; TEST_DATABASE=postgresql runs on PostgreSQL.
fuzz: $(STAMP)
	PY=$(PY) scripts/fuzz.sh

clean:
	rm -rf $(VENV) exams.sqlite3 .pytest_cache

# --- tutor: the Tutor plugin's tests (deploy/tutor/; renders compose files and `kubectl kustomize`, no Docker) ---
TUTOR_VENV ?= .venv-tutor
.PHONY: tutor-test
tutor-test:
	test -x $(TUTOR_VENV)/bin/python || $(PYTHON) -m venv $(TUTOR_VENV)
	$(TUTOR_VENV)/bin/pip install -q -r deploy/tutor/requirements-test.txt
	$(TUTOR_VENV)/bin/pip install -q --no-deps --force-reinstall ./deploy/tutor
	rm -rf deploy/tutor/build deploy/tutor/*.egg-info
	cd deploy/tutor && PATH="$(abspath $(TUTOR_VENV))/bin:$$PATH" "$(abspath $(TUTOR_VENV))/bin/python" -m pytest tests
# --- end tutor ---
