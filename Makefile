# kksync — the two commands that matter: `make demo` and `make test`.
# Every target sets itself up (virtual environment, npm packages, Debian packages), idempotently.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test lint typecheck unit bench soak clean setup tools audit

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.txt Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json
	@npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
	@touch $@

# LibreOffice and poppler render the generated documents in the tests (PDF and PNG previews), with fonts
# metric-compatible with Word's (Liberation Sans = Arial, Carlito = Calibri), so previews wrap as Word does.
TOOLS_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-dejavu-core fonts-liberation2 fonts-liberation fonts-crosextra-carlito
tools:
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null \
	  && test -e /usr/lib/libreoffice/program/libsclo.so \
	  && fc-list | grep -q LiberationSans-Regular && fc-list | grep -q Carlito-Regular || { \
	  echo "Installerer LibreOffice, poppler-utils og skrifterne Liberation og Carlito (første gang tager det et par minutter) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(TOOLS_PACKAGES) >/dev/null; }

lint: $(STAMP)
	$(VENV)/bin/ruff check kksync sp_emulator demo functions function_app.py tests testkit bench scripts
	$(VENV)/bin/mypy kksync functions function_app.py
	$(VENV)/bin/lint-imports --no-cache

unit: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup

# Known vulnerabilities in any installed package fail the build (pip-audit; offline table as fallback).
audit: $(STAMP)
	$(PY) scripts/audit.py

test: $(STAMP) $(NODE_STAMP) tools lint audit unit

demo: $(STAMP) $(NODE_STAMP)
	$(PY) -m demo

bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/run_all.py

# About twelve minutes: 10,000 initiatives on SQLite, then 2,000 on Azurite, with department edits, faults and
# webhook chaos; judged item for item into RELIABILITY.md (exit 1 if a promise fails).
soak: $(STAMP) $(NODE_STAMP)
	$(PY) bench/soak.py

clean:
	rm -rf $(VENV) node_modules .kksync out .pytest_cache .mypy_cache .ruff_cache
