"""Check that environment.yml and pyproject.toml pin the same packages to the same minor versions."""
import re
import tomllib

import yaml

from autograder.notebooks import REPO

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\d+\.\d+)\.\*$")


def _pins(requirements):
    pins = {}
    for req in requirements:
        match = PIN.match(req)
        assert match, f"{req!r} is not pinned to a minor version as name==X.Y.*"
        pins[match[1].lower()] = match[2]
    return pins


def test_pyproject_and_environment_pin_the_same_versions():
    """Check that every dependency appears in both files with the same minor version."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _pins(pip) == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11"


def test_every_environment_pin_says_who_uses_it():
    """Check that each pip line of environment.yml follows a comment naming its users."""
    lines = (REPO / "environment.yml").read_text().splitlines()
    pins = [i for i, line in enumerate(lines) if "==" in line]
    for i in pins:
        above = next(line.strip() for line in reversed(lines[:i]) if "==" not in line)
        assert re.match(r"# (students|instructors|developers)", above), f"no users named above {lines[i].strip()}"
