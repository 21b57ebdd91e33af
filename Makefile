# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# Prefect's database, created once here rather than by the first run (about 12 s of migrations)
	$(BIN)/prefect server database upgrade -y > /dev/null
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/troopledger run --lake lake

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) lake report.html
