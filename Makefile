# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install install-test run test migrate demo worker beat lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## Install, migrate, load demo data (printing the sign-ins) and serve on http://127.0.0.1:8000
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (emails are written to var/mail/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install and run the whole test suite
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A ercot_services worker --loglevel=INFO

beat: install
	$(BIN)/celery -A ercot_services beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var .pytest_cache
