# Omløb — the two commands a new user needs: `make run` and `make test`.
# Everything else here is a step those two depend on.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy

.PHONY: run test install setup demo serve lint messages clean

run: setup demo ## create the virtualenv, install, migrate, load data and start web server + worker
	$(BIN)/omlob serve

test: setup chromium ## the whole test suite (unit, database, browser)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --extra dev --quiet
	touch $@

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@scripts/ensure-chromium

setup: install assets
	$(BIN)/omlob setup

demo: setup
	$(BIN)/omlob demo

serve:
	$(BIN)/omlob serve

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

messages: install ## update the Danish/English translation catalogues and compile them
	cd src/omlob && ../../$(BIN)/django-admin makemessages -l en --no-obsolete --ignore 'static/*' --ignore 'core/*'
	cd src/omlob && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) node_modules var
