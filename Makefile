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

.PHONY: run test lint format migrations-check install lock lock-check clean bench-faces bench-load bench bench-release \
	bench-backup doctor messages messages-check

# The translation catalogues (locale/<language>/LC_MESSAGES/django.po) compiled with polib, so that neither
# `make run` nor a server needs GNU gettext; only `make messages` and `make messages-check` do (makemessages).
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)
MAKEMESSAGES = manage.py makemessages -l es -l ar -l bn --ignore=.venv --ignore=node_modules --ignore=bench \
	--ignore=tests --add-location=file

# `make run PORT=8001` serves on another port; `make run FRESH=1` rebuilds the demo dated today.
PORT ?= 8000
run: export DEBUG = 1
run: $(STAMP) $(COMPILED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo $(if $(FRESH),--fresh)
	@echo "MIMAC is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) $(NODE_STAMP) $(COMPILED)
	$(PY) -m pytest --cov --cov-report=term:skip-covered

# import-linter holds the layers of DESIGN.md (pyproject.toml); --no-cache keeps its cache out of the tree.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# `manage.py check --deploy` and MIMAC's own checks (mimac/checks.py), after every install and upgrade. On a server
# set up from deploy/ it runs as the services do, with their environment file; elsewhere with this shell's. It needs
# no $(STAMP): a server's .venv holds requirements.txt alone, and make must not set it up again for the tools.
MIMAC_ENV ?= /etc/mimac/mimac.env
doctor:
	@if [ -r "$(MIMAC_ENV)" ]; then MIMAC_DIR="$(CURDIR)" MIMAC_ENV="$(MIMAC_ENV)" deploy/mimac-manage doctor; \
	else $(PY) manage.py doctor; fi

install: $(STAMP) $(NODE_STAMP) $(COMPILED)

$(COMPILED) &: $(CATALOGUES) $(STAMP)
	$(PY) locale/catalogues.py compile

# Every string of the code into the catalogues (new ones untranslated), then compiled: after changing strings,
# and after editing a translation.
messages: $(STAMP)
	$(PY) $(MAKEMESSAGES)
	$(PY) locale/catalogues.py compile

# Fails when a string of the code is missing or fuzzy in a catalogue, or a translation drops or changes a
# placeholder. makemessages runs on a copy of the tree, which stays as it is.
messages-check: $(STAMP)
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	tar -c --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./staticfiles --exclude=./photos \
	  --exclude=./backups --exclude=./.ci --exclude='*.mo' . | tar -x -C "$$scratch" && \
	(cd "$$scratch" && $(abspath $(PY)) $(MAKEMESSAGES) >/dev/null) && \
	$(PY) locale/catalogues.py check "$$scratch/locale"

$(STAMP): requirements.txt requirements-dev.txt
	@python=$$($(FIND_PYTHON)) || { \
	  echo "MIMAC needs Python 3.12 or newer, and none was found on PATH or in pyenv." >&2; \
	  echo "Install one (python.org, your system's packages or pyenv), then run make again." >&2; \
	  exit 1; }; \
	echo "Setting up $(VENV) with $$python"; \
	"$$python" -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# The locks are compiled against PyPI alone, whatever this machine's pip configuration adds: a mirror's own
# files would add hashes that no other machine sees. Pins already in a lock are kept (`make lock UPGRADE=name`
# moves one), so compiling again gives the same files until an .in file changes.
PIP_COMPILE = env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(abspath $(VENV))/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(addprefix --upgrade-package ,$(UPGRADE))
# The runtime lock first: requirements-dev.in keeps its pins (-c requirements.txt).
COMPILE_LOCKS = $(PIP_COMPILE) --output-file requirements.txt requirements.in && \
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# requirements*.in name the direct dependencies; the .txt locks beside them pin every package with its hashes.
lock: $(STAMP)
	$(COMPILE_LOCKS)

# Fails when an .in file and its lock disagree: compiles copies of the four files in a scratch folder and compares.
# Needs PyPI, as make install does. The header's Python version is left out: the locks resolve the same on 3.12+.
lock-check: $(STAMP)
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	cp requirements.in requirements.txt requirements-dev.in requirements-dev.txt "$$scratch" && \
	(cd "$$scratch" && $(COMPILE_LOCKS)) && \
	for lock in requirements.txt requirements-dev.txt; do \
	  diff -u -I '^# This file is autogenerated by pip-compile with Python' "$$lock" "$$scratch/$$lock" || { \
	    echo "$$lock does not match its .in file: run make lock and commit both." >&2; exit 1; }; \
	done && echo "The locks match requirements.in and requirements-dev.in."

# Without npm nothing is installed and the journeys skip the HTML check, saying so. The package's own install
# script would download a Java runtime when none is found: the checker runs on the system's Java instead.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	fi

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .coverage $(COMPILED)

PHOTOS ?= ../shared/photos-dev
bench-faces: $(STAMP)
	$(PY) bench/faces.py $(PHOTOS)

# Needs the PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mimac_bench).
bench-load: $(STAMP)
	$(PY) bench/load.py

# Needs the PostgreSQL server; builds the seed_scale database first if it is missing. Pages, then the planner.
bench: $(STAMP)
	$(PY) bench/pages.py
	$(PY) bench/planning.py

# The backup's peak memory on a generated photo set (PHOTOS_GB=5 by default; needs twice that free on disk).
PHOTOS_GB ?= 5
bench-backup: $(STAMP)
	$(PY) bench/backup_memory.py --gigabytes $(PHOTOS_GB)

# Needs the PostgreSQL server; the first run fills a database with the first release's seed_scale (slow, once).
bench-release: $(STAMP)
	$(PY) bench/against_release.py
