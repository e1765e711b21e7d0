# Everyday verbs. A fresh clone needs only `make run` and `make test`: both create the
# virtualenv (.venv) and install requirements/dev.txt, again whenever that file changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; older than requirements/dev.txt means reinstall.
INSTALLED := $(VENV)/.installed-dev
PORT ?= 8000
APPS := portal territoires chantiers projets events expertises newsletter maps hub opendata search dashboard

.DEFAULT_GOAL := help
.PHONY: help venv run test lint format migrate seed worker beat bench bench-pages bench-newsletter bench-redis bench-registration bench-spreadsheets lighthouse clean messages

help:
	@echo "make run      install if needed, migrate, load the seed content, then serve 127.0.0.1:$(PORT)"
	@echo "             with a Celery worker and beat (Ctrl-C stops all three)"
	@echo "make test     run the whole test suite (skips are listed at the end)"
	@echo "make lint     ruff check, ruff format --check, mypy, import-linter (the layers)"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make messages refresh the English catalogue (needs GNU gettext), then compile it"
	@echo "make bench    query counts of the public pages, page reads and sign-ins with Redis healthy"
	@echo "             vs frozen, the newsletter sending benchmark, then the registration one"
	@echo "make bench-pages  key pages vs a bare view on the same gunicorn: req/s and CPU, cache hit"
	@echo "             and miss, at seed size and 100x rows (BENCH_DATABASE_URL: PostgreSQL)"
	@echo "make lighthouse  Lighthouse (mobile) scores of the key pages (LIGHTHOUSE_DIR: the npm package)"
	@echo "make bench-redis  page read and sign-in p95 against gunicorn, Redis healthy vs frozen"
	@echo "make bench-newsletter  an issue to 10,000 subscribers through a local SMTP server,"
	@echo "             next to a plain smtplib loop, interleaved; fails below a 0.8 ratio"
	@echo "             (SUBSCRIBERS=n to change the number; DATABASE_URL for PostgreSQL)"
	@echo "make bench-registration  web CPU per registration POST and a rush of 200 for 20 seats"
	@echo "             (gunicorn, PostgreSQL on 127.0.0.1:5432 or BENCH_DATABASE_URL, Redis)"
	@echo "make migrate | seed | worker | beat | clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements/dev.txt
	touch $@

venv: $(INSTALLED)

# The web server, a Celery worker and beat (Procfile.dev), started and stopped together by honcho.
# Without REDIS_URL the broker is a folder next to the SQLite file (LOCAL_BROKER_DIR). Links in
# emails use SITE_URL, by default the address served here.
SITE_URL ?= http://127.0.0.1:$(PORT)
run: seed
	PATH="$(CURDIR)/$(BIN):$$PATH" SITE_URL="$(SITE_URL)" $(BIN)/honcho start -f Procfile.dev --port $(PORT)

# pytest's exit code 5 means it collected no test: a failure here, never a pass.
test: $(INSTALLED)
	@status=0; $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no test" >&2; fi; \
	exit $$status

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(APPS)
	$(BIN)/lint-imports

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed

worker: $(INSTALLED)
	$(BIN)/celery -A portal worker -l info

beat: $(INSTALLED)
	$(BIN)/celery -A portal beat -l info

# Query counts of the public pages (bench/run.py), then bench-redis: page-read and sign-in p95
# against gunicorn (production settings) with a private Redis healthy, then frozen (SIGSTOP),
# failing if frozen ÷ healthy exceeds 1.5; then bench-newsletter: messages per second
# of a newsletter issue through a real SMTP server (aiosmtpd, in its own process) on a fresh
# database (SQLite, or a new one on the PostgreSQL of DATABASE_URL), next to a plain smtplib loop
# that builds the same personalised messages with the standard library, in interleaved rounds
# (medians); it exits non-zero if a check fails or the portal's rate is below 0.8× the loop's.
# Then bench-registration: the web workers' CPU per registration POST and a rush of 200 people
# for 20 seats (p50, p95, exactly 20 confirmed) against gunicorn on PostgreSQL and Redis.
SUBSCRIBERS ?= 10000
bench: $(INSTALLED)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/redis_outage.py
	$(BIN)/python bench/newsletter.py --subscribers $(SUBSCRIBERS)
	$(BIN)/python bench/registration.py

bench-registration: $(INSTALLED)
	$(BIN)/python bench/registration.py

# Key pages against a bare view returning the same bytes, on one gunicorn (bench/pages.py):
# req/s and CPU per request on a cache hit and a miss, and the same pages on a copy of the
# database grown to 100 times the rows (bulk inserts), served beside it and measured in the
# same rounds: query counts, sizes and CPU; medians of 5 rounds, failing if a goal of issue 12
# is missed. BENCH_DATABASE_URL=postgres://… (an empty
# database of your own) measures on PostgreSQL, as production runs.
bench-pages: $(INSTALLED)
	$(BIN)/python bench/pages.py

# Lighthouse (mobile) on the key pages against gunicorn with the production settings, offline
# (bench/lighthouse.py); needs the lighthouse npm package (LIGHTHOUSE=path of its command).
lighthouse: $(INSTALLED)
	$(BIN)/python bench/lighthouse.py

bench-redis: $(INSTALLED)
	$(BIN)/python bench/redis_outage.py

bench-newsletter: $(INSTALLED)
	$(BIN)/python bench/newsletter.py --subscribers $(SUBSCRIBERS)

bench-spreadsheets: $(INSTALLED)
	$(BIN)/python bench/spreadsheets.py

# Refreshes locale/en/LC_MESSAGES/django.po from the French msgids, then compiles django.mo.
# Only this target needs GNU gettext (msgmerge, msgfmt): the compiled django.mo is committed,
# so `make run` and `make test` never call it. New msgids come out untranslated: translate them
# (tests/portal/test_i18n.py lists them) and run `make messages` again before committing.
# Our copy of allauth's template keeps that app's catalogue; simple-history's list is ours now
# (French msgids, templates/simple_history/object_history_list.html), so it is extracted.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=tests \
		--ignore=templates/account/email_change.html -e html,txt,py
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

# Removes what the tools generate; keeps .venv and the SQLite database (your data).
clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache staticfiles test-results
