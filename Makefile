# The two commands a newcomer needs: `make run` and `make test`.
# Every target installs what it is missing and is safe to re-run.

# Debian's python3.11: built with profile-guided optimisation and LTO, it runs the app about
# a tenth faster than a default source build of 3.11 (uncached verdicts in alternating runs).
PYTHON ?= /usr/bin/python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := mapsite.settings

.PHONY: run test setup system-deps browser-deps venv db migrate load data figures check-data static messages bench lint format stop clean

run: setup static messages
	@echo ""
	@echo "Serving the policy map at http://$(HOST):$(PORT)/ (nginx in front of gunicorn)"
	@echo "Create an admin account with: $(PY) manage.py createsuperuser"
	@echo ""
	@HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) GUNICORN=$(VENV)/bin/gunicorn bash scripts/serve.sh

test: setup browser-deps static messages node_modules/.installed
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest

setup: system-deps venv db migrate load messages

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

browser-deps:
	@PYTHON=$(PYTHON) WITH_BROWSER=1 bash scripts/system-deps.sh

venv:
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/venv.sh

db:
	@bash scripts/pg.sh start

migrate: venv db
	@$(PY) manage.py migrate --noinput -v 0

load: migrate
	@$(PY) manage.py load_geo_data

static: venv messages
	@$(PY) manage.py collectstatic --noinput -v 0

# The translations (locale/ and mapsite/zones/locale/, Ukrainian and Russian): the .po files
# are kept, the .mo files compiled here (GNU gettext's msgfmt, from system-deps). To gather
# the page's new strings into locale/: $(PY) manage.py makemessages --no-wrap -l uk -l ru
#   --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench
#   --ignore=geo_data --ignore=mapsite/zones --ignore=mapsite/front/timeline.py
messages: venv system-deps
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0

data: venv
	$(PY) -m geo_data.build

figures: setup
	$(PY) manage.py policy_figures

check-data: venv
	$(PY) -m geo_data.build --check

# make backup [FILE=path]: a consistent dump, by default var/backups/mapsite-<UTC time>.dump.
# make restore FILE=path: back up the current state first, then restore FILE all-or-nothing.
.PHONY: backup restore
backup: venv db
	@$(PY) manage.py backup $(if $(FILE),--output "$(FILE)")

restore: venv db
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/mapsite-....dump" >&2; exit 2; }
	@$(PY) manage.py restore "$(FILE)"

bench: setup browser-deps node_modules/.installed
	$(PY) -m bench.run

# Lighthouse and axe-core (package.json, pinned in package-lock.json), for `make bench`
# (bench/lighthouse.py) and `make test` (tests/test_accessibility.py).
node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --ignore-scripts || { \
		echo "error: npm ci failed; is the npm registry reachable? (npm comes with system-deps)"; exit 1; }
	@touch $@

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

stop:
	@bash scripts/pg.sh stop

clean: stop
	rm -rf var $(VENV)
