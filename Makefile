# Khorasan Monitor. `make demo` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := demo.db

.PHONY: install browser postgres postgres-url postgres-stop demo test lint bench boundaries clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The image's old pip installs trafilatura without lxml_html_clean: upgrade pip first.
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,export,postgres,pandas,spark]'
	touch $(STAMP)

install: $(STAMP)

# The dashboard's browser tests drive the system's Chromium with Playwright (never a downloaded
# browser): Debian's package, installed when missing (CI runs as root).
browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

# A PostgreSQL server for development and tests on 127.0.0.1:$(PG_PORT), run as a non-root user
# with its data in .pgdata (Debian's packages, installed when missing): scripts/postgres.sh.
PG_PORT ?= 54329
export PG_PORT

postgres:
	@scripts/postgres.sh start

# A fresh empty database on that server: prints its URL
postgres-url: postgres
	@scripts/postgres.sh url

postgres-stop:
	scripts/postgres.sh stop

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
	@echo
	@echo "Open the dashboard on the demo data: run the command below, then http://127.0.0.1:8000/"
	@echo "    $(BIN)/khorasan serve --db $(DEMO_DB)"

# The store, fusion, review and API tests run against SQLite and against PostgreSQL (each test
# gets its own database on the server `make postgres` runs).
test: install browser postgres
	$(BIN)/ruff check khorasan tests
	$(BIN)/lint-imports
	$(BIN)/mypy
	url="$$(scripts/postgres.sh url)" && status=0 && \
	  KHORASAN_TEST_PG_URL="$$url" $(BIN)/pytest -q || status=$$?; \
	  scripts/postgres.sh drop "$$url"; exit $$status

lint: install
	$(BIN)/ruff check khorasan tests
	$(BIN)/ruff format --check khorasan tests
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	$(BIN)/python -m khorasan.bench

# Fuzz every stage for a set time: the Hypothesis tests with many examples, then the mutation
# runner and atheris (coverage-guided; skipped with a note where it does not install) sharing
# FUZZ_SECONDS and FUZZ_INPUTS. Crashing and hanging inputs are saved under fuzz-crashes/.
FUZZ_SECONDS ?= 600
FUZZ_INPUTS ?= 100000
FUZZ_EXAMPLES ?= 2000
fuzz: install
	$(BIN)/python -m pip install --quiet 'atheris>=2.3' || \
	  echo "atheris did not install: Hypothesis and the mutation runner only"
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py
	KHORASAN_PATTERN_SCAN=1 $(BIN)/pytest -q -p no:cacheprovider tests/test_backtracking.py
	$(BIN)/python -m khorasan.fuzz --seconds $(FUZZ_SECONDS) --inputs $(FUZZ_INPUTS) --crashes fuzz-crashes

# Rebuild the dashboard's base map (country outlines) from the npm package world-atlas
# (Natural Earth, public domain). The output is committed: serving needs no network.
boundaries: install
	rm -rf .boundaries && mkdir .boundaries
	cd .boundaries && npm pack --silent world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
	$(BIN)/python -m khorasan.serve.boundaries .boundaries/package/countries-110m.json \
	  khorasan/serve/static/vendor/world/countries-110m.geojson
	cp .boundaries/package/LICENSE khorasan/serve/static/vendor/world/LICENSE
	rm -rf .boundaries

clean: postgres-stop
	rm -rf "$$(readlink -f .pgdata)" .pgdata $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .ruff_cache
