"""Typical mistakes in 02_computational_graphs (the source notebook's caches: add None, mul and max (x, y))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

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


@mistake(A, "to-both", "non-zero in entries where the gradient is zero")
def max_backward(dout, cache):
    return 1.0 * dout, 1.0 * dout


@mistake(A, "tie-split", "tie")
def max_backward(dout, cache):
    x, y = cache
    share = np.where(np.asarray(x) == np.asarray(y), 0.5, 1.0)
    return np.where(x >= y, share * dout, 0.0), np.where(y >= x, share * dout, 0.0)


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


MUL_RETURN = "return dout * y, dout * x"
mutation(A, "mul_backward", "no-swap", "times the other input", (MUL_RETURN, "return dout * x, dout * y"),
         visible=(("circuit_forward_backward_example",
                   "fix add_forward, add_backward, mul_forward and mul_backward first"),))
mutation(A, "mul_backward", "forgot-upstream", "times the other input", (MUL_RETURN, "return y, x"))
mutation(A, "mul_backward", "sign", "wrong sign", (MUL_RETURN, "return -dout * y, -dout * x"))
mutation(A, "max_backward", "to-smaller", "larger input", (">= np.asarray(y)", "<= np.asarray(y)"))
mutation(A, "max_backward", "tie-to-y", "tie", (">= np.asarray(y)", "> np.asarray(y)"))
mutation(A, "circuit_forward_backward", "local-gradients-only", "gate by gate",
         ("add_backward(dq, add_cache)", "add_backward(1.0, add_cache)"))
mutation(A, "numerical_gradient", "divide-by-h", "factor of 2", ("/ (2 * h)", "/ h"))
mutation(A, "numerical_gradient", "not-restored", "restore", ("        x[ix] = kept\n", ""),
         visible=("numerical_gradient_example",))
mutation(A, "circuit_forward_backward", "dq-dz-swapped", "gate by gate",
         ("dq, dz = mul_backward(1.0, mul_cache)", "dz, dq = mul_backward(1.0, mul_cache)"),
         visible=("circuit_forward_backward_random",))
mutation(A, "numerical_gradient", "ignores-h", "with the h you are given", ('    """\n', '    """\n    h = 1e-5\n'))


@mistake(A, "nudges-a-reshape", "zero")
def numerical_gradient(f, x, h=1e-5):
    flat = x.reshape(-1)  # a view only when x is contiguous: on a transposed x the nudges miss it
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + h
        f_plus = f(x)
        flat[i] = kept - h
        f_minus = f(x)
        flat[i] = kept
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(x.shape)


@mistake(A, "writes-into-dout", "in place")
def max_backward(dout, cache):
    x, y = cache
    wins = np.asarray(x) >= np.asarray(y)
    dy = np.where(wins, 0.0, dout)
    dx = np.asarray(dout)  # not a copy: zeroing it below zeroes the caller's dout
    dx[~wins] = 0.0
    return dx, dy
