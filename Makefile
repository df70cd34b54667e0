# chacra: set-up, demo and checks.
#
#   make setup      Debian packages, .venv with chacra and its dev tools, npm assets, translations
#   make demo       setup, then `chacra demo` on http://127.0.0.1:8000 (SIZE=small|full)
#   make test       setup (with Chromium), then ruff, mypy and pytest
#   make lint       ruff check, ruff format --check and mypy
#   make clean      remove .venv and node_modules (the data in var/ stays)
#
# Override SYSTEM_DEPS=true to skip the Debian package check, e.g. on a machine set up by hand.

# GeoDjango's SpatiaLite backend needs a Python whose sqlite3 can load extensions. Debian's
# /usr/bin/python3 can; pyenv and some other builds cannot.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
SYSTEM_DEPS ?= scripts/system-deps.sh
SYSTEM_DEPS_FLAGS ?=
SIZE ?= small
PYTEST_ARGS ?=
CODE_DIRS := $(wildcard src tests benchmarks)
PO_FILES = $(shell find src/chacra -name '*.po' -path '*/locale/*' 2>/dev/null)

# Steps run one after another: system packages before the venv, the venv before the tools in it.
.NOTPARALLEL:
.PHONY: setup system-deps venv install assets compilemessages demo test lint clean constraints

setup: system-deps install compilemessages

system-deps:
	$(SYSTEM_DEPS) $(SYSTEM_DEPS_FLAGS)

venv: $(VENV)/.venv-stamp

$(VENV)/.venv-stamp:
	@$(PYTHON) -c "import sqlite3; sqlite3.connect(':memory:').enable_load_extension" 2>/dev/null || { \
	  echo "$(PYTHON) cannot load SQLite extensions (SpatiaLite needs them)."; \
	  echo "Use Debian's python3, or make PYTHON=/path/to/python3 with loadable sqlite extensions."; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) pip
	touch $@

install: $(VENV)/.install-stamp assets

# Re-run when the project's dependencies or their pins change.
$(VENV)/.install-stamp: $(VENV)/.venv-stamp pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' -c $(CONSTRAINTS)
	touch $@

# Browser libraries (Leaflet, OpenLayers), served by Django from node_modules.
assets: node_modules/.assets-stamp

node_modules/.assets-stamp: package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then \
	  echo "npm ci"; npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "npm install"; npm install --no-audit --no-fund --loglevel=error; \
	fi
	touch $@

# Django's compilemessages walks the current directory for locale/ folders, so it runs inside the
# package: from the repo root it would also recompile Django's own catalogues in .venv.
compilemessages: install
ifneq ($(strip $(PO_FILES)),)
	cd src/chacra && ../../$(BIN)/chacra compilemessages --verbosity 0
endif

demo: setup
	$(BIN)/chacra demo --size $(SIZE)

# Target-specific: `make test` also installs Chromium and fonts for the browser tests.
test: SYSTEM_DEPS_FLAGS += --browser
test: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check $(CODE_DIRS)
	$(BIN)/ruff format --check $(CODE_DIRS)
	$(BIN)/mypy

# Re-pin every Python dependency to what the current .venv has.
constraints: install
	{ echo "# Pinned versions for reproducible installs: make install runs"; \
	  echo "#   pip install -e '.[dev]' -c $(CONSTRAINTS)"; \
	  echo "# Regenerate with 'make constraints' (pip freeze --exclude-editable of .venv, plus pip)."; \
	  $(BIN)/pip freeze --all --exclude-editable | grep '^pip=='; \
	  $(BIN)/pip freeze --exclude-editable; } > $(CONSTRAINTS).tmp
	mv $(CONSTRAINTS).tmp $(CONSTRAINTS)

clean:
	rm -rf $(VENV) node_modules
