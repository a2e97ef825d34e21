# `make run` and `make test` are all a newcomer needs; both set up .venv first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# The Nu HTML checker the browser journeys run, from npm; it is stamped apart so a new lockfile keeps .venv.
NODE_STAMP := node_modules/.installed

# The first interpreter that is Python 3.12 or newer: on PATH, then in pyenv's versions.
FIND_PYTHON = for candidate in python3.14 python3.13 python3.12 python3 \
	  $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v "$$candidate"; exit 0; fi; \
	done; exit 1

.PHONY: run test lint format migrations-check install clean bench-faces bench-load bench

# `make run PORT=8001` serves on another port; `make run FRESH=1` rebuilds the demo dated today.
PORT ?= 8000
run: export DEBUG = 1
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo $(if $(FRESH),--fresh)
	@echo "MIMAC is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest --cov --cov-report=term:skip-covered

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

install: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@python=$$($(FIND_PYTHON)) || { \
	  echo "MIMAC needs Python 3.12 or newer, and none was found on PATH or in pyenv." >&2; \
	  echo "Install one (python.org, your system's packages or pyenv), then run make again." >&2; \
	  exit 1; }; \
	echo "Setting up $(VENV) with $$python"; \
	"$$python" -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Without npm nothing is installed and the journeys skip the HTML check, saying so. The package's own install
# script would download a Java runtime when none is found: the checker runs on the system's Java instead.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	fi

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .coverage

PHOTOS ?= ../shared/photos-dev
bench-faces: $(STAMP)
	$(PY) bench/faces.py $(PHOTOS)

# Needs the PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mimac_bench).
bench-load: $(STAMP)
	$(PY) bench/load.py

# Needs the PostgreSQL server; builds the seed_scale database first if it is missing.
bench: $(STAMP)
	$(PY) bench/pages.py
