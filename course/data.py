"""Data of the notebooks: the perceptron's binary inputs, gate labels and separable sets; 06's digits.

Data only: nothing here computes a graded answer.
"""
import numpy as np

# The four corners of the unit square, in truth-table order: (0,0), (0,1), (1,0), (1,1).
BINARY_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

# Each gate's output for BINARY_INPUTS, row by row.
GATE_LABELS = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}


def logic_gate(name):
    """Return (X, y) for a two-input gate: 'AND', 'OR', 'NAND' or 'XOR'.

    X: (4, 2) float, the binary inputs in truth-table order; y: (4,) int of 0/1. Fresh copies.
    """
    key = str(name).upper()
    if key not in GATE_LABELS:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(GATE_LABELS)}")
    return BINARY_INPUTS.copy(), GATE_LABELS[key].copy()


def separable_data(n=40, seed=0, margin=0.15):
    """Return (X, y, w, b): n random points in [-1, 1]^2 on both sides of a random line, at least margin away.

    X: (n, 2) float; y: (n,) int, 1 on the side the normal w points to; w: (2,) unit normal; b: float.
    Both labels occur. The margin keeps the perceptron's convergence quick (Novikoff's bound).
    """
    n = int(n)
    if n < 2:
        raise ValueError("n must be at least 2 so that both labels occur")
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.3, 0.3)
    candidates = rng.uniform(-1.0, 1.0, (20 * n + 100, 2))
    distance = candidates @ normal + offset
    candidates, sides = candidates[np.abs(distance) >= margin], (distance[np.abs(distance) >= margin] > 0).astype(int)
    # The first point of each side, then the others in the order drawn: both labels occur.
    firsts = [int(np.argmax(sides == 0)), int(np.argmax(sides == 1))]
    order = firsts + [i for i in range(len(sides)) if i not in firsts][: n - 2]
    order = sorted(order)
    return candidates[order], sides[order], normal, float(offset)


# The 8×8 handwritten digits of notebook 06: UCI "Optical Recognition of Handwritten Digits" (E. Alpaydin,
# C. Kaynak, 1998; CC BY 4.0), the 1,797 images scikit-learn ships, stored in digits.npz beside the notebook.
DIGITS_COUNT, DIGITS_TRAIN = 1797, 1497


def digits(path="digits.npz"):
    """Return (X_train, y_train, X_test, y_test): the course's fixed split of the digits, pixels in [0, 1].

    X_*: (N, 1, 8, 8) float64, the stored values 0-16 divided by 16; y_*: (N,) int64 labels 0-9.
    The split is fixed: order = np.random.default_rng(0).permutation(1797); its first 1,497 indices
    train, the last 300 test.
    """
    try:
        with np.load(path) as stored:
            images, labels = stored["images"], stored["labels"]
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} is missing: it comes with the notebook, in the same folder") from None
    except (KeyError, ValueError, OSError) as err:
        raise ValueError(f"{path} is not the course's digits file ({err}); fetch the notebook's folder again") from None
    if images.shape != (DIGITS_COUNT, 8, 8) or labels.shape != (DIGITS_COUNT,):
        raise ValueError(f"{path} holds images {images.shape} and labels {labels.shape}, "
                         f"not ({DIGITS_COUNT}, 8, 8) and ({DIGITS_COUNT},): fetch the notebook's folder again")
    order = np.random.default_rng(0).permutation(DIGITS_COUNT)
    X = images[order].astype(np.float64)[:, None] / 16.0
    y = labels[order].astype(np.int64)
    return X[:DIGITS_TRAIN], y[:DIGITS_TRAIN], X[DIGITS_TRAIN:], y[DIGITS_TRAIN:]
