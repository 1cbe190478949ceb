# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install messages makemessages migrate demo lint check bench worker clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip "setuptools<81" wheel
	# XStatic packages still build with pkg_resources: build them against the venv's setuptools.
	$(PIP) install --quiet --no-build-isolation -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

makemessages: install
	$(PY) manage.py makemessages -l fr --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench -v0

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

# Local default: SQLite and Celery tasks run eagerly (no broker server), e-mails on the console. The
# scheduler (beat's schedule ticked in-process: reminders, surveys, digests) runs beside the web server.
run: messages demo serve

SERVER ?= DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)
SCHEDULER ?= $(PY) manage.py run_scheduler
# A background job of a non-interactive shell ignores Ctrl-C: the trap stops the scheduler when the
# server ends, whether by Ctrl-C, a kill or a crash.
serve:
	@echo ""
	@echo "Binôme is served at http://$(HOST):$(PORT)/ with its scheduler  (Ctrl-C stops both)"
	@$(SCHEDULER) & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(SERVER)

# Two runs: everything but the browser and worker tests in parallel (pytest-xdist, one test database and
# one Redis database per worker), then those two serially (a live server, real Celery workers, fixed
# ports). Exit code 5 (every test deselected, e.g. PYTEST_ARGS=tests/e2e) is no failure. The total
# time is printed at the end.
TEST_WORKERS ?= auto
test: messages
	@start=$$(date +%s); status=0; \
	CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest -n $(TEST_WORKERS) -m "not e2e and not worker" $(PYTEST_ARGS); \
	code=$$?; [ $$code -eq 0 ] || [ $$code -eq 5 ] || status=$$code; \
	CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest -m "e2e or worker" $(PYTEST_ARGS); \
	code=$$?; [ $$code -eq 0 ] || [ $$code -eq 5 ] || status=$$code; \
	echo "make test: $$(( $$(date +%s) - start )) s in all"; \
	exit $$status

lint: install
	$(PY) -m ruff check .

# What CI checks before the tests (`.ci/run` runs this target): every step runs and says how long it
# took; the target fails if any step failed.
CHECK_STEPS := \
	"ruff check|$(PY) -m ruff check ." \
	"ruff format --check|$(PY) -m ruff format --check ." \
	"makemigrations --check|$(PY) manage.py makemigrations --check --dry-run" \
	"mypy|$(PY) -m mypy"

check: install
	@failed=""; all_start=$$(date +%s%N); \
	for step in $(CHECK_STEPS); do \
	  name=$${step%%|*}; command=$${step#*|}; \
	  echo "==> $$name: $$command"; start=$$(date +%s%N); \
	  if sh -c "$$command"; then result=ok; else result=FAILED; failed="$$failed, $$name"; fi; \
	  ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
	  echo "<== $$name: $$result in $$((ms / 1000)).$$((ms % 1000 / 100)) s"; \
	done; \
	ms=$$(( ($$(date +%s%N) - all_start) / 1000000 )); \
	echo "make check: $$((ms / 1000)).$$((ms % 1000 / 100)) s in all"; \
	if [ -n "$$failed" ]; then echo "make check failed:$${failed#,}"; exit 1; fi

worker: install
	$(VENV)/bin/celery -A mentoring worker -B -Q default,email,imports,webhooks --loglevel=info

clean:
	rm -rf $(VENV) staticfiles test-results
