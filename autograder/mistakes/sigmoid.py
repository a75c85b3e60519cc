"""Typical mistakes in 03_sigmoid_gates (the source notebook's caches: sigmoid (x, out), affine (x, w, b))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

A = "03_sigmoid_gates"


@mistake(A, "overflows", "overflow")
def sigmoid_forward(x):
    x = np.asarray(x, dtype=float)
    out = 1.0 / (1.0 + np.exp(-x))
    return out, (x, out)


@mistake(A, "where-both-branches", "overflow")
def sigmoid_forward(x):
    x = np.asarray(x, dtype=float)
    out = np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
    return out, (x, out)


@mistake(A, "one-minus-input", "not from the input x")
def sigmoid_backward(dout, cache):
    x, out = cache
    return dout * out * (1.0 - x)


@mistake(A, "local-gradient-of-input", "not from the input x",  # zero at the example's x = 0 and 1
         visible=(("sigmoid_backward_example",
                   ("it is zero everywhere, though it should not be.", "not from the input x")),))
def sigmoid_backward(dout, cache):
    x, out = cache
    return dout * x * (1.0 - x)


@mistake(A, "forgot-upstream", "upstream gradient dout",
         visible=(("neuron_forward_backward_example", "fix sigmoid_forward and sigmoid_backward first"),))
def sigmoid_backward(dout, cache):
    x, out = cache
    return out * (1.0 - out) * np.ones_like(dout)


@mistake(A, "hard-coded-example", "hard-coded")
def neuron_forward_backward(w, x):
    return 0.7310585786300049, np.array([-0.19661193, -0.39322387, 0.19661193]), np.array([0.39322387, -0.5898358])


@mistake(A, "no-swap", "swap")
def neuron_forward_backward(w, x):
    s = w[0] * x[0] + w[1] * x[1] + w[2]
    f, cache = sigmoid_forward(s)
    ds = sigmoid_backward(1.0, cache)
    return float(f), np.array([w[0] * ds, w[1] * ds, ds]), np.array([x[0] * ds, x[1] * ds])


@mistake(A, "sigma-prime-of-input", "sigma(s)(1 - sigma(s))")
def neuron_forward_backward(w, x):
    s = w[0] * x[0] + w[1] * x[1] + w[2]
    f, _ = sigmoid_forward(s)
    ds = f * (1 - s)
    return float(f), np.array([x[0] * ds, x[1] * ds, ds]), np.array([w[0] * ds, w[1] * ds])


@mistake(A, "no-bias", "bias")
def affine_forward(x, w, b):
    return x @ w, (x, w, b)


@mistake(A, "own-numpy-layers", "your own layer functions")
def train_xor_mlp(X, y, hidden_size=8, lr=1.0, epochs=2000, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((X.shape[1], hidden_size)), "b1": np.zeros(hidden_size),
              "W2": rng.standard_normal((hidden_size, 1)), "b2": np.zeros(1)}
    t = np.asarray(y, dtype=float).reshape(-1, 1)
    losses = []
    for _ in range(epochs):
        h = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
        scores = h @ params["W2"] + params["b2"]
        p = 0.5 * (1 + np.tanh(scores / 2))
        losses.append(float(np.mean(t * np.logaddexp(0.0, -scores) + (1.0 - t) * np.logaddexp(0.0, scores))))
        dscores = (p - t) / len(t)
        da = (dscores @ params["W2"].T) * h * (1 - h)
        grads = {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dscores, "b2": dscores.sum(axis=0)}
        for name in params:
            params[name] = params[name] - lr * grads[name]
    return params, losses


@mistake(A, "probabilities-not-labels", "0/1 labels")
def mlp_predict(params, X):
    h, _ = sigmoid_forward(affine_forward(X, params["W1"], params["b1"])[0])
    scores, _ = affine_forward(h, params["W2"], params["b2"])
    return sigmoid_forward(scores)[0].ravel()


STAGED = "staged_forward_backward"
mutation(A, STAGED, "overwrite-not-accumulate", "+=",
         ("dx += (1 - sigx) * sigx * dsigx", "dx = (1 - sigx) * sigx * dsigx"), ("dx += 1.0 * dnum", "dx = 1.0 * dnum"),
         ("dy += (1 - sigy)", "dy = (1 - sigy)"))
mutation(A, STAGED, "sigma-prime-of-input", "sig * (1 - sig)",
         ("(1 - sigx) * sigx", "(1 - x) * sigx"), ("(1 - sigy) * sigy", "(1 - y) * sigy"))

AFFINE, TRAIN = "affine_backward", "train_xor_mlp"
mutation(A, AFFINE, "db-not-summed", "summed over the batch", ("db = dout.sum(axis=0)", "db = dout"),
         visible=(("train_xor_mlp_one_step", "fix affine_forward and affine_backward first"),))
mutation(A, AFFINE, "dx-not-transposed", "raised ValueError", ("dx = dout @ w.T", "dx = dout @ w"),
         visible=(("affine_backward_shapes", ("affine_backward raised ValueError", "dx = dout @ w.T (N, D)")),))
mutation(A, AFFINE, "dw-transposed", "transpose", ("dw = x.T @ dout", "dw = dout.T @ x"))
mutation(A, AFFINE, "db-mean", "factor", ("db = dout.sum(axis=0)", "db = dout.mean(axis=0)"))
mutation(A, TRAIN, "gradient-without-1-over-n", "1/N", ("dscores = (p - t) / N", "dscores = p - t"))
mutation(A, TRAIN, "gradient-ascent", "wrong sign", ("params[name] - lr * grad", "params[name] + lr * grad"))


@mistake(A, "clipped-input", "own size")
def sigmoid_forward(x):
    x = np.asarray(x, dtype=float)
    out = 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))  # no overflow, but the far tails are wrong
    return out, (x, out)


@mistake(A, "writes-into-cache", "in place")
def sigmoid_backward(dout, cache):
    x, out = cache
    out *= 1.0 - out  # changes the forward's out, which the caller may still use
    return dout * out


mutation(A, "mlp_predict", "threshold-at-zero", "labels", ("(p > 0.5)", "(p > 0)"))


@mistake(A, "overflow-silenced", "overflow", visible=("sigmoid_forward_stable",))
def sigmoid_forward(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):  # the warning is gone, the overflow is not
        out = 1.0 / (1.0 + np.exp(-x))
    return out, (x, out)
