"""Check what every explorer of course.widgets shares: nothing at all while nbgrader grades, an Explorer otherwise."""
import inspect
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import explorer, widgets
from course.explorer import Explorer

CALLED = []


def stub(*args, **kwargs):
    """A student's function not written yet; it notes that it was called."""
    CALLED.append(args)
    raise NotImplementedError()


# the data an explorer's factory may require besides the student's functions: 06's network and digits
DATA = {"params": {"W1": np.ones((2, 1, 3, 3)), "b1": np.zeros(2), "W2": np.ones((32, 10)), "b2": np.zeros(10)},
        "X_test": np.zeros((3, 1, 8, 8)), "y_test": np.array([0, 1, 2])}


def with_stubs(name):
    """Call the explorer's factory with a stub for each function it requires (and DATA for its data)."""
    factory = getattr(widgets, name)
    required = [p.name for p in inspect.signature(factory).parameters.values() if p.default is p.empty]
    CALLED.clear()
    return factory(**{p: DATA.get(p, stub) for p in required})


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_widgets_exports_every_explorer_it_holds():
    """Check that __all__ names each *_explorer of course.widgets, so that the tests below see a new one too."""
    assert widgets.__all__ and sorted(widgets.__all__) == sorted(n for n in vars(widgets) if n.endswith("_explorer"))


@pytest.mark.parametrize("name", widgets.__all__)
def test_explorer_is_silent_while_nbgrader_grades(name, monkeypatch, capsys):
    """Check that under NBGRADER_EXECUTION the factory returns None, prints nothing and calls no function."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert with_stubs(name) is None
    assert capsys.readouterr() == ("", "") and not CALLED and not plt.get_fignums()


@pytest.mark.parametrize("name", widgets.__all__)
def test_explorer_is_an_explorer_otherwise(name, monkeypatch, capsys):
    """Check that without NBGRADER_EXECUTION the factory, given stubs, returns an Explorer that ran them."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert isinstance(with_stubs(name), Explorer) and CALLED
    assert capsys.readouterr() == ("", "")


def test_only_the_explorer_frame_reads_the_grading_variable():
    """Check that no module of course/ but the one holding grading() mentions NBGRADER_EXECUTION."""
    holder = Path(inspect.getsourcefile(explorer.grading))
    assert "NBGRADER_EXECUTION" in holder.read_text()
    mentions = [path.name for path in sorted(holder.parent.rglob("*.py")) if "NBGRADER_EXECUTION" in path.read_text()]
    assert mentions == [holder.name]
