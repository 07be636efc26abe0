# sqmreport: `make reports` builds the demo reports, `make test` runs the tests.
# Every target creates the virtual environment in .venv when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= data/demo/study.yml data/demo/study-en.yml

.PHONY: reports deliverables pictures test test-fast lint test-browser lab demo-data examples reference bench clean help

help:
	@echo "make reports [STUDY=path/to/study.yml]  build reports (default: the demo, zh and en)"
	@echo "make deliverables [STUDY=...]           the same, with every deliverable: the workbook, the A4 PDF and the deck"
	@echo "make pictures                          the README's pictures of each deliverable (docs/pictures/; installs Chromium, LibreOffice, a CJK font)"
	@echo "make test                               run the whole test suite (the browser check too, if Chromium is installed)"
	@echo "make test-fast                          only the unit tests (not the end-to-end ones marked e2e): under a minute"
	@echo "make lint                               ruff, and the layers contract (lint-imports)"
	@echo "make test-browser                       install Chromium (Debian) and run the browser check"
	@echo "make lab                                open the notebooks in JupyterLab"
	@echo "make demo-data                          regenerate data/demo from its script"
	@echo "make examples                           write the example studies' data (examples/) and build them into reports/"
	@echo "make reference                          regenerate tests/reference/*.csv with R (psych, lavaan)"
	@echo "make bench [TARGETS=\"1 3\"]              measure the speed and size targets side by side"
	@echo "make clean                              remove built reports and caches"

# The environment is rebuilt when the dependencies change.  The test extra brings pytest,
# Playwright, ruff, import-linter and the setuptools that builds the wheel in the packaging test.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(BIN)/.installed-lab: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,lab]"
	touch $@

# One sqmreport process builds every study, so that the libraries are imported once for
# the whole batch.  It rebuilds only the reports whose inputs, notebook or library changed
# (it compares their SHA-256 with the build's stamp), and runs as many steps at once as
# make's -j says: -j1 one at a time, -jN N; without -j, sqmreport's default (one per
# core, and at least a study's reports).
JOBS = $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS)))

reports: $(BIN)/.installed
	$(BIN)/sqmreport build $(if $(JOBS),--jobs $(JOBS) )$(STUDY)

# Every deliverable (workbook.xlsx, report.pdf, deck.pptx) besides those the study file asks for.
deliverables: $(BIN)/.installed
	$(BIN)/sqmreport build --deliverables all $(if $(JOBS),--jobs $(JOBS) )$(STUDY)

# The README's pictures (docs/pictures/, not committed): the overview and a phone-width page
# in Chromium, the PDF's pages, the workbook and the deck through LibreOffice's PDF export.
# Those three come from Debian (apt-get, as root), with a CJK font for LibreOffice.
pictures: $(BIN)/.installed
	@command -v chromium >/dev/null && command -v soffice >/dev/null && fc-list | grep -q "Noto Sans CJK" || { \
	  echo "installing Debian's chromium, libreoffice (calc, impress) and fonts-noto-cjk (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium libreoffice-calc libreoffice-impress fonts-noto-cjk; }
	$(BIN)/python docs/pictures.py

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Unit tests only: the end-to-end ones (builds, notebooks, kernels, the wheel, Chromium) are
# marked e2e in tests/conftest.py.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not e2e"

lint: $(BIN)/.installed
	$(BIN)/ruff check sqmreport tests bench data/demo docs examples
	$(BIN)/lint-imports --no-cache

# Chromium comes from Debian (apt-get, as root); Playwright from PyPI drives it.
test-browser: $(BIN)/.installed
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(BIN)/python -m pytest tests/test_browser.py -v

# The kernels start in sqmreport/notebooks, where the notebooks' default `study`
# (../../data/demo/study.yml) is the demo.  JupyterLab refuses to run as root without
# --allow-root (in a container, say); it is passed only then.
lab: $(BIN)/.installed-lab
	cd sqmreport/notebooks && ../../$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

demo-data: $(BIN)/.installed
	$(BIN)/python data/demo/generate.py

# The example gallery: each study's data files are generated (never committed), then the
# studies are built as a client's files would be, into reports/<study>/.
examples: $(BIN)/.installed
	$(BIN)/python examples/generate.py
	$(BIN)/sqmreport build $(if $(JOBS),--jobs $(JOBS) )$(sort $(wildcard examples/*/study.yml))

# R is needed only here; the tests compare with the committed CSVs. On Debian:
#   apt-get install r-base-core r-cran-psych r-cran-gparotation r-cran-lavaan r-cran-semtools
reference:
	@command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-base-core r-cran-psych r-cran-gparotation r-cran-lavaan r-cran-semtools"; exit 2; }
	Rscript tests/reference/reference.R

clean:
	rm -rf reports/*/ .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(TARGETS)
