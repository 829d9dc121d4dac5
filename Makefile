# Weegploeg — the two commands: `make run` and `make test` (see README.md).
# Without DATABASE_URL both use a private PostgreSQL from the `pgserver` package under var/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the browser tests' accessibility checks (tests/e2e/axe.py), from the npm
# registry as pinned in package-lock.json; never loaded from a CDN.
AXE_STAMP := node_modules/.installed

.PHONY: run test venv axe nlds lint bench load clean-embedded translations help

help:
	@echo "make run    - installeer, migreer, laad demodata en start http://127.0.0.1:8000"
	@echo "make test   - installeer en draai de volledige testsuite"
	@echo "make lint   - ruff en de migratiecontrole"
	@echo "make load   - begrensde belastingtest op 127.0.0.1 (gunicorn, 50 gebruikers, 2 minuten)"
	@echo "make bench  - prestatiemeting op een landelijke synthetische dataset (max. 25 min.)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

# Without npm the accessibility checks are skipped (outside CI), as the browser tests are
# without Chromium; .ci/run installs npm.
$(AXE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm ontbreekt: de toegankelijkheidscontroles (axe-core) worden overgeslagen."; \
	fi

axe: $(AXE_STAMP)

# NL Design System (issue 22): the Utrecht component library CSS (EUPL-1.2), pinned in
# package.json, copied into static/vendor/utrecht/ with its licence. The copy is committed, so
# `make run` needs no npm; run this after changing the pinned version. The look of the
# weegploeg (colours, fonts, sizes) is its own theme, static/css/theme.css.
UTRECHT := node_modules/@utrecht/component-library-css
nlds: $(AXE_STAMP)
	mkdir -p static/vendor/utrecht
	cp $(UTRECHT)/dist/index.css static/vendor/utrecht/component-library.css
	cp $(UTRECHT)/dist/html.css static/vendor/utrecht/html.css
	cp $(UTRECHT)/LICENSE.md static/vendor/utrecht/LICENSE.md
	node -p '"@utrecht/component-library-css " + require("./$(UTRECHT)/package.json").version' > static/vendor/utrecht/VERSION

# The embedded run: demo data, no second factor (the login page says so), tasks run eagerly
# unless REDIS_URL is set.
run: export DEBUG ?= true
run: export TWO_FACTOR_REQUIRED ?= false
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Weegploeg draait op http://127.0.0.1:8000 (stoppen met Ctrl+C)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv axe
	$(BIN)/python -m pytest

# Bounded load test on loopback (issue 7): gunicorn with 4 workers, 50 locust users, 2 minutes.
load: venv
	$(BIN)/python -m pip install --quiet ".[load]"
	$(BIN)/python -m tests.load.run

# Benchmark (issue 8): a synthetic national data set in its own database (weegploeg_bench,
# dropped and built fresh) on DATABASE_URL's server or the embedded PostgreSQL; one line per
# figure, the targets and a summary line. See tests/bench/run.py.
bench: venv
	$(BIN)/python -m tests.bench.run

lint: venv
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Dutch translations of the libraries' untranslated texts (locale/nl/LC_MESSAGES/django.po). The
# compiled .mo is committed, so run and test need no GNU gettext; this needs its msgfmt.
translations:
	msgfmt --check -o locale/nl/LC_MESSAGES/django.mo locale/nl/LC_MESSAGES/django.po

clean-embedded:
	-$(BIN)/python -c "import pgserver, pathlib; pgserver.get_server(pathlib.Path('var/pgdata'), cleanup_mode='stop')"
