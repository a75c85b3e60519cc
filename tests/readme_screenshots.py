"""Take the README's screenshots in the real browser: explorers, and a failed gradient check's diagnosis.

    .venv/bin/python tests/readme_screenshots.py

Writes docs/explorer.png (the gradient-check explorer of notebook 02, h moved down),
docs/gradient-check-diagnosis.png (notebook 04 with average pooling's 1/m forgotten) and
docs/saliency.png (06's saliency explorer on the network the notebook trains, a few digits on;
once 06 is registered), each cropped to its notebook cell.
"""
import tempfile
from pathlib import Path

from autograder.mistakes import catalogue
from autograder.notebooks import REPO, existing_assignments, notebook_path, read_notebook, solution_code
from lab_browser import (
    ERROR_OUTPUT,
    VIEWPORT,
    cell_output,
    chromium,
    code_cell,
    course_with_solutions,
    lab_server,
    open_notebook,
    press_and_time,
    release_path,
    run_all_cells,
)

DOCS = REPO / "docs"
MISTAKE = ("04_pooling_backprop", "avg_pool_backward", "missing-one-over-m")
EXPLORER = ("02_computational_graphs", "gradient_check_explorer(numerical_gradient)", [("h", "ArrowLeft")] * 8)
SALIENCY = ("06_train_a_cnn", "saliency_explorer(params", [("test digit", "ArrowRight")] * 3)


def explorer_shot(page, server, path, explorer=EXPLORER):
    aid, code, moves = explorer
    open_notebook(page, server, release_path(aid), workspace=f"explorer-{aid}")
    run_all_cells(page)
    for slider, key in moves:
        press_and_time(cell_output(page, code), slider, key)
    code_cell(page, code).screenshot(path=path)


def saliency_shot(page, server, path):
    explorer_shot(page, server, path, SALIENCY)


def diagnosis_shot(page, server, path):
    open_notebook(page, server, release_path(MISTAKE[0]), workspace="diagnosis")
    run_all_cells(page)
    failed = page.locator(".jp-Notebook .jp-CodeCell").filter(has=page.locator(ERROR_OUTPUT)).first
    assert "constant factor" in failed.inner_text(), failed.inner_text()
    failed.screenshot(path=path)


def main():
    aid, function, name = MISTAKE
    mistake = next(m for m in catalogue(aid) if (m.function, m.name) == (function, name))
    wrong = mistake.code(solution_code(read_notebook(notebook_path(REPO, "source", aid))))
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = course_with_solutions(Path(tmp) / "course", {aid: {function: wrong}})
        with lab_server(root, Path(tmp) / "home") as server, chromium() as browser:
            for shoot, name, aid in [(explorer_shot, "explorer.png", EXPLORER[0]),
                                     (diagnosis_shot, "gradient-check-diagnosis.png", MISTAKE[0]),
                                     (saliency_shot, "saliency.png", SALIENCY[0])]:
                if aid not in existing_assignments(root):
                    print(f"no {DOCS / name}: {aid} is not registered yet, or has no notebook")
                    continue
                page = browser.new_page(viewport=VIEWPORT)
                shoot(page, server, DOCS / name)
                page.close()
                server.shutdown_kernels()
                print(f"wrote {DOCS / name} ({(DOCS / name).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
