"""What grading reports: one Result per student and assignment, and the table, histogram and progress shown of them."""
import sys
import time
from dataclasses import dataclass, field

GRADED, NOT_GRADED = "graded", "not graded"


@dataclass
class Result:
    """One student's outcome on one assignment, as the grade table and the export show it."""
    student: str
    assignment: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    submitted: str = ""  # when it came in (nbgrader's timestamp.txt), if known
    late_penalty: float = 0.0  # points taken off for lateness; score is after them


def table(results):
    """The grade table, one line per student and assignment."""
    rows = [("assignment", "student", "score", "status", "notes")]
    rows += [(r.assignment, r.student, f"{r.score:g}/{r.max_score:g}", r.status, "; ".join(r.notes))
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4] for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def histogram(results, bins=10, width=40):
    """A text histogram of the graded scores, as percentages of the maximum."""
    scores = [100 * r.score / r.max_score for r in results if r.status == GRADED and r.max_score]
    if not scores:
        return "no graded submissions"
    counts = [0] * bins
    for s in scores:
        counts[min(int(s * bins / 100), bins - 1)] += 1
    top = max(counts)
    lines = [f"{100 * i // bins:3d}-{100 * (i + 1) // bins:3d}% | {'#' * round(width * c / top):<{width}} {c}"
             for i, c in enumerate(counts)]
    ungraded = sum(r.status != GRADED for r in results)
    return "\n".join(lines + [f"not graded: {ungraded}"])


def integrity(results):
    """What looked like tampering, one line per finding."""
    return [f"{r.assignment} {r.student}: {flag}" for r in results for flag in r.flags]


def summary(results):
    """The grade table, the histogram of scores and the integrity report, for the terminal."""
    found = integrity(results)
    return "\n\n".join([table(results), "scores\n" + histogram(results),
                        "integrity report\n" + ("\n".join(found) if found else "nothing suspicious")])


class Progress:
    """A progress bar on a terminal (one line per student elsewhere), for grading a class."""

    def __init__(self, total, aid, out=None, width=30):
        self.total, self.aid, self.out, self.width, self.done = total, aid, out or sys.stdout, width, 0
        self.start = time.perf_counter()
        self.tty = self.out.isatty()

    def step(self, result):
        """Show one more finished Result."""
        self.done += 1
        filled = self.width * self.done // max(self.total, 1)
        line = (f"{self.aid} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                f"{result.student}: {result.score:g}/{result.max_score:g}"
                + ("" if result.status == GRADED else f" ({result.status})"))
        self.out.write(("\r" + line.ljust(100)) if self.tty else line + "\n")
        self.out.flush()

    def close(self, rows):
        """End the bar with the count and the time taken."""
        if self.tty:
            self.out.write("\n")
        self.out.write(f"{self.aid}: {len(rows)} students in {time.perf_counter() - self.start:.1f} s\n")
