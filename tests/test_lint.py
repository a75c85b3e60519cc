"""Check that the repository is lint-clean, so that `make test` runs the linter too."""
import subprocess
import sys

from autograder.notebooks import REPO


def test_ruff_check_finds_nothing():
    """Check that `ruff check` with pyproject.toml's rules reports nothing in the code and the notebooks."""
    found = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                           cwd=REPO, capture_output=True, text=True)
    assert found.returncode == 0, found.stdout + found.stderr
