# Targets bootstrap a virtual environment in .venv; only python3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= var/store

.PHONY: install serve test lint format clean screenshot bench

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/kg serve --host $(HOST) --port $(PORT) --store $(STORE)

lint: install
	$(BIN)/ruff check kg api tests benchmarks
	$(BIN)/ruff format --check kg api tests benchmarks
	$(BIN)/mypy kg api

test: lint
	$(BIN)/pytest -q

# The README's picture of the explorer, taken by a browser test (needs /usr/bin/chromium).
screenshot: install
	$(BIN)/pytest -q tests/test_explorer_browser.py -k readme_screenshot
	cp test-artifacts/explorer-readme.png kg/viz/explorer.png

format: install
	$(BIN)/ruff format kg api tests benchmarks
	$(BIN)/ruff check --fix kg api tests benchmarks

# The benchmark suite (benchmarks/README.md): writes benchmarks/results.json and benchmarks/RESULTS.md.
# Needs wrk (Debian package). Example: make bench BENCH_SIZES=1000,10000 BENCH_REPS=1
BENCH_SIZES ?= 1000,10000,100000
BENCH_REPS  ?= 3
BENCH_ARGS  ?=

bench: install
	$(BIN)/python -m benchmarks --sizes $(BENCH_SIZES) --reps $(BENCH_REPS) $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.explorer --reps $(BENCH_REPS) --out benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
