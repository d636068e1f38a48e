# Kierto: the two commands are `make run` and `make test`; the rest are their steps.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the test suite drives for real (browsers, Ansible targets, printers, decoders).
SYSTEM_PACKAGES := $(shell cat tests/system-packages.txt 2>/dev/null | sed 's/\#.*//')

.PHONY: run test test-journey install install-test system-deps lint pytest pytest-sqlite pytest-postgres schemathesis schemathesis-sqlite schemathesis-postgres clean messages migration screenshots

run: install
	$(BIN)/kierto migrate
	$(BIN)/kierto demo-data --if-empty
	$(BIN)/kierto serve --host $(HOST) --port $(PORT)

test: system-deps install-test lint pytest

$(BIN)/python:
	@if ! $(PYTHON) -m venv $(VENV) 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing: run 'sudo apt-get install python3-venv' and try again."; exit 1; fi; \
	fi
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages for the tests: $$missing"; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	  elif [ "$${CI:-}" = true ]; then \
	    echo "Missing Debian packages (run as root to install them): $$missing"; exit 1; \
	  else \
	    echo "Note: missing Debian packages, the tests that need them will say so: $$missing"; \
	  fi; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pylint inventory labels provisioning playbooks/collections/ansible_collections/kierto/bench/plugins
	cd playbooks && ../$(BIN)/ansible-lint --profile production --offline .

pytest: pytest-sqlite pytest-postgres schemathesis

# Two workers on the two cores; tests sharing loop devices, the chroot or CUPS stay on one (tests/conftest.py).
# Schemathesis gives all its cases one node id, which xdist cannot tell apart: that file runs in one process.
PYTEST_PARALLEL ?= -n 2
SCHEMATHESIS := tests/inventory/test_schemathesis.py

pytest-sqlite: install-test
	$(BIN)/pytest $(PYTEST_PARALLEL) --ignore=$(SCHEMATHESIS)

# The virtual laptop's whole journey on its own (`make test` runs it too): by UEFI from the bench stick onto NVMe and
# by BIOS over the bench network onto virtio, each from power-on to the first boot from its own disk. Measured on
# 2 cores under TCG with the rest of the SQLite pass beside them: UEFI 534 s, BIOS 409 s.
test-journey: system-deps install-test
	$(BIN)/pytest tests/provisioning/test_laptop_journey.py

# The database tests again, against the local PostgreSQL server.
pytest-postgres: install-test
	KIERTO_TEST_DATABASE=postgresql $(BIN)/pytest $(PYTEST_PARALLEL) -m db --ignore=$(SCHEMATHESIS)

# Schemathesis against each database, the two side by side (each is one process, one core; each its own
# test database), each one's output printed whole when it ends.
schemathesis: install-test
	$(MAKE) --no-print-directory -j2 --output-sync=target schemathesis-sqlite schemathesis-postgres

schemathesis-sqlite: install-test
	$(BIN)/pytest $(SCHEMATHESIS)

schemathesis-postgres: install-test
	KIERTO_TEST_DATABASE=postgresql $(BIN)/pytest -m db $(SCHEMATHESIS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Retake the README's screenshots (docs/screenshots/) from the demo data, in the browser.
screenshots: system-deps install-test
	KIERTO_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -p no:randomly tests/ui/test_navigation.py

# Extract translatable strings and merge them into the fi/sv/en catalogs (then translate the new ones).
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 --no-wrap --sort-by-file --project=Kierto -o inventory/locale/messages.pot .
	for lang in fi sv en; do \
	  if [ -f inventory/locale/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-wrap --no-fuzzy-matching -i inventory/locale/messages.pot -d inventory/locale -l $$lang; \
	  else $(BIN)/pybabel init --no-wrap -i inventory/locale/messages.pot -d inventory/locale -l $$lang; fi; \
	done

# Generate a migration for table changes against a scratch PostgreSQL database (auto migrations are
# unreliable on SQLite): make migration DESC="what changed" [SCRATCH_DB=kierto_dev_<you>]
SCRATCH_DB ?= kierto_dev
migration: install-test
	psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS "$(SCRATCH_DB)"' -c 'CREATE DATABASE "$(SCRATCH_DB)"'
	KIERTO_DATABASE_URL=postgresql://postgres@127.0.0.1/$(SCRATCH_DB) PICCOLO_CONF=inventory.piccolo_conf $(BIN)/piccolo migrations forwards inventory
	KIERTO_DATABASE_URL=postgresql://postgres@127.0.0.1/$(SCRATCH_DB) PICCOLO_CONF=inventory.piccolo_conf $(BIN)/piccolo migrations new inventory --auto --desc="$(DESC)"
