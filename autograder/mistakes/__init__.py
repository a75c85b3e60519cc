"""The catalogue of typical mistakes: wrong implementations that students really write.

Each mistake is a complete graded function, registered with ``@mistake``. The suite puts it in
place of the reference solution, grades the notebook with nbgrader, and proves that the function
loses points and that a failure message contains ``says`` (what is likely wrong).
Mistakes use the source notebook's cache layout, since they run beside its other solutions.
"""
import inspect
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    assignment: str
    function: str
    name: str
    says: str
    source: str

    @property
    def id(self):
        return f"{self.function}-{self.name}"


CATALOGUE = []


def mistake(assignment, name, says):
    """Register the decorated function as a typical mistake in the graded function of its name."""
    def register(fn):
        lines = textwrap.dedent(inspect.getsource(fn)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        CATALOGUE.append(Mistake(assignment, fn.__name__, name, says, "\n".join(lines[start:]) + "\n"))
        return fn
    return register


def catalogue(assignment):
    """The mistakes of one assignment."""
    return [m for m in CATALOGUE if m.assignment == assignment]


from . import graphs  # noqa: E402,F401  registers its mistakes
from . import pooling  # noqa: E402,F401
