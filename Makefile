# The two commands of the README. Each sets up .venv from scratch when needed, so a fresh
# clone with only Python 3.11+ works.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: lab test check lint bench notebooks clean browser

# JupyterLab refuses to run as root unless told; containers and hubs often run as root.
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: $(VENV)/.test-installed browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

bench: $(VENV)/.bench-installed
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# The fast edit-test loop: lint and the unit tests, without the browser, Binder and notebooks.
check: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q tests --ignore=tests/browser --ignore=tests/test_binder.py

# Re-run every notebook and store it executed (after changing the package or a notebook).
notebooks: $(VENV)/.test-installed
	$(BIN)/python tools/store_notebooks.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,browser]"
	touch $@

# The browser tests drive Debian's Chromium; install it when missing and we are allowed to.
# Where that is impossible the browser tests fail and say what to install.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[bench,test]"
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
