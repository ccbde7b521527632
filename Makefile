# The two commands a newcomer needs: `make demo` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := demo

.PHONY: demo test

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

# Reinstall whenever the pinned tools change.
$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	touch $@
