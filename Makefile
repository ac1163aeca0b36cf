# Compagnon — `make run` starts everything, `make test` runs the whole suite.
# Needs only python3 (>= 3.11), make and git. Everything else is installed into .venv.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

.PHONY: run test test-suite install migrate translations demo serve serve-prod lint messages catalog-check bench bench-load cluster-smoke cluster-load clean check-python constraints

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Compagnon needs Python 3.11 or newer as '$(PYTHON)' (found: $$($(PYTHON) --version 2>&1))."; \
	  echo "Install it (Debian/Ubuntu: apt-get install python3 python3-venv) or run: make run PYTHON=python3.12"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Python's venv module is missing. On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

$(STAMP): pyproject.toml constraints.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	@# The OCR engine without its declared opencv-python (GUI build, needs libGL): pyproject.toml says why.
	$(PIP) install --quiet -c constraints.txt --no-deps rapidocr-onnxruntime || \
	  echo "The OCR engine could not be installed: receipts will not be read (the forms say so)."
	@$(PY) -c 'import weasyprint' 2>/dev/null || { \
	  echo "PDF documents are rendered by WeasyPrint, which needs the Pango text library of your system."; \
	  echo "  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	  echo "  Fedora: sudo dnf install pango    macOS: brew install pango"; \
	  echo "Then run the same make command again."; exit 1; }
	@[ "$$(uname)" != Linux ] || ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || \
	  echo "Note: HarfBuzz's subset library is missing, so PDFs render about four times slower (Debian/Ubuntu: sudo apt-get install libharfbuzz-subset0)."
	@touch $(STAMP)

install: $(STAMP)

# The load bench and the cluster check need locust and an S3 server (moto): only `make bench` installs them.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints.txt -e '.[test,bench]'
	@touch $(BENCH_STAMP)

migrate: install
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

translations: install
	$(MANAGE) compile_translations

demo: migrate
	$(MANAGE) seed_demo

# The web server and the task worker together; Ctrl-C stops both.
serve:
	@echo ""
	@echo "  Compagnon is starting on http://127.0.0.1:$(PORT)"
	@echo "  Demo logins (password: demo):"
	@$(MANAGE) demo_logins
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	  $(MANAGE) db_worker --interval 1 --no-reload & \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

run: install translations demo
	@$(MAKE) --no-print-directory serve

# Production on this machine (docs/production.md): settings from the environment only, checked
# before anything is touched; then migrations, static files, catalogs, and gunicorn
# (deploy/gunicorn.conf.py, on 127.0.0.1:$(PORT) unless BIND is set) beside the task worker.
# Ctrl-C or TERM stops both gracefully. A server runs the systemd units of deploy/systemd/ instead.
serve-prod: export DJANGO_ENV := production
serve-prod: install
	@$(PY) deploy/serve_prod.py --preflight
	$(MANAGE) check --deploy --database default --fail-level WARNING
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) compile_translations
	PORT=$(PORT) exec $(PY) deploy/serve_prod.py

test: install translations
	@$(MAKE) --no-print-directory test-suite

# The suite alone, on what is installed and compiled (CI runs it on SQLite and PostgreSQL side by side).
test-suite:
	$(MANAGE) check --fail-level WARNING
	$(VENV)/bin/pytest -p no:cacheprovider --durations=15

lint: install
	$(VENV)/bin/ruff check .

# Developer tool: refresh the FR/NL catalogs from the source (needs GNU gettext's xgettext).
messages: install
	$(MANAGE) makemessages -l fr -l nl -l en --no-obsolete --no-location --ignore '.venv/*' --ignore 'bench/*'
	$(MANAGE) makemessages -d djangojs -l fr -l nl -l en --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*' || true

catalog-check: install
	$(MANAGE) check_catalogs

bench: $(BENCH_STAMP) translations
	$(PY) -m bench

# The load bench (production server, 50 then 150 members, integrity checks; about 5 minutes) and the
# cluster check (HAProxy, two web instances, two workers, PgBouncer, Redis, S3 on loopback).
bench-load: $(BENCH_STAMP) translations
	$(PY) -m bench load

cluster-smoke: $(BENCH_STAMP) translations
	bash bench/cluster.sh smoke

cluster-load: $(BENCH_STAMP) translations
	bash bench/cluster.sh load

# After changing a pin in pyproject.toml: re-resolve everything and record it in constraints.txt.
constraints: check-python
	rm -rf var/constraints-venv
	$(PYTHON) -m venv var/constraints-venv
	var/constraints-venv/bin/pip install --quiet '.[test,bench]'
	var/constraints-venv/bin/pip install --quiet --no-deps rapidocr-onnxruntime==1.4.4
	{ sed -n '1,3p' constraints.txt; var/constraints-venv/bin/pip freeze --exclude-editable | grep -v '^compagnon'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf var/constraints-venv

clean:
	rm -rf $(VENV) var db.sqlite3 test-artifacts
