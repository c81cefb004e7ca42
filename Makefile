# Everything a fresh machine needs, from a plain Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test demo lint typecheck pre-commit unit unit-postgres postgres chromium bench lock clean \
	messages catalogs

# The server the PostgreSQL pass of the tests creates its databases on.
TEST_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test

## run: set up and start the bot (reads settings from the environment or .env)
run: $(VENV)/.app-installed catalogs
	$(BIN)/undersigned

## test: set up and lint, then type-check and run the test suite on SQLite and on
## PostgreSQL, all three side by side (each one's output shown whole when it ends): the
## passes spend most of their time waiting, so the type check costs them little
test: $(VENV)/.dev-installed catalogs postgres chromium lint
	$(MAKE) --no-print-directory -j3 --output-sync=target typecheck unit unit-postgres

## demo: set up, then play a whole drive against the bundled Slack stand-in (about a
## minute at most) and print what a lead receives; files go to demo-output/
demo: $(VENV)/.dev-installed catalogs
	$(BIN)/python -m demo demo-output

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

## pre-commit: have git run lint and typecheck (.pre-commit-config.yaml) before each commit
pre-commit: $(VENV)/.dev-installed
	$(BIN)/pre-commit install

unit: $(VENV)/.dev-installed
	$(BIN)/pytest

unit-postgres: $(VENV)/.dev-installed postgres
	UNDERSIGNED_TEST_POSTGRES='$(TEST_POSTGRES)' $(BIN)/pytest

# Start this machine's PostgreSQL if it is installed and down, then make sure the tests
# can reach TEST_POSTGRES; if not, say why and stop.
postgres: $(VENV)/.dev-installed
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
		|| ! command -v pg_ctlcluster >/dev/null \
		|| pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start \
		|| true
	@$(BIN)/python -m tests.postgres '$(TEST_POSTGRES)'

# Install the browser the browser tests drive (tests/browser.py) if it is missing:
# Debian's chromium package, at /usr/bin/chromium, as Playwright's own download needs
# hosts a CI machine may not reach. It needs root, or sudo; with neither this says so
# and carries on, and the browser tests skip saying the same.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
		if [ "$$(id -u)" = 0 ]; then sudo=; \
		elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "No $(CHROMIUM), and only root or sudo can install it: the browser tests will skip."; \
			exit 0; fi; \
		echo "Installing Debian's chromium package for the browser tests (about a minute)"; \
		$$sudo apt-get update -qq \
			&& $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## bench: dedupe cost at 1k/10k/100k signers; sign-on throughput against a no-op app;
## a letter growing to 9,000 signers against the same app; hostile letter files under
## sign-on load; two replicas on PostgreSQL against one on SQLite; last, a letter's
## public page against the same app, and Slack sign-ons while one address floods it
bench: $(VENV)/.dev-installed catalogs
	$(BIN)/python -m bench.dedupe_cost
	$(BIN)/python -m bench.chase_cost
	$(BIN)/python -m bench.chart_cost
	$(BIN)/python -m bench.signon_throughput
	$(BIN)/python -m bench.growing_drive
	$(BIN)/python -m bench.documents
	$(MAKE) postgres
	BENCH_POSTGRES='$(TEST_POSTGRES)' $(BIN)/python -m bench.replicas
	$(BIN)/python -m bench.web_page

## messages: gather every phrase to translate from the code and the templates into
## bot/locales/messages.pot, and bring each language's messages.po up to it (new phrases
## untranslated, changed ones marked fuzzy: the tests fail until a translator sees them)
LOCALES := bot/locales
messages: $(VENV)/.app-installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k N_ --add-comments=Translators: \
		--add-location=file --sort-output --no-wrap --project=Undersigned --version=0.1.0 \
		--copyright-holder="the Undersigned contributors" \
		-o $(LOCALES)/messages.pot bot handlers
	$(BIN)/pybabel --quiet update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages \
		--no-wrap --ignore-obsolete

## catalogs: compile each language's messages.po for the bot to read (built here, by
## every command that runs the bot or its tests, never committed)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))
catalogs: $(CATALOGS)
$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(VENV)/.app-installed
	$(BIN)/pybabel --quiet compile --statistics -d $(LOCALES) -D messages -l $*

## lock: re-pin requirements/*.lock, with hashes, from pyproject.toml (needs network); the
## locked versions stay unless pyproject.toml rules them out or UPGRADE says otherwise:
## make lock UPGRADE=--upgrade, or UPGRADE='--upgrade-package slack-sdk'
UPGRADE ?=
LOCK    := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes $(UPGRADE)
lock: $(VENV)/.dev-installed
	$(LOCK) pyproject.toml -o requirements/app.lock
	$(LOCK) --extra dev pyproject.toml -o requirements/dev.lock
	echo uv | $(LOCK) - -o requirements/uv.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

$(VENV)/.python-checked:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Undersigned needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	touch $@

# uv installs the locked packages in a few seconds where pip takes most of a minute; pip
# installs uv itself, from its own lock. Every locked package is checked against its
# hash; the project itself is installed on its own, as an editable local directory has
# no hash to check. Packages are compiled to bytecode as pip does, once, rather than by
# each process that first imports them.
INSTALL := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python

$(VENV)/.uv-installed: $(VENV)/.python-checked requirements/uv.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/uv.lock
	touch $@

$(VENV)/.app-installed: $(VENV)/.uv-installed requirements/app.lock pyproject.toml
	$(INSTALL) --require-hashes -r requirements/app.lock
	$(INSTALL) --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.uv-installed requirements/dev.lock pyproject.toml
	$(INSTALL) --require-hashes -r requirements/dev.lock
	$(INSTALL) --no-deps -e .
	touch $@ $(VENV)/.app-installed
