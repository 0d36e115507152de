# The two commands of the quick start: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app conference

.PHONY: run test lint format translations translations-extract translations-compile translations-check clean

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Install, migrate, load the demo into an empty database, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed translations-compile
	CONFERENCE_DEMO=1 $(FLASK) db upgrade
	CONFERENCE_DEMO=1 $(FLASK) demo-if-empty
	CONFERENCE_DEMO=1 BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) run --host $(HOST) --port $(PORT)

## Install the test dependencies and run the whole suite (browser tests run where Chromium is installed)
test: $(VENV)/.installed translations-compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The catalogues (conference/catalogues.py holds the keywords, babel.cfg the files; see docs/languages.md).
## Extract the messages and merge them into every catalogue (new ones empty, changed ones fuzzy)
translations: $(VENV)/.installed
	$(BIN)/python -m conference.catalogues update

translations-extract: $(VENV)/.installed
	$(BIN)/python -m conference.catalogues extract

## Compile the catalogues (.mo files are built here, never committed)
translations-compile: $(VENV)/.installed
	$(BIN)/python -m conference.catalogues compile

## Fail when any catalogue misses, leaves empty or fuzzy a message
translations-check: $(VENV)/.installed
	$(BIN)/python -m conference.catalogues check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
