"""JupyterLab's widget round trip: a key press on a slider to the new picture, with and without Nagle's delay.

One notebook holds a slider whose observer writes its value into an HTML widget and a tiny PNG
into an Image widget: the least an explorer does. Its update time in headless Chromium is the
round trip every explorer pays on top of its own work. It is measured on JupyterLab as
`make lab` starts it (course.lab's kernel websocket, TCP_NODELAY) and on JupyterLab's own
websocket, in the same run. Run: .venv/bin/python -m benchmarks.widget_round_trip
"""
import statistics
import tempfile
from pathlib import Path

import nbformat

from tests.lab_browser import (
    VIEWPORT,
    cell_output,
    chromium,
    lab_server,
    open_notebook,
    press_and_time,
    run_all_cells,
)

JUPYTER_DEFAULT = "--ServerApp.kernel_websocket_connection_class=" \
                  "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection"
CELL = '''import io
import ipywidgets as widgets
import PIL.Image

slider = widgets.FloatSlider(value=0, min=-3, max=3, step=0.1, description="probe")
numbers, picture = widgets.HTML(), widgets.Image(format="png")

def show(change):
    numbers.value = f"value = {change['new']:.1f}"
    png = io.BytesIO()
    PIL.Image.new("RGB", (8, 8), (int(40 * (change["new"] + 3)), 0, 0)).save(png, format="png")
    picture.value = png.getvalue()

slider.observe(show, names="value")
show({"new": 0.0})
widgets.VBox([slider, numbers, picture])  # probe
'''
KEYS = ["ArrowRight"] * 10 + ["ArrowLeft"] * 10


def round_trips(options):
    """Milliseconds from key press to new picture for each of KEYS, on a server started with options."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        root.mkdir()
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, root / "round_trip.ipynb")
        with lab_server(root, Path(tmp) / "home", options) as server, chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            open_notebook(page, server, "round_trip.ipynb", workspace="round-trip")
            run_all_cells(page)
            output = cell_output(page, "# probe")
            return [press_and_time(output, "probe", key) for key in KEYS]


def main():
    ours, default = round_trips(()), round_trips((JUPYTER_DEFAULT,))
    for name, times in [("make lab (TCP_NODELAY)", ours), ("JupyterLab's default", default)]:
        print(f"{name:<24} median {statistics.median(times):5.1f} ms   "
              f"(quartiles {', '.join(f'{q:.0f}' for q in statistics.quantiles(times, n=4))} ms)")
    print(f"ratio of medians: {statistics.median(default) / statistics.median(ours):.1f}×")


if __name__ == "__main__":
    main()
