# Two commands: `make run` (set up and serve the site on SQLite with the dataset loaded) and
# `make test` (set up and run the whole test suite; PostgreSQL when DATABASE_URL is set).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: install setup run test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key

# The local settings every command of a development checkout reads (config/settings.py): DEBUG on and the
# key above, so `.venv/bin/python manage.py …` runs as the README writes it, without exporting anything.
var/local.env: var/secret_key
	printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$(cat var/secret_key)" > var/local.env

DEV := $(BIN)/python manage.py

# Everything `make run` does before it serves the site.
setup: install var/local.env
	$(DEV) migrate --noinput
	$(DEV) ensure_curator
	$(DEV) import_dataset fixtures --if-empty --user curator --reason "Initial load of the curated dataset"
	$(DEV) snapshot create --edition harns-2013 --title "The 2013 review, as published" --if-missing \
		--user curator --reason "Snapshot of the 2013 edition as loaded"

run: setup
	$(DEV) runserver 127.0.0.1:8000

# Tests run with DEBUG off, as in production (DEBUG=0: var/local.env is not read), with a throwaway key
# unless SECRET_KEY is given; the test server speaks plain HTTP, so the redirect to HTTPS is off.
test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		DEBUG=0 SECURE_SSL_REDIRECT=0 $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
