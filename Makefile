# Everything runs from the project's own virtualenv (venv/, the one Pulumi.yaml names), built from requirements.txt.
PYTHON ?= python3
VENV   := venv
PY     := $(VENV)/bin/python
STACK  ?= dev
FORMAT ?= tree

.PHONY: install preview test bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

preview: install
	@$(PY) -m offline.preview --stack $(STACK) --format $(FORMAT) $(if $(POLICY),--policy-pack)

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
