"""Deadlines: each assignment's due date, from the course's config, and the late penalty policy.

nbgrader_config.py sets both: `c.Deadlines.due_dates` maps an assignment to its due date, and
`c.FractionPerDay` says how much of the score a day late costs and after how many days it is all.
The same plugin serves nbgrader's AssignLatePenalties (nbgrader autograde, the formgrader) and the
course's own grader, so every path charges a late submission alike.
"""
import math

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.utils import parse_utc
from traitlets import Dict, Float
from traitlets.config import Configurable

DAY = 24 * 60 * 60


class Deadlines(Configurable):
    """The due date of each assignment, as nbgrader writes times ("2026-12-14 23:59:00 UTC")."""

    due_dates = Dict({}, help="assignment id -> its due date").tag(config=True)

    def due(self, aid):
        """The due date of aid as a UTC datetime, or None if it has none."""
        return parse_utc(self.due_dates[aid]) if aid in self.due_dates else None


class FractionPerDay(LateSubmissionPlugin):
    """A late penalty of a fraction of the score for each day or part of one, and the whole score after a week."""

    fraction_per_day = Float(0.1, help="the part of the score a day late costs").tag(config=True)
    zero_after_days = Float(7.0, help="later than this many days, the penalty is the whole score").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        """The points a submission total_seconds_late late loses of score, or None if it was on time."""
        if total_seconds_late <= 0:
            return None
        if total_seconds_late > self.zero_after_days * DAY:
            return score
        return min(score, round(score * self.fraction_per_day * math.ceil(total_seconds_late / DAY), 2))

    def describe(self, seconds_late, penalty):
        """The note a late submission gets in the grade table: how late, and what it cost."""
        days = seconds_late / DAY
        return (f"submitted {days:.1f} days late: -{penalty:g} points ({self.fraction_per_day:.0%} of the score per "
                f"day begun, all of it after {self.zero_after_days:g} days)")
