# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in emails and in seed_demo's output point at: the one `make run` serves, unless set.
SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
TEST_WORKERS ?= auto

.PHONY: install install-test run test test-fast lint migrate demo worker beat clean

# The tests keep their compiled modules (and pytest its rewritten asserts) between runs, even where the shell says
# not to write bytecode: that alone is seconds per worker. (__pycache__/ is ignored by git.)
test test-fast: export PYTHONDONTWRITEBYTECODE =

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py rebuild_participant_summaries

demo: migrate
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo

## Install, migrate, load demo data (printing the sign-ins) and serve on http://127.0.0.1:8000 (HOST=, PORT= to change)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (emails are written to var/mail/)"
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install and run the whole test suite, after the linters and the import contracts
test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The inner loop: linters, import contracts and every test not marked slow (no browser, worker, subprocess, flush
## or demo seed), in parallel (one pytest-xdist worker per core, TEST_WORKERS=0 for one process), on tables built
## from the models (--no-migrations; tests/conftest.py seeds the reference rows). `make test` keeps the migrations.
test-fast: install-test lint
	$(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist loadfile --no-migrations $(PYTEST_ARGS)

## ruff (lint and format check) and the import-linter contracts (the layer order, README "Architecture")
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

worker: install
	$(BIN)/celery -A ercot_services worker --loglevel=INFO

beat: install
	$(BIN)/celery -A ercot_services beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var .pytest_cache
