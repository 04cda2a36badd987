# Two commands on a fresh machine:  `make demo` (install + real only, random and ActGen compared), `make test`.
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
FMNIST := /usr/share/datasets/fashion-mnist
EXEC   := _build/executed
NBS    := $(shell find nbs -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*')

.PHONY: install data browser demo test check-sync nbtest docs pytest clean

install: $(VENV)/.installed

# torch 2.14.1 / torchvision 0.29.1 are pinned here only because those wheels are on this project's machines;
# the package itself asks for torch>=2.4 (settings.ini).
$(VENV)/.installed: settings.ini setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Fashion-MNIST comes from Debian's package dataset-fashion-mnist (60k/10k images, parsed directly).
data:
	@if [ -d $(FMNIST) ]; then echo "Fashion-MNIST: $(FMNIST)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null; \
	else echo "Fashion-MNIST is missing: run 'sudo apt-get install dataset-fashion-mnist'"; exit 2; fi

# The browser test (tests/test_browser.py) drives Debian's Chromium with Playwright's Python package (voila and playwright
# come with '.[dev]'); Playwright never downloads a browser of its own here. As root, install Chromium when it is missing.
browser:
	@if [ -x /usr/bin/chromium ]; then echo "Chromium: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing, so the browser test will be skipped: run 'sudo apt-get install chromium'"; fi

# real only, random and ActGen on the embedded default: one table, a plot and the look-alikes in runs/demo
demo: install data
	$(BIN)/actgen_demo

# The notebooks are the source: the exported library, the cleaned notebooks and README.md (made from nbs/index.ipynb by
# docs/readme.py) must equal what is committed.
check-sync: install
	$(BIN)/nbdev-export
	@test -z "$$(git status --porcelain -- actgen)" || { git status --porcelain -- actgen; echo "actgen/ differs from the notebooks: run nbdev-export and commit"; exit 1; }
	$(BIN)/nbdev-clean
	@test -z "$$(git status --porcelain -- nbs)" || { git status --porcelain -- nbs; echo "notebooks are not clean: run nbdev-clean and commit"; exit 1; }
	$(BIN)/python docs/readme.py
	@test -z "$$(git status --porcelain -- README.md)" || { git status --porcelain -- README.md; echo "README.md differs from nbs/index.ipynb: run python docs/readme.py and commit"; exit 1; }

# Every notebook as nbdev-test runs it (docs/nbrun.py calls nbdev's test_nb: tst_flags skipped, the notebook's folder as
# working directory, failures fail); the executed copies are kept in $(EXEC) for the documentation site.
nbtest: install data
	$(BIN)/python docs/nbrun.py --n-workers 2 --out $(EXEC)

$(EXEC)/.done: $(NBS)
	$(MAKE) nbtest

# The documentation site in _build/html, rendered from the executed notebooks (run first when missing or older than a notebook).
docs: install $(EXEC)/.done
	$(BIN)/python docs/build_site.py --executed $(EXEC)

pytest: install data browser docs
	$(BIN)/python -m pytest -q tests

test: check-sync nbtest pytest

clean:
	rm -rf $(VENV) *.egg-info
