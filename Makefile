# Samen alert: the two commands a new developer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi
export SPATIALITE_LIBRARY_PATH ?= mod_spatialite
DEMO_REPORTS ?= 300
DEMO_HISTORY ?= 8000
DEMO_STAFF_PASSWORD ?= samen-alert-demo

.PHONY: run test install install-test os-deps-run os-deps-test instance translations db lint format benchmark lighthouse load clean

## make run: install, create the SpatiaLite database with demo data, serve on http://127.0.0.1:5000
run: export MELDPUNT_CONFIG = config.DevelopmentConfig
run: os-deps-run install translations instance db
	$(FLASK) demo-data --reports $(DEMO_REPORTS) --history $(DEMO_HISTORY) --if-empty --staff-password $(DEMO_STAFF_PASSWORD)
	@echo "Samen alert: http://127.0.0.1:5000  (staff: /medewerkers/inloggen as demo-oov, demo-tnh, demo-boa, demo-straatcoach, demo-analist or demo-beheer, password $(DEMO_STAFF_PASSWORD))"
	$(FLASK) run --host 127.0.0.1 --port 5000

## make test: install everything, then run every test on SpatiaLite and on PostGIS (and in Chromium)
test: os-deps-test install-test translations
	pot=$$(mktemp --suffix=.pot) && trap 'rm -f "$$pot"' EXIT && \
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _l -k lazy_gettext --no-location -o "$$pot" . >/dev/null 2>&1 && \
	$(PY) scripts/check_translations.py "$$pot" meldpunt/translations
	$(VENV)/bin/ruff check meldpunt tests config.py wsgi.py scripts
	$(VENV)/bin/ruff format --check meldpunt tests config.py wsgi.py scripts
	url=$$(scripts/ensure-postgres.sh) && MELDPUNT_TEST_POSTGIS_URL=$$url $(PY) -m pytest --require-all-backends $(PYTEST_ARGS)

## make benchmark: speed figures (printed, not asserted)
benchmark: install-test translations
	url=$$(scripts/ensure-postgres.sh) && MELDPUNT_TEST_POSTGIS_URL=$$url $(PY) -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts=""

## make lighthouse: Lighthouse (npx lighthouse@12.2.3, mobile) and first-load weight of the public pages (printed)
lighthouse: install-test translations
	@scripts/os-deps.sh lighthouse
	$(PY) -m pytest tests/benchmarks/test_lighthouse.py tests/benchmarks/test_page_weight.py -s -p no:cacheprovider -o addopts=""

## make load: the load test (gunicorn -w 4 on a scratch PostGIS database, Redis rate limits, locust: 50 phones,
## 10 boa's, 5 coordinators); prints a table and checks every receipt in the database. LOAD_SECONDS=20 for a short run.
LOAD_SECONDS ?= 120
load: install-test translations
	url=$$(scripts/ensure-postgres.sh) && MELDPUNT_TEST_POSTGIS_URL=$$url $(PY) -m tests.benchmarks.load_run --seconds $(LOAD_SECONDS)

os-deps-run:
	@scripts/os-deps.sh run

os-deps-test:
	@scripts/os-deps.sh test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'

translations: $(PY)
	$(PY) -m babel.messages.frontend compile -d meldpunt/translations >/dev/null

# A secret key for the local demo, made once; production sets MELDPUNT_SECRET_KEY.
instance:
	@mkdir -p instance
	@test -f instance/meldpunt.cfg || $(PY) -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > instance/meldpunt.cfg

db:
	$(FLASK) db upgrade
	$(FLASK) seed

lint: install-test
	$(VENV)/bin/ruff check meldpunt tests config.py wsgi.py scripts
	$(VENV)/bin/ruff format --check meldpunt tests config.py wsgi.py scripts

## make format: apply the formatter make test checks
format: install-test
	$(VENV)/bin/ruff format meldpunt tests config.py wsgi.py scripts

clean:
	rm -rf $(VENV) instance/meldpunt.db* instance/uploads
