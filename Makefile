# Two commands for everything: `make book` (build the HTML) and `make test` (the whole suite).
# Both create .venv from requirements.txt when it is missing or when that file changed.

# The interpreter .venv is made from: `make book PYTHON=python3.13`. Given explicitly, it is
# honoured when .venv already exists: a .venv of another interpreter is made anew.
PYTHON ?= python3
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?= $(sort $(wildcard chapters/*.ipynb))
JB_BUILD := $(BIN)/jupyter-book build . -W -n --keep-going
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

# Hash randomisation could reorder printed sets; one seed keeps outputs byte-stable.
export PYTHONHASHSEED := 0
# The test runs fill both cores with their own workers; BLAS threads on top only compete for
# them (about 4 % of the pytest run's CPU time). Outputs do not depend on it: nbval passes
# either way.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
HTML_WORKERS ?= 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book pdf test lint format unit nbval checks html-check built-html-check screenshots \
	execute serve lab bench clean remake-venv mutants mutants-ci

_PY_ID = import sys; print(sys.base_prefix, sys.version)
ifneq ($(filter command line environment,$(origin PYTHON)),)
ifneq ($(shell $(PYTHON) -c '$(_PY_ID)' 2>&1),$(shell $(BIN)/python -c '$(_PY_ID)' 2>&1))
$(STAMP): remake-venv
endif
endif

remake-venv:
	@echo "PYTHON=$(PYTHON) is not the interpreter of $(VENV): making $(VENV) anew"
	rm -rf $(VENV)

# MathJax and jsdom for typesetting the math at build time (_ext/book_math.py), exactly as
# package-lock.json pins them; npm ci rewrites node_modules/.package-lock.json, the stamp.
# The unit tests run the typesetting script on small pages too (tests/test_ext.py).
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP) $(NODE_STAMP)
	$(JB_BUILD)
	@echo "The book is at $(CURDIR)/_build/html/index.html (make serve to read it on 127.0.0.1:$(PORT))"

# The whole book as one PDF, printed from the built HTML by the system Chromium
# (tools/make_pdf.py; CHROMIUM=/path overrides), into the site: _build/html/convcorr.pdf,
# which every page's download menu links to. About 30 s on two cores.
MAKE_PDF := $(BIN)/python tools/make_pdf.py

pdf: book
	$(MAKE_PDF)

lint: $(STAMP)
	$(BIN)/ruff check code tests benchmarks chapters _ext tools
	$(BIN)/ruff format --check code tests benchmarks chapters _ext tools

# Rewrites the files in place with the formatter `make lint` checks.
format: $(STAMP)
	$(BIN)/ruff format code tests benchmarks chapters _ext tools

# Unit, property and fuzz tests of the package and the notebook structure (no browser, no nbval).
unit: $(STAMP) $(NODE_STAMP)
	$(TEST_ENV) $(BIN)/pytest -m "not browser" -n 2 tests

# Every chapter under strict nbval, two workers, one notebook each.
nbval: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest -n 2 --dist loadscope chapters $(NBVAL)

# Both of the above in one pytest run, so the two workers stay busy (what `make test` runs).
checks: $(STAMP) $(NODE_STAMP)
	$(TEST_ENV) $(BIN)/pytest -m "not browser" -n 2 --dist loadscope tests chapters $(NBVAL)

# Two browsers, one per core: the pages are independent. No nbval plugin: it has nothing
# to do here, and importing it (nbformat, jsonschema) costs a second in every process.
html-check: $(STAMP)
	$(BIN)/pytest -p no:nbval -m browser -n $(HTML_WORKERS) tests

# The browser checks need the built book, not the test run's results; the PDF is printed
# from that build before them, so tests/test_pdf.py checks the PDF that gets published.
built-html-check: $(STAMP) $(NODE_STAMP)
	$(JB_BUILD)
	$(MAKE_PDF)
	$(MAKE) --no-print-directory html-check

# Full-page screenshots of every page, desktop and phone, light and dark, into
# _build/screenshots/ for a person to look at (the browser checks, plus pictures).
screenshots: $(STAMP)
	BOOK_SCREENSHOTS=1 $(MAKE) --no-print-directory built-html-check

# The pytest run and the build plus browser checks are independent: side by side they keep
# both cores busy to the end (one after the other, each left a core idle in its tail).
# Beside the pytest run's two workers, one browser in the pytest process does the most work
# per second. Output is printed per part, when the part ends; any part failing fails the
# whole.
test:
	$(MAKE) --no-print-directory -j3 --output-sync=target lint checks built-html-check \
	  HTML_WORKERS=0

# The mutation harness in full: every mutant on every chapter that names what it touches
# (the slow SymPy and training chapters only while no faster one has caught it), two
# kernels at a time; writes the report and the map of which chapters catch which mutant
# (commit the map when chapters change what they check). 25-40 min.
MUTANT_MAP := tools/mutant_map.json
mutants: $(STAMP)
	mkdir -p _build
	$(TEST_ENV) $(BIN)/python tools/mutate_book.py --jobs 2 --lazy 02,03,04,12 \
	  --report _build/mutants.md --write-map $(MUTANT_MAP)

# CI's cut of it: each mutant on the chapters the map says catch it (fastest first, until
# one does), then those chapters un-mutated; fails if a mutant survives or one fails.
mutants-ci: $(STAMP)
	$(TEST_ENV) $(BIN)/python tools/mutate_book.py --ci $(MUTANT_MAP) --jobs 2

# Re-run chapters top to bottom from a fresh kernel, in place (NB=chapters/xx.ipynb for one).
execute: $(STAMP)
	@for nb in $(NB); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 \
	    --ExecutePreprocessor.timeout=600 \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done

serve:
	@test -f _build/html/index.html || { echo "no _build/html yet: run make book"; exit 1; }
	$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

# Jupyter refuses to start as root (containers, CI machines) unless told to.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# No browser to open on a machine without a display: the log prints the URL with its token.
LAB_BROWSER := $(if $(DISPLAY)$(filter Darwin,$(shell uname -s)),,--no-browser)

lab: $(STAMP)
	@echo "make lab opens the committed notebooks in chapters/: saving one changes the repository"
	@echo "(git checkout chapters/ restores them; make execute regenerates their outputs)."
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --notebook-dir=chapters $(LAB_ROOT) $(LAB_BROWSER)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_convolution.py
	$(BIN)/python benchmarks/bench_cnn.py

clean:
	rm -rf _build
