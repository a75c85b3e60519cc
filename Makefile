# The course's commands. `make lab` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: env lab test demo release grade clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

env: $(STAMP)

lab: env  ## open the course in JupyterLab at release/ (served from the course root, so the formgrader works)
	$(BIN)/python -m course.lab

test: env  ## run the whole test suite
	$(BIN)/python -m pytest

demo: env  ## the instructor pipeline on bundled sample submissions, in build/demo
	$(BIN)/python -m autograder demo --course-dir build/demo

release: env  ## regenerate release/ from source/
	$(BIN)/python -m autograder release

grade: env  ## grade submitted/ in sandboxes, write feedback, export grades (GRADE_FLAGS=--unsafe without bubblewrap)
	$(BIN)/python -m autograder autograde $(GRADE_FLAGS) && $(BIN)/python -m autograder feedback && $(BIN)/python -m autograder export

clean:
	rm -rf $(VENV) build
