"""Draw a computational graph with each wire's forward value (green, above) and gradient (red, below)."""
import math

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

from course.fonts import use_hangul_fallback
from course.glyphs import quick_text

use_hangul_fallback()  # the Korean edition's titles and labels draw in Hangul; English ones are unchanged
DX, DY, R, STUB = 1.0, 0.75, 0.2, 0.8  # column step, row step, node radius, output wire: data units
INCH = 1.25  # inches per data unit in a figure we create, so text and circles keep their proportions
GAP = 0.03  # how far the numbers sit off their wire
VALUE, GRAD = "tab:green", "tab:red"


def _fmt(v):
    """Return v with 2 decimals, or with 3 significant digits when it is tiny or huge."""
    v = float(v) + 0.0  # + 0.0 turns -0.0 into 0.0, so a zero never shows as "-0.00"
    return f"{v:.2f}" if v == 0 or 1e-2 <= abs(v) < 1e5 else f"{v:.3g}"


def _topo(nodes):
    """Return (nodes in topological order, outputs); raise ValueError on unknown inputs or a cycle."""
    for name, (_, inputs) in nodes.items():
        for i in inputs:
            if i not in nodes:
                raise ValueError(f"node {name!r} has input {i!r}, which is not a node")
    order, state = [], {}  # state: 1 while on the search path, 2 when finished

    def visit(n, path):
        if state.get(n) == 1:
            cycle = path[path.index(n):] + [n]
            raise ValueError("the graph has a cycle (node -> its input): " + " -> ".join(cycle))
        if state.get(n) is None:
            state[n] = 1
            for i in nodes[n][1]:
                visit(i, path + [n])
            state[n] = 2
            order.append(n)

    consumed = {i for _, inputs in nodes.values() for i in inputs}
    outputs = [n for n in nodes if n not in consumed]
    for n in outputs + list(nodes):  # starting from the outputs lists the inputs as the formula reads
        visit(n, [])
    return order, outputs


def _layout(nodes, order):
    """Return (name -> (x, y), (name, k) -> the points of the wire from the k-th input of name)."""
    depth = {}
    for n in order:
        depth[n] = 1 + max((depth[i] for i in nodes[n][1]), default=-1)
    ins, outs, chains = {n: [] for n in order}, {n: [] for n in order}, {}
    for n in order:
        for k, i in enumerate(nodes[n][1]):
            # a wire that skips columns bends at a point in each, so it can go around the nodes there
            chain = [i] + [(n, k, d) for d in range(depth[i] + 1, depth[n])] + [n]
            for a, b in zip(chain, chain[1:]):
                outs.setdefault(a, []).append(b)
                ins.setdefault(b, []).append(a)
            depth.update({c: c[2] for c in chain[1:-1]})
            chains[n, k] = chain
    cols = [[v for v in ins if depth[v] == d] for d in range(max(depth.values()) + 1)]
    y = {v: -k * DY for k, v in enumerate(cols[0])}

    def place(col, near):
        # the mean height of a node's neighbours keeps wires short and crossings few
        want = {v: sum(y[u] for u in near[v]) / len(near[v]) if near[v] else y[v] for v in col}
        col.sort(key=lambda v: -want[v])  # a stable sort: ties keep their current order
        ys = []
        for v in col:  # push nodes down until they are a row apart, then recenter the column
            ys.append(min(want[v], ys[-1] - DY) if ys else want[v])
        shift = (sum(want.values()) - sum(ys)) / len(ys)
        y.update({v: h + shift for v, h in zip(col, ys)})

    for _ in range(3):  # a few sweeps each way, as in Sugiyama's layered drawing
        for col in cols[1:]:
            place(col, ins)
        for col in reversed(cols[:-1]):
            place(col, outs)
    for col in cols[1:]:
        place(col, ins)
    pos = {v: (depth[v] * DX, y[v]) for v in ins}
    return {n: pos[n] for n in nodes}, {key: [pos[v] for v in chain] for key, chain in chains.items()}


def _wire(ax, points, r0, r1, value, grad):
    """Draw a wire through points, outside the end circles of radius r0, r1; value above, grad below.

    Returns the numbers' Text artists: {"value": Text, "grad": Text}, for the numbers given.
    """
    (x0, y0), (x1, y1) = points[0], points[1]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    (xa, ya), (xb, yb) = points[-2], points[-1]
    last = math.hypot(xb - xa, yb - ya)
    xs = [x0 + r0 * ux] + [x for x, _ in points[1:-1]] + [xb - r1 * (xb - xa) / last]
    ys = [y0 + r0 * uy] + [y for _, y in points[1:-1]] + [yb - r1 * (yb - ya) / last]
    ax.plot(xs, ys, color="k", lw=1, zorder=1)
    # the numbers go mid-way along the first segment, where the wire is still next to its source
    t = (r0 + length - (r1 if len(points) == 2 else R)) / 2
    x, y, angle = x0 + t * ux, y0 + t * uy, math.degrees(math.atan2(uy, ux))
    numbers = {}
    for kind, number, color, side, va in (("value", value, VALUE, 1, "bottom"), ("grad", grad, GRAD, -1, "top")):
        if number is not None:
            # a white box keeps a number readable where another wire crosses it
            numbers[kind] = quick_text(ax, x - side * GAP * uy, y + side * GAP * ux, _fmt(number), color=color,
                                       # the axes' equal aspect keeps the wire's angle on screen
                                       ha="center", va=va, fontsize=9, rotation=angle, rotation_mode="anchor",
                                       zorder=3, bbox=dict(facecolor="white", edgecolor="none", pad=0.3))
    return numbers


def draw_graph(nodes, values=None, grads=None, ax=None, title=None):
    """Draw a computational graph with each node's forward value and gradient; returns the Axes.

    nodes: dict name -> (label, inputs), in any order; inputs is a list of node names
           (empty for a graph input). label is the operation shown in the node circle
           ("+", "*", "max", "σ", "exp", "1/x", ...) or None for an input (then the name is shown).
    values: dict name -> float (forward value), optional, missing keys are simply not drawn.
    grads:  dict name -> float (gradient of the output w.r.t. that node), optional.
    """
    return draw_graph_numbers(nodes, values, grads, ax, title)[0]


def draw_graph_numbers(nodes, values=None, grads=None, ax=None, title=None):
    """Draw a graph as draw_graph does; return (Axes, {(node, "value" or "grad"): [Text of that number]}).

    A node that feeds several gates shows its numbers on each of its wires, hence the lists.
    """
    if not nodes:
        raise ValueError("nodes is empty: there is no graph to draw")
    order, outputs = _topo(nodes)
    pos, paths = _layout(nodes, order)
    values, grads, numbers = values or {}, grads or {}, {}

    def wire(node, *args):
        for kind, artist in _wire(ax, *args, values.get(node), grads.get(node)).items():
            numbers.setdefault((node, kind), []).append(artist)

    text = {n: n if label is None else label for n, (label, _) in nodes.items()}
    radius = {n: R if inputs else 0.0 for n, (_, inputs) in nodes.items()}
    xs, ys = zip(*pos.values(), *(p for path in paths.values() for p in path))  # bends count too
    widest = max(len(text[n]) for n in nodes if not nodes[n][1])  # names printed left of the inputs
    xlim = (min(xs) - 0.15 - 0.08 * widest, max(xs) + STUB + 0.15 + 0.08 * max(map(len, outputs)))
    ylim = (min(ys) - 0.4, max(ys) + 0.4)
    if ax is None:
        width, height = INCH * (xlim[1] - xlim[0]), INCH * (ylim[1] - ylim[0])
        fig, ax = plt.subplots(figsize=(width, height + (0.4 if title else 0)))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=height / (height + (0.4 if title else 0)))
    for n in order:
        (x, y), inputs = pos[n], nodes[n][1]
        if inputs:
            ax.add_patch(Circle((x, y), R, facecolor="white", edgecolor="k", zorder=2))
            ax.text(x, y, text[n], ha="center", va="center", fontsize=11 if len(text[n]) < 3 else 9)
        else:
            ax.text(x - 0.05, y, text[n], ha="right", va="center", fontsize=11)
        for k, i in enumerate(inputs):
            wire(i, paths[n, k], radius[i], R)
    for n in outputs:  # the output gets a wire of its own, so its value and gradient show too
        x, y = pos[n]
        wire(n, [(x, y), (x + STUB, y)], radius[n], 0.0)
        ax.text(x + STUB + 0.05, y, n, ha="left", va="center", fontsize=11)
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax, numbers
