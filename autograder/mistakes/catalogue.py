"""Mistakes and their catalogue: what a typical mistake is, and the decorators that register one."""
import inspect
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A wrong implementation of one graded function, and the words its failure messages must contain."""
    assignment: str
    function: str
    name: str
    says: str
    source: str = None
    edits: tuple = ()
    visible: tuple = ()  # visible test cells that must reject it: grade_id (saying `says`), (grade_id, words)
    # or (grade_id, (words, ...)), every one of them in the message

    def rejections(self):
        """(grade_id, (words, ...)) for each visible test cell that must reject this mistake."""
        return [(v, (self.says,)) if isinstance(v, str) else (v[0], (v[1],) if isinstance(v[1], str) else tuple(v[1]))
                for v in self.visible]

    @property
    def id(self):
        return f"{self.function}-{self.name}"

    def code(self, solutions):
        """The wrong function's source, given the source notebook's solutions (grade_id -> source)."""
        if self.source is not None:
            return self.source
        code = solutions[self.function]
        for old, new in self.edits:
            if code.count(old) != 1:
                raise ValueError(f"mistake {self.id}: {old!r} is not exactly once in the solution any more")
            code = code.replace(old, new)
        return code


CATALOGUE = []


def mistake(assignment, name, says, visible=()):
    """Register the decorated function as a typical mistake in the graded function of its name."""
    def register(fn):
        lines = textwrap.dedent(inspect.getsource(fn)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        CATALOGUE.append(Mistake(assignment, fn.__name__, name, says, "\n".join(lines[start:]) + "\n",
                                 visible=visible))
        return fn
    return register


def mutation(assignment, function, name, says, *edits, visible=()):
    """Register a mistake made from the source solution of function by exact (old, new) edits."""
    CATALOGUE.append(Mistake(assignment, function, name, says, edits=edits, visible=visible))


def catalogue(assignment):
    """The mistakes of one assignment."""
    return [m for m in CATALOGUE if m.assignment == assignment]
