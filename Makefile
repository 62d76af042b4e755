# The two commands of the README. Each sets up .venv from scratch when needed, so a fresh
# clone with only Python 3.11+ works.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
# make site's own environment: JupyterLite's kernel would add a lab extension to JupyterLab's.
LITE_VENV := build/lite-venv
# make book's own environment: Sphinx pins a docutils of its own.
BOOK_VENV := build/book-venv

.PHONY: lab test check lint bench notebooks clean browser book site npm assignments

# JupyterLab refuses to run as root unless told; containers and hubs often run as root.
lab: $(VENV)/.lab-installed $(LAB_SETTINGS)/overrides.json
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: $(VENV)/.test-installed browser site
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

bench: $(VENV)/.bench-installed
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# The fast edit-test loop: lint, the type check and the unit tests, without the browser, the
# notebooks and the tests that build and install (Binder, the wheel, the nbgrader course). mypy
# reads its settings (the package, the libraries without types) from pyproject.toml.
check: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q tests --ignore=tests/browser --ignore=tests/test_binder.py \
		--ignore=tests/test_distribution.py --ignore=tests/test_assignments.py

# Re-run every notebook and store it executed (after changing the package or a notebook).
notebooks: $(VENV)/.test-installed
	$(BIN)/python tools/store_notebooks.py

# The course as a website in build/site: every chapter a page as stored, never re-run
# (tools/book.py: Sphinx, myst-nb and sphinx-book-theme, Jupyter Book 1's engine).
book: $(BOOK_VENV)/.installed
	$(BOOK_VENV)/bin/python tools/book.py

# The website with the JupyterLite site under it, at build/site/lite (tools/lite_site.py): one
# static folder is the whole course. Downloads stay in build/lite-cache: a rebuild takes seconds.
site: book $(LITE_VENV)/.installed npm
	$(LITE_VENV)/bin/python tools/lite_site.py

# A teacher's nbgrader course from the exercise chapters (tools/assignments.py): the source
# notebooks with solutions and autograder tests, and the student release without solutions,
# in build/assignments. See docs/teaching.md.
assignments: $(VENV)/.test-installed
	$(BIN)/python tools/assignments.py build/assignments

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every route installs the versions constraints.txt pins (tools/pin_versions.py writes it).
# Checkouts before gatekit-edu installed the package under the name gatekit: that goes first.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt

$(VENV)/.lab-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip uninstall --quiet --yes gatekit 2>/dev/null || true
	$(PIP_INSTALL) -e ".[lab]"
	touch $@

# JupyterLab's settings for the course: no "news" pop-up greeting a new user (the site too).
$(LAB_SETTINGS)/overrides.json: tools/jupyterlab-overrides.json | $(VENV)/.lab-installed
	mkdir -p $(@D)
	cp $< $@

$(LITE_VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet -c constraints.txt -e ".[lite]"
	touch $@

# Not under constraints.txt: Sphinx needs an older docutils than the pinned one; the book extra
# pins its own three tools exactly instead.
$(BOOK_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BOOK_VENV)
	$(BOOK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BOOK_VENV)/bin/python -m pip install --quiet -e ".[book]"
	touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip uninstall --quiet --yes gatekit 2>/dev/null || true
	$(PIP_INSTALL) -e ".[test,browser,teach]"
	touch $@

# The browser tests drive Debian's Chromium; install it when missing and we are allowed to.
# Where that is impossible the browser tests fail and say what to install.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# make site takes Pyodide from the npm registry: install Debian's npm when missing and allowed.
npm:
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; \
	fi

$(VENV)/.bench-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e ".[bench,test]"
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .mypy_cache build/site build/lite \
		build/lite-cache $(LITE_VENV) build/assignments build/book-src build/book-doctrees $(BOOK_VENV)
