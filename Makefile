# The commands people type. `make demo` starts the portal with demo data; `make test` runs the tests.
# Everything runs in .venv, created from the locks (pyproject.toml only declares the dependencies):
# requirements.lock holds what the portal runs on (enough for `make demo`), requirements-dev.lock adds the
# test and lint tools (`make test`, `make lint`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.lock.stamp
DEV_STAMP := $(VENV)/.requirements-dev.lock.stamp
# Interpreter for the venv: the first of these that is Python 3.12 or newer.
PYTHON_CANDIDATES := $(PYTHON) python3.12 python3
# Debian packages the tests need (gettext: compilemessages; libharfbuzz-subset0: fast WeasyPrint PDFs;
# poppler-utils: pdftotext/pdftoppm; chromium: browser tests; fonts-dejavu-core: fonts in the PDFs;
# zbar-tools: zbarimg reads the certificates' QR codes back).
TEST_DEBIAN_PACKAGES := gettext libharfbuzz-subset0 poppler-utils chromium fonts-dejavu-core zbar-tools
# The browser tests also use axe-core and the Nu HTML checker from npm (package-lock.json); the checker runs
# on Java. Installed from Debian only when the commands are missing (node may come from elsewhere).
TEST_COMMAND_PACKAGES := npm:npm java:openjdk-17-jre-headless
NODE_STAMP := node_modules/.package-lock.json.stamp

DEMO_ADDR ?= 127.0.0.1:8000
# Where the demo's links point (invitations, e-mails, QR codes, credentials): DEMO_ADDR's address, a port alone
# or an all-interfaces address (0.0.0.0, [::]) read as localhost. Pass SITE_URL=... to name another address.
DEMO_HOSTPORT := $(if $(findstring :,$(DEMO_ADDR)),$(DEMO_ADDR),localhost:$(DEMO_ADDR))
SITE_URL ?= http://$(patsubst 0.0.0.0:%,localhost:%,$(patsubst [::]:%,localhost:%,$(DEMO_HOSTPORT)))
DEMO_PY = SITE_URL='$(SITE_URL)' $(PY)
# pytest-xdist workers: "auto" is one per CPU; WORKERS=0 runs in a single process (e.g. for --pdb).
WORKERS ?= auto
ARGS ?=
LANGUAGES := es pt_BR en
# Directories the message commands never look into (dot-directories such as .venv are skipped too).
I18N_IGNORE := -i '.*' -i node_modules -i staticfiles -i media -i htmlcov -i bench -i tests

.PHONY: help venv demo test system-packages lint messages check-deploy

help:
	@echo "make demo           create .venv, migrate, load the demo data and run the server on $(DEMO_ADDR)"
	@echo "make test           install the system packages the tests need, then run the tests"
	@echo "                    (make test ARGS=\"-k stage\"; WORKERS=0 for a single process)"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make messages       update the es, pt_BR and en catalogues in locale/ and compile them"
	@echo "make check-deploy   manage.py check --deploy with production-like settings"

venv: $(DEV_STAMP)

# Created once; re-installed only when a lock changes.
$(STAMP): requirements.lock
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    python=""; \
	    for candidate in $(PYTHON_CANDIDATES); do \
	        if command -v "$$candidate" >/dev/null 2>&1 \
	            && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	            python="$$candidate"; break; \
	        fi; \
	    done; \
	    if [ -z "$$python" ]; then \
	        echo "error: Python 3.12 or newer is needed, and none of '$(strip $(PYTHON_CANDIDATES))' is one." >&2; \
	        echo "       Install python3.12 (or pass PYTHON=/path/to/python3.12) and run make again." >&2; \
	        exit 1; \
	    fi; \
	    echo "Creating $(VENV) with $$("$$python" --version) ($$(command -v "$$python"))"; \
	    rm -rf $(VENV); \
	    "$$python" -m venv $(VENV) || { \
	        echo "error: '$$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)." >&2; \
	        rm -rf $(VENV); exit 1; }; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

# The demo signs its Open Badges credentials with a key of its own, made once in .credential-key (not in git).
DEMO_KEY := .credential-key

demo: $(STAMP)
	$(DEMO_PY) manage.py migrate --no-input
	$(DEMO_PY) manage.py createcachetable
	$(DEMO_PY) manage.py load_demo
	test -f $(DEMO_KEY) || $(DEMO_PY) manage.py create_credential_key --output $(DEMO_KEY)
	ALP_CREDENTIAL_SIGNING_KEY_FILE=$(DEMO_KEY) $(DEMO_PY) manage.py issue_credentials
	ALP_CREDENTIAL_SIGNING_KEY_FILE=$(DEMO_KEY) $(DEMO_PY) manage.py runserver $(DEMO_ADDR)

system-packages:
	@packages="$(TEST_DEBIAN_PACKAGES)"; \
	for pair in $(TEST_COMMAND_PACKAGES); do \
	    command -v "$${pair%%:*}" >/dev/null 2>&1 || packages="$$packages $${pair#*:}"; \
	done; \
	scripts/ensure-debian-packages $$packages

# node_modules from package-lock.json, again only when the lock changes.
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	    echo "npm ci (axe-core and the Nu HTML checker for the browser tests)"; \
	    npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	    echo "npm not found: the browser tests will skip their axe-core and HTML checks." >&2; \
	fi

test: system-packages $(DEV_STAMP) $(if $(wildcard package-lock.json),$(NODE_STAMP))
	$(PY) -m pytest -n $(WORKERS) $(ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: $(STAMP)
	@mkdir -p locale
	$(PY) manage.py makemessages --no-location -e html,txt,py,svg $(addprefix -l ,$(LANGUAGES)) $(I18N_IGNORE)
	$(PY) manage.py compilemessages $(addprefix -l ,$(LANGUAGES)) $(I18N_IGNORE)

# Production-like settings (the secret key is random at each run); a DATABASE_URL from the environment wins.
check-deploy: $(STAMP)
	DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=alp.example.org \
	SITE_URL=https://alp.example.org \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/db.sqlite3}" \
	DJANGO_EMAIL_BACKEND=smtp \
	DJANGO_EMAIL_HOST=smtp.example.org \
	DJANGO_TASKS_BACKEND=database \
	ALP_CREDENTIAL_SIGNING_KEY="$$($(PY) -c 'from certificates.keys import *; print(private_multibase(new_private_key()))')" \
	$(PY) manage.py check --deploy --fail-level WARNING
