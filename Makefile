# Khorasan Monitor. `make demo` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := demo.db

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The image's old pip installs trafilatura without lxml_html_clean: upgrade pip first.
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,export,postgres,pandas]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/khorasan ingest examples --db $(DEMO_DB) --quiet
	$(BIN)/khorasan docs --db $(DEMO_DB)
	$(BIN)/khorasan incidents --db $(DEMO_DB)
	$(BIN)/khorasan events --db $(DEMO_DB) --limit 10
	$(BIN)/khorasan stats --db $(DEMO_DB) --json | $(BIN)/python -c \
	  "import json, sys; print(json.load(sys.stdin)['sentence'])"
	@echo
	@echo "The khorasan command is installed in $(VENV): run it as $(BIN)/khorasan --db $(DEMO_DB) events,"
	@echo "or 'source $(BIN)/activate' once and then 'khorasan --help'. In Python: import khorasan."

test: install
	$(BIN)/ruff check khorasan tests
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check khorasan tests
	$(BIN)/ruff format --check khorasan tests
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	$(BIN)/python -m khorasan.bench

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .ruff_cache
