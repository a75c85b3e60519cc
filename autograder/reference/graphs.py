"""Reference solutions of 02_computational_graphs: gates, the circuit, numerical gradients.

Gates take floats or same-shape arrays; every d<name> has <name>'s shape.
"""
import numpy as np


def add_forward(x, y):
    """out = x + y; cache holds nothing the backward needs."""
    return x + y, None


def add_backward(dout, cache):
    """Add distributes: both inputs get the upstream gradient."""
    return 1.0 * dout, 1.0 * dout


def mul_forward(x, y):
    """out = x * y; cache = (x, y)."""
    return x * y, (x, y)


def mul_backward(dout, cache):
    """Mul swaps: each input's gradient is the other input times dout."""
    x, y = cache
    return dout * y, dout * x


def max_forward(x, y):
    """out = max(x, y) elementwise; cache = (x, y)."""
    return np.maximum(x, y), (x, y)


def max_backward(dout, cache):
    """Max routes dout to the larger input; on a tie all of it goes to x."""
    x, y = cache
    x_wins = np.asarray(x) >= np.asarray(y)
    dx, dy = np.where(x_wins, dout, 0.0), np.where(x_wins, 0.0, dout)
    return (dx[()], dy[()]) if np.ndim(dout) == 0 else (dx, dy)


def copy_forward(x):
    """A fork: (out1, out2) = (x, x); cache holds nothing."""
    return (x, x), None


def copy_backward(dout1, dout2, cache):
    """Copy sums: the gradients of both branches add up."""
    return dout1 + dout2


def circuit_forward_backward(x, y, z):
    """f = (x + y) * z from the gates -> (f, (dx, dy, dz))."""
    q, add_cache = add_forward(x, y)
    f, mul_cache = mul_forward(q, z)
    dq, dz = mul_backward(1.0, mul_cache)
    dx, dy = add_backward(dq, add_cache)
    return f, (dx, dy, dz)


def numerical_gradient(f, x, h=1e-5):
    """Centred differences (f(x + h e_i) - f(x - h e_i)) / 2h; x: float array, unchanged."""
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        kept = x[ix]
        x[ix] = kept + h
        f_plus = f(x)
        x[ix] = kept - h
        f_minus = f(x)
        x[ix] = kept
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad
