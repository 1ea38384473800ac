# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run stack test venv dev-venv migrate seed lint messages bench-workdays clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-s3.txt
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

## make stack: the production topology on the local PostgreSQL and Redis: gunicorn, a Celery worker and beat,
## DEBUG off, secrets generated once into var/stack.env (edit it to point elsewhere); DEMO=1 loads the demo data.
STACK_ENV ?= var/stack.env
DEMO ?= 0
STACK_METRICS_DIR ?= var/prometheus-stack

$(STACK_ENV):
	@mkdir -p $(dir $@)
	@umask 077 && { \
	  echo "# make stack: written once; edit freely. Secrets: keep this file out of version control."; \
	  echo "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	  echo "DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice"; \
	  echo "CELERY_BROKER_URL=redis://127.0.0.1:6379/0"; \
	  echo "CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1"; \
	  echo "REDIS_URL=redis://127.0.0.1:6379/2"; \
	  echo "DJANGO_DEBUG=false"; \
	  echo "LOG_FORMAT=json"; \
	  echo "# Plain HTTP on this machine; behind a TLS proxy set these to true (and TRUSTED_PROXIES)."; \
	  echo "DJANGO_SECURE_SSL_REDIRECT=false"; \
	  echo "DJANGO_SECURE_COOKIES=false"; \
	  echo "DJANGO_SECURE_HSTS_SECONDS=0"; \
	} > $@
	@echo "wrote $@ (a new secret key; PostgreSQL and Redis on 127.0.0.1)"

stack: venv $(STACK_ENV)
	@grep -q '^AUDIT_KEY=' $(STACK_ENV) || (umask 077 && \
	  echo "AUDIT_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> $(STACK_ENV))
	@set -a && . "$(abspath $(STACK_ENV))" && set +a && \
	  $(PY) manage.py create_database && \
	  $(PY) manage.py migrate --noinput && \
	  $(PY) manage.py collectstatic --noinput -v0 && \
	  if [ "$(DEMO)" = "1" ]; then $(PY) manage.py seed_demo; fi && \
	  rm -rf $(STACK_METRICS_DIR) && mkdir -p $(STACK_METRICS_DIR) && \
	  echo "" && echo "  govservice (stack) is starting at http://$${HOST}:$${PORT}/   Ctrl-C stops it" && echo "" && \
	  PROMETHEUS_MULTIPROC_DIR=$(STACK_METRICS_DIR) exec $(PY) manage.py run_processes Procfile.stack

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
