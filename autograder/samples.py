"""Sample submissions for the demo and the tests: one correct, one with typical mistakes, broken ones.

Built from the course's own notebooks each time, so they always match the current release.
"""
import nbformat

from .mistakes import catalogue
from .notebooks import fill, nbgrader_cells, notebook_path, read_notebook, solution_code

KILL_KERNEL = "\nimport os\nos._exit(1)  # the kernel dies here\n"


def _mistake_code(aid, count=3):
    """The first mistake of each of the first few functions that have one."""
    chosen = {}
    for m in catalogue(aid):
        if m.function not in chosen and len(chosen) < count:
            chosen[m.function] = m
    return chosen


def expected_losses(aid):
    """The functions that the 'typical mistakes' sample gets wrong."""
    return sorted(_mistake_code(aid))


def build(root, aid):
    """Write every sample student's submission of aid under root/submitted; return the roster."""
    source = read_notebook(notebook_path(root, "source", aid))
    release = read_notebook(notebook_path(root, "release", aid))
    code = solution_code(source)

    def write(student, nb=None, text=None, name=None):
        path = notebook_path(root / "submitted" / student, "", aid)
        path = path.with_name(name) if name else path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else nbformat.writes(nb))

    write("ada", fill(release, code))
    write("brook", fill(release, {**code, **{f: m.code(code) for f, m in _mistake_code(aid).items()}}))
    write("cal", text=nbformat.writes(fill(release, code))[:-400])
    write("dee", fill(release, code), name=f"{aid} (1).ipynb")
    edited = fill(release, code)
    tests = list(nbgrader_cells(edited, "grade").values())
    tests[0].source = "pass"
    edited.cells.remove(tests[-1])
    write("eve", edited)
    first = next(iter(nbgrader_cells(release, "solution")))
    write("fay", fill(release, {**code, first: code[first] + KILL_KERNEL}))
    write("gus", release)
    return {
        "ada": "correct",
        "brook": "typical mistakes in " + ", ".join(expected_losses(aid)),
        "cal": "malformed notebook (truncated JSON)",
        "dee": "renamed notebook",
        "eve": "correct, but deleted one test cell and emptied another",
        "fay": "its code kills the kernel",
        "gus": "submitted the release notebook unchanged",
        "hal": "on the roster, submitted nothing",
    }


# Submissions that try to cheat or harm, as a student would: each is a typical-mistakes ("brook")
# or correct ("ada") submission plus the attack, so its deserved grade is known.
ATTACKS = {
    "ivy": ("brook", "replaces np.allclose and the course's checks before the tests run", """
import numpy as np
import course.gradcheck as _g
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
_pass = lambda *a, **k: None
for _name in ("assert_close", "check_backward", "check_gradient", "check_directional"):
    setattr(_g, _name, _pass)
    globals()[_name] = _pass
"""),
    "jon": ("brook", "an IPython input transformer that blanks the test cells", """
def _blank_tests(lines):
    return [] if any('\"\"\"Check that' in line for line in lines) else lines
get_ipython().input_transformers_post.append(_blank_tests)
"""),
    "kim": ("brook", "writes an IPython startup file into HOME and the instructor's home", """
import os, pathlib
for _home in {os.path.expanduser("~"), "/root", "/home"}:
    try:
        _d = pathlib.Path(_home, ".ipython", "profile_default", "startup")
        _d.mkdir(parents=True, exist_ok=True)
        (_d / "00-backprop-attack.py").write_text("import numpy\\nnumpy.allclose = lambda *a, **k: True\\n")
    except OSError:
        pass
"""),
    "lee": ("brook", "starts a background process that rewrites gradebook.db after grading", """
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time, pathlib\\ntime.sleep(3)\\nfor up in range(1, 7):\\n"
                  "    try:\\n        pathlib.Path('../' * up + 'gradebook.db').write_bytes(b'owned')\\n"
                  "    except OSError:\\n        pass\\n# backprop-attack-marker"], start_new_session=True)
"""),
    "max": ("brook", "reads the hidden tests and the solutions from source/", """
import glob as _glob, json as _json, re as _re
for _up in range(1, 7):
    for _path in _glob.glob("../" * _up + "source/*/*.ipynb"):
        for _cell in _json.load(open(_path))["cells"]:
            if "### BEGIN SOLUTION" in "".join(_cell["source"]):
                exec(_re.sub(r"### (BEGIN|END) SOLUTION", "", "".join(_cell["source"])), globals())
"""),
    "ned": ("brook", "turns the checks off only when NBGRADER_EXECUTION is set", """
import os
if os.environ.get("NBGRADER_EXECUTION"):
    globals().update(assert_close=lambda *a, **k: None, check_backward=lambda *a, **k: None,
                     check_gradient=lambda *a, **k: None, check_directional=lambda *a, **k: None)
"""),
    "ora": ("ada", "correct, but writes a warning to stderr", """
import sys, warnings
print("note to self: check this", file=sys.stderr)
warnings.warn("a harmless warning")
"""),
    "uma": ("brook", "sends its notebook to a server on the grading machine", """
import socket
try:
    with socket.create_connection(("127.0.0.1", 47321), timeout=2) as _s:
        _s.sendall(open("02_computational_graphs.ipynb", "rb").read()[:1000])
except OSError:
    pass
"""),
    "vic": ("brook", "forks a daemon that outlives its cell", """
import os, time
if os.fork() == 0:
    os.setsid()
    time.sleep(30)
    os._exit(0)
"""),
    "pia": ("brook", "a fork bomb", """
import os, time
for _ in range(300):
    try:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    except OSError:
        break
"""),
}
# Attacks on one function: its points are lost, the rest is graded.
FUNCTION_ATTACKS = {
    "quinn": ("memory", "one function allocates without bound", """
    _hoard = []
    while True:
        _hoard.append(bytearray(1 << 26))
"""),
    "rex": ("timeout", "one cell sleeps for ten minutes", "\nimport time\ntime.sleep(600)\n"),
}


def build_attacks(root, aid, target):
    """Write the attack submissions of aid under root/submitted; target is the function FUNCTION_ATTACKS hit."""
    source = read_notebook(notebook_path(root, "source", aid))
    release = read_notebook(notebook_path(root, "release", aid))
    code = solution_code(source)
    bases = {"ada": code, "brook": {**code, **{f: m.code(code) for f, m in _mistake_code(aid).items()}}}
    first = next(iter(nbgrader_cells(release, "solution")))
    roster = {}
    for student, (base, what, attack) in ATTACKS.items():
        _write(root, aid, student, fill(release, {**bases[base], first: bases[base][first] + "\n" + attack}))
        roster[student] = what
    body = code[target].rstrip("\n").split("\n")
    cut = next(i for i, line in enumerate(body) if line.startswith(f"def {target}("))
    signature_end = next(i for i in range(cut, len(body)) if body[i].rstrip().endswith(":"))
    _write(root, aid, "quinn", fill(release, {**code, target: "\n".join(body[:signature_end + 1]) +
                                              FUNCTION_ATTACKS["quinn"][2] + "\n".join(body[signature_end + 1:])}))
    _write(root, aid, "rex", fill(release, {**code, target: code[target] + FUNCTION_ATTACKS["rex"][2]}))
    empty = notebook_path(root / "submitted" / "sam", "", aid)
    empty.parent.mkdir(parents=True, exist_ok=True)
    empty.write_text("")
    (root / "submitted" / "tia" / aid).mkdir(parents=True, exist_ok=True)
    roster.update(quinn=FUNCTION_ATTACKS["quinn"][1], rex=FUNCTION_ATTACKS["rex"][1],
                  sam="submitted an empty (0-byte) notebook", tia="submitted an empty folder")
    return roster


def _write(root, aid, student, nb):
    path = notebook_path(root / "submitted" / student, "", aid)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb))
