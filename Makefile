# The two commands of the quick start: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app conference

.PHONY: run test lint format translations-extract translations-compile clean

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Install, migrate, load the demo into an empty database, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	CONFERENCE_DEMO=1 $(FLASK) db upgrade
	CONFERENCE_DEMO=1 $(FLASK) demo-if-empty
	CONFERENCE_DEMO=1 BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) run --host $(HOST) --port $(PORT)

## Install the test dependencies and run the whole suite (browser tests run where Chromium is installed)
test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

translations-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext -k lazy_gettext -o translations/messages.pot .

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
