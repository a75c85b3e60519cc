# The course's commands. `make lab` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: env lab test class demo release grade clean

$(STAMP): pyproject.toml package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# the trial hub's proxy (make class and its test): configurable-http-proxy from npm, into node_modules/
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

env: $(STAMP)

lab: env  ## open the course in JupyterLab at release/ (served from the course root, so the formgrader works); EDITION=ko: release_ko/, JupyterLab in Korean
	$(BIN)/python -m course.lab $(if $(EDITION),--edition=$(EDITION))

test: env  ## run the whole test suite
	$(BIN)/python -m pytest

class: env  ## a trial class on a local JupyterHub at 127.0.0.1 (CLASS_FLAGS=--port N): an instructor, students, the exchange
	$(BIN)/python -m autograder class $(CLASS_FLAGS)

demo: env  ## the instructor pipeline on bundled sample submissions, in build/demo
	$(BIN)/python -m autograder demo --course-dir build/demo

release: env  ## regenerate release/ from source/, then the Korean release_ko/ from release/ and translations/ko/
	$(BIN)/python -m autograder release
	$(BIN)/python -m autograder.translations extract
	$(BIN)/python -m autograder.translations build

grade: env  ## grade submitted/ in sandboxes, write feedback, export grades (GRADE_FLAGS=--unsafe without bubblewrap)
	$(BIN)/python -m autograder autograde $(GRADE_FLAGS) && $(BIN)/python -m autograder feedback && $(BIN)/python -m autograder export

clean:
	rm -rf $(VENV) build node_modules
