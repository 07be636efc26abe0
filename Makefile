# sqmreport: `make reports` builds the demo reports, `make test` runs the tests.
# Both create the virtual environment in .venv when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= data/demo/study.yml data/demo/study-en.yml

.PHONY: reports test test-browser lab demo-data reference bench clean help

help:
	@echo "make reports [STUDY=path/to/study.yml]  build reports (default: the demo, zh and en)"
	@echo "make test                               run the test suite (the browser check too, if Chromium is installed)"
	@echo "make test-browser                       install Chromium (Debian) and run the browser check"
	@echo "make lab                                open the notebooks in JupyterLab"
	@echo "make demo-data                          regenerate data/demo from its script"
	@echo "make reference                          regenerate tests/reference/*.csv with R (psych, lavaan)"
	@echo "make bench                              measure the speed and size targets side by side"
	@echo "make clean                              remove built reports and caches"

# The environment is rebuilt when the dependencies change.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(BIN)/.installed-lab: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,lab]"
	touch $@

# One stamp per study; its generated .d file makes the study's own input files (study
# file, data, logo) prerequisites, so an unchanged batch starts no process at all.
# sqmreport itself also skips a report whose inputs, notebook and library are unchanged.
MAKEDIR   := reports/.make
LIBRARY   := $(shell find sqmreport -type f \( -name '*.py' -o -name '*.yml' -o -name '*.j2' -o -name '*.css' -o -name '*.json' \) 2>/dev/null)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
STAMPS    := $(foreach s,$(STUDY),$(MAKEDIR)/$(subst /,~,$(s)).stamp)
# Under make -jN, make runs studies side by side, each executing its notebooks in turn;
# a plain `make reports` lets each study execute its notebooks at once.
JOBS      := $(if $(findstring -j,$(MAKEFLAGS)),--jobs 1,)

reports: $(STAMPS)

-include $(wildcard $(MAKEDIR)/*.d)

$(MAKEDIR)/%.stamp: $(BIN)/.installed $(LIBRARY) $(NOTEBOOKS)
	@mkdir -p $(MAKEDIR)
	$(BIN)/sqmreport build $(JOBS) --deps $(@:.stamp=.d) $(subst ~,/,$*)
	@touch $@

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Chromium comes from Debian (apt-get, as root); Playwright from PyPI drives it.
test-browser: $(BIN)/.installed
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(BIN)/python -m pytest tests/test_browser.py -v

lab: $(BIN)/.installed-lab
	cd notebooks && ../$(BIN)/jupyter lab

demo-data: $(BIN)/.installed
	$(BIN)/python data/demo/generate.py

# R is needed only here; the tests compare with the committed CSVs. On Debian:
#   apt-get install r-base-core r-cran-psych r-cran-gparotation r-cran-lavaan r-cran-semtools
reference:
	@command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-base-core r-cran-psych r-cran-gparotation r-cran-lavaan r-cran-semtools"; exit 2; }
	Rscript tests/reference/reference.R

clean:
	rm -rf reports/*/ .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py
