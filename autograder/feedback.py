"""Feedback that shows students their results but no hidden test code and no expected values."""
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .notebooks import HIDDEN, outside

NOTE = "# (hidden tests ran here)"


def strip_hidden(source):
    """Replace every hidden-test region of a cell's source by one comment line."""
    return outside(source, HIDDEN, note=NOTE)


class HideHiddenTests(Preprocessor):
    """Remove hidden tests from test cells and keep only the last line of each error."""

    # nbgrader registers configured preprocessors without enabling them.
    enabled = Bool(True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.source = strip_hidden(cell.source)
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    # A traceback quotes the test code that failed; the message alone says enough.
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources
