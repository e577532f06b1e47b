# artproof: two commands on a fresh machine with Python 3.11: `make run`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test stress lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## set up .venv and run the demo (identity, generation, variations, choice, crop, replay)
	$(BIN)/artproof demo --out demo

test: $(STAMP)  ## set up .venv and run the whole suite (starts a private PostgreSQL, stops it after)
	@scripts/system-deps.sh
	@url=$$(scripts/pg-test.sh start) || url=""; \
	ARTPROOF_TEST_POSTGRES_URL="$$url" $(BIN)/python -m pytest -n 2 -q; status=$$?; \
	scripts/pg-test.sh stop; exit $$status

stress: $(STAMP)  ## long crash-safety runs of the ledger (SIGKILL during appends) on SQLite and PostgreSQL
	@url=$$(scripts/pg-test.sh start) || url=""; \
	ARTPROOF_TEST_POSTGRES_URL="$$url" $(BIN)/python -m pytest -q -s -m stress; status=$$?; \
	scripts/pg-test.sh stop; exit $$status

lint: $(STAMP)  ## ruff and mypy (strict)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)  ## measurements recorded in benchmarks/RESULTS.md (the ledger run takes ~10 minutes)
	$(BIN)/python benchmarks/cppn_speed.py --write
	$(BIN)/python benchmarks/credentials.py --write
	@url=$$(scripts/pg-test.sh start) || url=""; \
	$(BIN)/python benchmarks/ledger.py --write $${url:+--postgres "$$url"}; status=$$?; \
	scripts/pg-test.sh stop; exit $$status

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
