# Two commands on a fresh machine: `make run` (the bot) and `make test` (the tests).
# Both create the virtual environment in .venv first, from the package registries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

## run: start the bot (a console chat when TELEGRAM_BOT_TOKEN is not set)
run: $(STAMP)
	$(BIN)/summit-bot run

## test: lint, type-check and run every test tier (unit, SQLite + PostgreSQL, end-to-end)
test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

## bench: the benchmark scripts (they print figures; they assert nothing)
bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/dates.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
