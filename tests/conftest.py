"""Shared fixtures: course copies in temporary folders, graded once per session by real nbgrader."""
import time

import matplotlib
import pytest

from autograder.notebooks import existing_assignments

# pytest loads this file before any test module: the whole suite draws on Agg (figures for their pixels
# and data, never a display), chosen before anything imports pyplot.
matplotlib.use("Agg")

ASSIGNMENTS = existing_assignments()


@pytest.fixture(scope="session")
def demo_course(tmp_path_factory):
    """The whole demo pipeline (release, samples, autograde, feedback, export) in a temporary folder."""
    from autograder.__main__ import demo
    root = tmp_path_factory.mktemp("demo") / "course"
    start = time.perf_counter()
    results = demo(root, None)
    seconds = time.perf_counter() - start
    print(f"\ndemo pipeline: {seconds:.1f} s for {len(results)} student rows")
    return root, results
