# The two commands a newcomer needs: `make demo` and `make test`. Each sets up what it needs first.
# `make benchmark` (QUICK=1 for a short run) measures renders served as in production: docs/benchmarks.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := demo

.PHONY: demo test benchmark

# Render the default answers into ./demo (git-ignored) and serve it on $(HOST_PORT), 127.0.0.1:8000 unless set;
# the generated project's own `make serve` builds its virtualenv, writes .env and migrates.
# The render is made afresh each time, so the demo always shows the template as it is now.
demo: $(VENV)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(DEMO_DIR) .
	$(MAKE) -C $(DEMO_DIR)/gatehouse_api serve

# The template's tests: render every combination and run each project's checks and suite (tests/).
test: $(VENV)/.installed
	$(BIN)/python -m pytest tests

# Renders served by gunicorn with production settings on PostgreSQL and Redis, driven by wrk (installed when
# missing); prints the figures and writes them to benchmarks/results.json. QUICK=1: a few requests per case.
benchmark: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick) $(if $(BENCHMARK_OUTPUT),--output $(BENCHMARK_OUTPUT))

# Reinstall whenever the pinned tools change.
$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	touch $@
