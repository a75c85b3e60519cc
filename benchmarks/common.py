"""What the benchmarks share: the notebook's own solutions, optional PyTorch, and a best-of timer."""
import os
import timeit

import numpy as np

from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code

try:
    import torch
    import torch.nn.functional as F
    # the machine's cores, as NumPy's BLAS uses them; OMP_NUM_THREADS=1 makes both single-threaded (on a
    # busy machine PyTorch's second thread waits for a core at every barrier: 100x slower on small convs)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", 2)))
except ImportError:
    torch = F = None


def notebook_functions(aid):
    """The source notebook's solutions of aid, as a namespace of functions."""
    namespace = {"np": np}
    for source in solution_code(read_notebook(notebook_path(REPO, "source", aid))).values():
        exec(source, namespace)
    return namespace


def best(fn, budget=1.0, repeat=5):
    """Seconds per call: the best of repeat runs, each about budget / 5 long (one call if fn is slow)."""
    once = timeit.timeit(fn, number=1)
    if once > budget:
        return once
    number = max(1, int(budget / 5 / once))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number
