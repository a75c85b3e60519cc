"""Check that an explorer's quick update (still part restored, moving artists drawn) shows the whole truth.

After every move of every explorer, the PNG in its Image widget must equal a full draw of its
figure, so no stale pixel of an earlier state can survive; and an ordinary move must not redraw
the still part, which is what makes an update take milliseconds.
"""
import importlib
import io

import numpy as np
import PIL.Image
import pytest
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from course import lab
from course.explorer import png
from explorer_cases import CASES, build


def shown_pixels(picture):
    """The RGB pixels of the PNG the widget holds, as the browser decodes them."""
    return np.asarray(PIL.Image.open(io.BytesIO(picture.widget.value)).convert("RGB")).astype(int)


def full_draw(picture):
    """The RGB pixels of the figure drawn whole, moving artists included, the way savefig would."""
    for artist in picture.moving:
        artist.set_animated(False)
    try:
        picture.figure.canvas.draw()
        return np.asarray(picture.figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    finally:
        for artist in picture.moving:
            artist.set_animated(True)


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.mark.parametrize("name", CASES)
def test_every_move_shows_what_a_full_draw_shows(name):
    """Check that after each move the picture equals a full draw of the figure, pixel for pixel."""
    explorer, picture, moves = build(name)
    for control, value in moves:
        before = picture.widget.value
        control.value = value
        assert picture.widget.value != before or control.value != value, f"{name}: {value} changed nothing"
        shown, full = shown_pixels(picture), full_draw(picture)
        assert shown.shape == full.shape
        # antialiased edges of a line drawn over, not under, a curve may differ by a shade
        differ = (np.abs(shown - full).max(axis=2) > 40).sum()
        assert differ <= 10, f"{name} after {control.description} = {value}: {differ} pixels differ from a full draw"


@pytest.mark.parametrize("name", CASES)
def test_an_ordinary_move_keeps_the_still_part(name):
    """Check that moving a control that leaves the still part alone does not draw it again."""
    explorer, _, moves = build(name)
    drawn = []
    draw = explorer.draw
    explorer.draw = lambda: drawn.append(1) or draw()
    control, value = moves[0]
    control.value = value
    assert not drawn, f"{name}: the first move ({control.description}) drew the still part again"


def test_png_is_a_valid_picture_of_the_pixels():
    """Check that png() writes a PNG that decodes to the same RGB pixels."""
    rgba = np.random.default_rng(0).integers(0, 256, (7, 13, 4), dtype=np.uint8)
    decoded = PIL.Image.open(io.BytesIO(png(rgba)))
    assert decoded.mode == "RGB" and decoded.size == (13, 7)
    assert np.array_equal(np.asarray(decoded), rgba[:, :, :3])


def test_lab_command_serves_the_course_root_with_prompt_kernel_messages():
    """Check `make lab`'s command: course root, release/ opened, the no-delay kernel connection, and
    that an option given replaces the command's own (Jupyter refuses one given twice)."""
    line = lab.command("--no-browser")
    assert line[1:3] == ["-m", "jupyterlab"] and line[-1] == "--no-browser"
    assert "--ServerApp.root_dir=." in line and "--LabApp.default_url=/lab/tree/release" in line
    option = next(o for o in line if o.startswith("--ServerApp.kernel_websocket_connection_class="))
    module, _, name = option.split("=", 1)[1].rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), name), ZMQChannelsWebsocketConnection)
    moved = lab.command("--ServerApp.root_dir=/elsewhere")
    assert "--ServerApp.root_dir=." not in moved and moved.count("--ServerApp.root_dir=/elsewhere") == 1
