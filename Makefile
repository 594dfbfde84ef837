# Two commands on a fresh Debian 12 machine: `make run` and `make test`.
# Each installs whatever is missing first, and does nothing twice.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
KIOSK := $(VENV)/bin/kiosk
HOST ?= 127.0.0.1
PORT ?= 8080
# chromium and the fonts show and test the kiosk; espeak-ng, sox and lame read pages aloud;
# gettext gives msgfmt for checking catalogs; postgresql runs the storage tests a second time;
# the rest is what deploy/ installs on a kiosk PC, which its tests check (shellcheck, nginx, cage...).
APT_PACKAGES := chromium fonts-noto-core fonts-noto-cjk espeak-ng sox libsox-fmt-mp3 lame gettext \
	python3-venv postgresql shellcheck nginx openssl rsync cage xwayland python3-wheel iproute2 procps
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint lock setup system-packages translations clean

run: setup
	@# Fill the read-aloud cache alongside the server, so no visitor waits for a voice; it prints a summary.
	$(KIOSK) speech warm --no-progress &
	$(KIOSK) serve --host $(HOST) --port $(PORT)

# tests/pg.sh starts a throwaway PostgreSQL so the storage tests also run there.
test: setup lint
	tests/pg.sh $(PY) -m pytest $(PYTEST_ARGS)

# Style and types: CI runs this first, through `make test`.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --diff .
	$(VENV)/bin/mypy

# Pin the exact versions `make` installs, for every platform, after changing a range in pyproject.toml.
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 --generate-hashes \
	  -q -o requirements.lock

setup: system-packages $(VENV)/.installed node_modules/.installed translations

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo -n "$$p "; done; \
	  command -v npm >/dev/null || echo -n "nodejs npm"); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    -o DPkg::Lock::Timeout=600 $$missing; \
	else \
	  echo "Some Debian packages are missing. Install them once with:"; \
	  echo "  sudo apt-get install -y --no-install-recommends $$missing"; \
	  [ "$(MAKECMDGOALS)" != "test" ]; \
	fi

# The exact, hash-checked versions from requirements.lock, then the kiosk itself on top.
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed
	@$(KIOSK) translate compile >/dev/null

clean:
	rm -rf $(VENV) node_modules build *.egg-info
