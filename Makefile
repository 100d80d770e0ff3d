# Two commands on a fresh machine: `make run` starts the bot, `make test` runs the tests.
# Both create .venv and install Patchbay into it the first time.

VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run serve shell test lint check bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed  ## the bot in Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN in .env)
	$(VENV)/bin/patchbay run

serve: $(VENV)/.installed  ## the bot in HTTP mode (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET in .env)
	$(VENV)/bin/patchbay serve

shell: $(VENV)/.installed  ## try Patchbay in a terminal: a local Slack, a sample stack, no credentials
	$(VENV)/bin/patchbay shell --demo

test: $(VENV)/.installed  ## the test suite (PostgreSQL too when PATCHBAY_TEST_DATABASE_URL is set)
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: lint test

bench: $(VENV)/.installed  ## benchmarks: a table of figures (not part of `make test` or CI)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
