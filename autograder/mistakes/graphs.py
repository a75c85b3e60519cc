"""Typical mistakes in 02_computational_graphs (the source notebook's caches: add None, mul and max (x, y))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from . import mistake

A = "02_computational_graphs"


@mistake(A, "max-over-array", "elementwise")
def max_forward(x, y):
    return np.max([x, y]), (x, y)


@mistake(A, "only-first-input", "zero everywhere")
def add_backward(dout, cache):
    return dout, 0.0 * dout


@mistake(A, "local-gradient-only", "upstream gradient dout")
def add_backward(dout, cache):
    return np.ones_like(dout), np.ones_like(dout)


@mistake(A, "no-swap", "times the other input")
def mul_backward(dout, cache):
    x, y = cache
    return dout * x, dout * y


@mistake(A, "forgot-upstream", "times the other input")
def mul_backward(dout, cache):
    x, y = cache
    return y, x


@mistake(A, "sign", "wrong sign")
def mul_backward(dout, cache):
    x, y = cache
    return -dout * y, -dout * x


@mistake(A, "to-both", "non-zero in entries where the gradient is zero")
def max_backward(dout, cache):
    return 1.0 * dout, 1.0 * dout


@mistake(A, "to-smaller", "larger input")
def max_backward(dout, cache):
    x, y = cache
    x_wins = np.asarray(x) <= np.asarray(y)
    return np.where(x_wins, dout, 0.0), np.where(x_wins, 0.0, dout)


@mistake(A, "tie-split", "tie")
def max_backward(dout, cache):
    x, y = cache
    share = np.where(np.asarray(x) == np.asarray(y), 0.5, 1.0)
    return np.where(x >= y, share * dout, 0.0), np.where(y >= x, share * dout, 0.0)


@mistake(A, "tie-to-y", "tie")
def max_backward(dout, cache):
    x, y = cache
    x_wins = np.asarray(x) > np.asarray(y)
    return np.where(x_wins, dout, 0.0), np.where(x_wins, 0.0, dout)


@mistake(A, "overwrite-not-sum", "both uses")
def copy_backward(dout1, dout2, cache):
    dx = dout1
    dx = dout2
    return dx


@mistake(A, "average", "factor of 1/2")
def copy_backward(dout1, dout2, cache):
    return (dout1 + dout2) / 2


@mistake(A, "hard-coded-example", "hard-coded")
def circuit_forward_backward(x, y, z):
    return -12.0, (-4.0, -4.0, 3.0)


@mistake(A, "local-gradients-only", "gate by gate")
def circuit_forward_backward(x, y, z):
    q, add_cache = add_forward(x, y)
    f, mul_cache = mul_forward(q, z)
    dq, dz = mul_backward(1.0, mul_cache)
    dx, dy = add_backward(1.0, add_cache)
    return f, (dx, dy, dz)


@mistake(A, "forward-difference", "(2h)")
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        kept = x[ix]
        x[ix] = kept + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = kept
    return grad


@mistake(A, "divide-by-h", "factor of 2")
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        kept = x[ix]
        x[ix] = kept + h
        f_plus = f(x)
        x[ix] = kept - h
        f_minus = f(x)
        x[ix] = kept
        grad[ix] = (f_plus - f_minus) / h
    return grad


@mistake(A, "not-restored", "restore")
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        f_plus = f(x)
        x[ix] -= 2 * h
        f_minus = f(x)
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


@mistake(A, "ignores-h", "with the h you are given")
def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        kept = x[ix]
        x[ix] = kept + step
        f_plus = f(x)
        x[ix] = kept - step
        f_minus = f(x)
        x[ix] = kept
        grad[ix] = (f_plus - f_minus) / (2 * step)
    return grad


@mistake(A, "flat-only", "shape")
def numerical_gradient(f, x, h=1e-5):
    flat = x.reshape(-1)
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + h
        f_plus = f(flat)
        flat[i] = kept - h
        f_minus = f(flat)
        flat[i] = kept
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
