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

UPDATE_2026 := The registry brought up to date in 2026, each fact cited to the public page that states it

# Everything `make run` does before it serves the site: the 2013 dataset, published with its snapshot; then
# the 2026 update (fixtures/updates/2026) proposed by the curator and approved by the editor, once, which
# leaves the 2026 edition in draft.
setup: install var/local.env
	$(DEV) migrate --noinput
	$(DEV) ensure_curator
	$(DEV) ensure_curator --username editor
	$(DEV) import_dataset fixtures --if-empty --user curator --reason "Initial load of the curated dataset"
	$(DEV) snapshot create --edition harns-2013 --title "The 2013 review, as published" --if-missing \
		--user curator --reason "Snapshot of the 2013 edition as loaded"
	$(DEV) import_dataset fixtures/updates/2026 --if-new-edition --propose --user curator \
		--reason "$(UPDATE_2026)" > var/update-2026.log; status=$$?; cat var/update-2026.log; test $$status = 0
	proposal=$$(sed -n 's/^Proposed for review as change set \([0-9]*\).*/\1/p' var/update-2026.log); \
		test -z "$$proposal" || $(DEV) proposals approve $$proposal --user editor \
		--comment "Read against the cited pages: approved as the current data"

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
