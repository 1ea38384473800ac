# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test venv dev-venv migrate seed lint messages bench-workdays clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make run: the whole system with demo data: web server, Celery worker and beat (Ctrl-C stops all).
run: seed
	@echo ""
	@echo "  govservice is starting at http://$(HOST):$(PORT)/"
	@echo "  API docs  http://$(HOST):$(PORT)/api/docs/    admin  http://$(HOST):$(PORT)/admin/"
	@echo "  demo logins (password demo12345): citizen, clerk, approver, manager, admin"
	@echo ""
	@rm -rf var/prometheus && mkdir -p var/prometheus
	PROMETHEUS_MULTIPROC_DIR=var/prometheus exec $(PY) manage.py run_processes Procfile.dev

## make test: the whole test suite (SQLite by default; DATABASE_URL / CELERY_BROKER_URL switch).
test: dev-venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: dev-venv
	$(PY) -m ruff check .

## make messages: refresh the Chinese catalogue and list what needs translating (needs gettext).
messages: dev-venv
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	@msgattrib --untranslated locale/zh_Hans/LC_MESSAGES/django.po | grep -c '^msgid' | xargs echo "untranslated entries (+1 header):"
	@msgattrib --only-fuzzy locale/zh_Hans/LC_MESSAGES/django.po | grep -c '^msgid' | xargs echo "fuzzy entries (+1 header):"
	$(PY) manage.py compilemessages --ignore=.venv

bench-workdays: migrate
	$(PY) bench/workdays_bench.py

clean:
	rm -rf $(VENV) var
