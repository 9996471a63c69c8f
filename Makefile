# The two commands an office needs: `make run` and `make test`.
# Both set up everything first: missing Debian packages, the .venv, the app.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= config/kiosk.toml
# `make test AT=2026-12-05T10:00+08:00` runs the whole suite as if the clock said that
# moment (tests/conftest.py shifts kiosk.clock, and the `kiosk` processes tests start).
# The moment needs its zone: +07:00 WIB, +08:00 WITA, +09:00 WIT.
AT ?=
# Exported from uv.lock by `make lock` (README, "Locked dependencies"): the kiosk's
# packages, and the same plus the test tools, each pinned with its hashes.
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock
UV ?= uv

# Debian packages the kiosk needs at run time: libusb for USB ticket printers,
# libzbar0 for the pyzbar QR decoder, espeak-ng for spoken calls.
DEB_PACKAGES := libusb-1.0-0 libzbar0 espeak-ng
# Only for `make test`: the lobby web board is checked in headless Chromium, and
# the hub runs its tests against a throwaway PostgreSQL server too.
TEST_DEB_PACKAGES := chromium postgresql

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup system-packages test-packages lint bench install clean lock lock-check

# `make run AT=...` starts the simulation as if it were that moment (a demo of another day
# or of the evening); a real-office config refuses it.
run: setup
	$(if $(AT),KIOSK_CLOCK_OFFSET_S="$$($(BIN)/python -m kiosk.clock '$(AT)')") \
	  $(BIN)/kiosk --config $(CONFIG) run

test: setup
	$(MAKE) --no-print-directory system-packages DEB_PACKAGES="$(TEST_DEB_PACKAGES)"
	$(BIN)/ruff check kiosk hardware screens tests bench
	KIOSK_TEST_AT="$(AT)" $(BIN)/python -m pytest -q

# On a Raspberry Pi: install as a service (see docs/install.md).
install:
	$(SUDO) systemd/install.sh

setup: system-packages $(STAMP)

system-packages:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Exactly the lock: a cleared .venv gets every package from $(TEST_LOCK), hashes
# checked, then the app itself without resolving anything (its build backend,
# setuptools, is in the lock too, so nothing unlocked is downloaded).
# compileall: an editable install leaves the app's own modules uncompiled, and the
# kiosk's first start would compile them (bench/startup.py measures with bytecode).
$(STAMP): pyproject.toml $(LOCK) $(TEST_LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q kiosk hardware screens
	touch $(STAMP)

# Every locked package must install from a wheel on a 64-bit Pi (Bookworm, CPython 3.11).
lock-check: setup
	$(BIN)/python .ci/lock_check.py $(LOCK) $(TEST_LOCK)

# After changing dependencies in pyproject.toml (or to take newer releases:
# `make lock UV_FLAGS=--upgrade`). Needs uv; see README.
lock:
	$(UV) lock $(UV_FLAGS)
	$(UV) export --quiet --frozen --no-emit-project --format requirements-txt -o $(LOCK)
	$(UV) export --quiet --frozen --no-emit-project --format requirements-txt --extra test -o $(TEST_LOCK)

lint: setup
	$(BIN)/ruff check kiosk hardware screens tests bench

bench: setup
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
