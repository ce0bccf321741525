# Targets bootstrap a virtual environment in .venv; only python3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= var/store

.PHONY: install serve test test-fast lint format clean screenshot bench faults

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/kg serve --host $(HOST) --port $(PORT) --store $(STORE)

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check kg api tests benchmarks
	$(BIN)/ruff format --check kg api tests benchmarks
	$(BIN)/mypy kg api

# Everything, as CI runs it: lint, then the whole suite (servers, browser and benchmark tests included).
test: lint
	$(BIN)/pytest -q

# The suite without its slow groups (the markers registered in pyproject.toml: Oxigraph server and
# Virtuoso, Chromium, the benchmark smoke test, the slowest of the rest), for quick checks while
# working: most of the tests in about a quarter of the whole suite's CPU time. Run `make test`
# (everything, as CI) before pushing.
FAST_MARKERS := not servers and not browser and not bench and not slow

test-fast: install
	$(BIN)/pytest -q -m "$(FAST_MARKERS)"

# The README's picture of the explorer, taken by a browser test (needs /usr/bin/chromium).
screenshot: install
	$(BIN)/pytest -q tests/test_explorer_browser.py -k readme_screenshot
	cp test-artifacts/explorer-readme.png kg/viz/explorer.png

# docs/deployment.md's table of KG_* settings, written from the comments of api/settings.py
# (tests/test_docs.py fails when the page is out of date).
.PHONY: docs
docs: install
	$(BIN)/python -m api.settings --write docs/deployment.md

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

# Crash safety of the bulk loader (benchmarks/faults.py): FAULT_ROUNDS bulk loads of FAULT_NEW synthetic
# actors over a store of FAULT_OLD, each killed (kill -9) at a random point; after each the store must
# hold exactly the old or the new state, with no staging graph left. A few minutes at the defaults.
FAULT_OLD    ?= 200
FAULT_NEW    ?= 1000
FAULT_ROUNDS ?= 30
FAULT_ARGS   ?=

faults: install
	$(BIN)/python -m benchmarks.faults --old $(FAULT_OLD) --new $(FAULT_NEW) --rounds $(FAULT_ROUNDS) $(FAULT_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
