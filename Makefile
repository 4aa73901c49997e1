# Two commands matter (see README): `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint pytest system-deps gui-deps bench i18n clean

# Debian packages Qt's X11 platform plugin needs that a minimal machine lacks.
GUI_PACKAGES := libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
                libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxcb-cursor0 libxkbcommon-x11-0 libegl1

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Set up and open the app on the embedded SQLite database.
## Without a screen (DISPLAY / WAYLAND_DISPLAY unset on Linux) it runs on a virtual one (Xvfb).
run: $(STAMP) gui-deps
	@if [ "$$(uname -s)" = Linux ] && [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No screen found: starting the app on a virtual screen (xvfb-run)."; \
	  xvfb-run -a -s "-screen 0 1440x900x24" $(BIN)/operator-app; \
	else \
	  $(BIN)/operator-app; \
	fi

gui-deps:
	@if [ "$$(uname -s)" = Linux ] && command -v dpkg >/dev/null 2>&1; then \
	  missing=$$(for p in $(GUI_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && ! command -v xvfb-run >/dev/null; then \
	    missing="$$missing xvfb"; fi; \
	  if [ -n "$$(echo $$missing)" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else echo "Qt needs these packages: sudo apt-get install $$missing" >&2; exit 1; fi; \
	  fi; \
	fi

## Set up and run everything CI runs: lint, types, the whole test suite with PostgreSQL.
test: $(STAMP) system-deps lint pytest

lint: $(STAMP)
	$(BIN)/ruff check operator_app tests db tools
	$(BIN)/mypy operator_app

pytest: $(STAMP) system-deps
	$(BIN)/pytest

# The PostgreSQL tests start a throwaway server from Debian's `postgresql` binaries
# (or use OPERATOR_APP_TEST_PG_URL). Install them when they are missing and we may.
system-deps:
	@if [ -z "$$OPERATOR_APP_TEST_PG_URL" ] && ! command -v initdb >/dev/null 2>&1 \
	    && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else \
	    echo "PostgreSQL server binaries are missing: install the 'postgresql' package" \
	         "or set OPERATOR_APP_TEST_PG_URL to a server the tests may use" >&2; exit 1; \
	  fi; \
	fi

## Benchmarks run on demand and write their figures to docs/BENCHMARKS.md by hand.
bench: $(STAMP) system-deps
	$(BIN)/python tests/bench/bench_import.py

## Regenerate translations (.ts from the sources, then .qm).
i18n: $(STAMP)
	$(BIN)/python tools/i18n.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
