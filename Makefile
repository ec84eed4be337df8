# Clustermeet: `make run` serves the app with its worker; `make test` runs the whole suite.
# The virtualenv's interpreter: Debian's /usr/bin/python3 when it is the same Python version as
# the python3 on PATH (the same packages install) and can make a virtualenv: Debian builds it
# with profile-guided and link-time optimisation (README, "Performance"); else the python3 on
# PATH. Choose another with `make PYTHON=...` (an existing .venv is kept: remove it first).
SAME_PYTHON := import sys, ensurepip, venv; sys.exit(sys.version_info[:2] != tuple(map(int, sys.argv[1].split("."))))
PYTHON ?= $(shell /usr/bin/python3 -c '$(SAME_PYTHON)' "$$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" 2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# `make run`, `make demo` and `make worker` are for development; production sets its own.
export CLUSTERMEET_ENV ?= development
# Every size, as the README's tables: about 12 minutes for both worker counts on 2 cores.
SIZES ?= S,M,tight,L,XL,XXL
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mails, invites and feeds point where `make run` serves (0.0.0.0 is not an address
# a browser opens: such links use 127.0.0.1); an explicit PUBLIC_URL wins.
PUBLIC_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test venv db demo translations messages lint bench bench-jair bench-load worker clean user

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

translations: venv
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -f --statistics 2>&1 | tail -n 3

messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

db: venv
	mkdir -p instance
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed demo

run: translations demo
	@echo "Serving on http://$(HOST):$(PORT) (worker in the background; Ctrl-C stops both)"
	@PUBLIC_URL=$(PUBLIC_URL) $(BIN)/flask worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	  PUBLIC_URL=$(PUBLIC_URL) $(BIN)/flask run --host $(HOST) --port $(PORT)

worker: db
	PUBLIC_URL=$(PUBLIC_URL) $(BIN)/flask worker

# `make user EMAIL=you@example.org ROLE=organiser`: an account (asks for its password).
ROLE ?= organiser
user: db
	$(BIN)/flask users create --role $(ROLE) $(EMAIL)

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/python -m ruff check .
	$(BIN)/lint-imports --no-logo

bench: translations
	$(BIN)/python benchmarks/solver.py --sizes $(SIZES) --workers 1 $(if $(CAP),--cap $(CAP))
	$(BIN)/python benchmarks/solver.py --sizes $(SIZES) --workers 2 $(if $(CAP),--cap $(CAP))
	$(BIN)/python -m benchmarks.suggestions
	$(BIN)/python benchmarks/b2b_catalogue.py
	$(BIN)/python benchmarks/b2b_schedule.py
	$(BIN)/python benchmarks/b2b_printouts_rerun.py
	$(BIN)/python benchmarks/b2b_schedule.py --participants 200 --slots 10 --tables 60 --requests 1500 --grid-target 0.5
	$(BIN)/python -m benchmarks.invites
	$(BIN)/python -m benchmarks.reports

# gunicorn (4 workers) on SQLite, and on PostgreSQL when LOAD_POSTGRES_URL names a database
# it may empty; rate limits in Redis (LOAD_REDIS_URL, default redis://127.0.0.1:6379/13).
# About a minute for both databases on a quiet 2-core machine (67 s on 6 December), several
# when it is slow; not part of `make bench`.
bench-load: translations
	$(BIN)/python -m benchmarks.load

bench-jair: translations
	$(BIN)/python benchmarks/solver.py --jair --workers 1,2 --seeds 0,1,2 --resolve \
		$(if $(JAIR_DIR),--jair-dir "$(JAIR_DIR)") $(if $(CAP),--cap $(CAP))

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
