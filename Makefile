# make preview [STACK=dev|prod|modelarts|prod-identity|prod-recsys|prod-labeling] [FORMAT=tree|json|policies|access|access-csv|mermaid|dot] [POLICY=1]
# make preview BASE=<git ref> [STACK=...]   (what changes from that ref's plan; exit 3 if protected data is replaced)
# make preview PROJECT=bootstrap STACK=shared   (the state-backend program)
# make preview STACK=prod-recsys [IDENTITY_PLAN=identity.json]   (a team stack: its identity stack is planned first,
#   or read from that JSON plan, `make preview STACK=prod-identity FORMAT=json > identity.json`)
# make schema   (regenerate stacks/stack.schema.json, the editor schema of a stack file, from the config contract)
# Everything runs from the project's own virtualenv (venv/, the one Pulumi.yaml names), built from requirements.txt.
PYTHON ?= python3
VENV   := venv
PY     := $(VENV)/bin/python
STACK  ?= dev
FORMAT ?= tree
PROJECT ?= .

.PHONY: install preview schema test bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

preview: install
	@$(PY) -m offline.preview --project-dir $(PROJECT) --stack $(STACK) --format $(FORMAT) $(if $(POLICY),--policy-pack) $(if $(BASE),--base $(BASE)) $(if $(IDENTITY_PLAN),--identity-plan $(IDENTITY_PLAN))

schema: install
	$(PY) -m offline.schema --write

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
