"""Feedback that shows students their results but no hidden test code and no expected values."""
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
NOTE = "# (hidden tests ran here)"


def strip_hidden(source):
    """Replace every hidden-test region of a cell's source by one comment line."""
    kept, hidden = [], False
    for line in source.splitlines():
        if BEGIN in line:
            hidden = True
            kept.append(NOTE)
        elif END in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


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
