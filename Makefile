# Jiuzhu: the few verbs people expect. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local
PRODUCTION := DJANGO_SETTINGS_MODULE=config.settings.production

.PHONY: help demo install install-dev test lint format services stack web worker beat bench messages

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)  ## install the runtime requirements into .venv
	$(PY) -m pip install -q -r requirements.txt

install-dev: $(PY)  ## install runtime + test requirements into .venv
	$(PY) -m pip install -q -r requirements-dev.txt

demo: install  ## install, migrate, load demo data (SQLite, in-process tasks) and start on http://127.0.0.1:$(PORT)/ (debug off)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with an account above."
	DEBUG=false $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev  ## lint, import contracts, engine types, migrations committed, then the whole test suite (DATABASE_URL / REDIS_URL select PostgreSQL and Redis)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint --profile=django
	git ls-files '*.py' | xargs $(VENV)/bin/django-upgrade --target-version 5.2
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: install-dev  ## ruff lint and format check, import contracts ([tool.importlinter]), engine types ([tool.mypy]), templates
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(VENV)/bin/lint-imports && $(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint --profile=django

format: install-dev  ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix . && $(PY) -m ruff format .

messages: install-dev  ## rebuild the English translation catalogue (msgids are Chinese)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles && $(PY) manage.py compilemessages -l en --ignore=.venv

services:  ## start PostgreSQL and Redis on this machine if they are not answering
	bash .ci/services.sh

stack: install  ## production-like run (PostgreSQL, Redis, gunicorn + Celery worker + beat); see docs/deploy.md
	$(PRODUCTION) PY=$(PY) bin/stack

web: install  ## gunicorn alone, production settings (gunicorn.conf.py; run collectstatic first)
	$(PRODUCTION) $(PY) -m gunicorn config.wsgi

worker: install  ## a Celery worker, production settings
	$(PRODUCTION) $(PY) -m celery -A config --quiet worker -l info

beat: install  ## Celery beat (one per deployment; schedules in the database), production settings
	$(PRODUCTION) $(PY) -m celery -A config --quiet beat -l info
