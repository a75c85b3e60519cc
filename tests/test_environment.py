"""Check that environment.yml and pyproject.toml pin the same packages to the same minor versions."""
import ast
import importlib.metadata
import re
import sys
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


# benchmarks/conv.py compares with PyTorch when it is installed, and says so when not; autograder.cluster renders
# a Kubernetes cluster with dask-kubernetes (the `kubernetes` extra) when it is installed, and the same spec without
OPTIONAL = {"torch", "dask_kubernetes"}


def _imported_packages():
    """Map top-level name -> a file importing it, for every import in the code, the tests and the benchmarks."""
    local = {p.stem for folder in ("tests", "autograder", "benchmarks") for p in (REPO / folder).glob("*.py")}
    # the repository's own packages; the sandbox runner imports plaindata beside it, the tests their siblings,
    # the benchmarks (run from the root) benchmarks.common and tests.lab_browser
    local |= {"course", "autograder", "benchmarks", "tests"}
    found = {}
    for folder in ("course", "autograder", "tests", "benchmarks"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and not node.level and node.module else []
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        found.setdefault(top, path.relative_to(REPO))
    return found


def test_every_package_the_code_imports_is_a_pinned_dependency():
    """Check that each third-party package imported directly is pinned in pyproject.toml, not only pulled in."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    pinned = {name.replace("_", "-") for name in pins}
    providers = importlib.metadata.packages_distributions()
    undeclared = {top: str(where) for top, where in _imported_packages().items() if top not in OPTIONAL
                  and not {d.lower().replace("_", "-") for d in providers.get(top, [top])} & pinned}
    assert not undeclared, f"imported but not pinned: {undeclared}"
