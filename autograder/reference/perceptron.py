"""Reference solutions of 01_perceptron_xor: the threshold unit, Rosenblatt's rule, XOR by a hidden layer.

Labels are int arrays of 0/1; X (N, D), w (D,), b float.
"""
import numpy as np


def perceptron_predict(X, w, b):
    """1 where X @ w + b > 0 (strictly), else 0 -> int array (N,)."""
    scores = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)
    return np.where(scores > 0, 1, 0)


def perceptron_train(X, y, lr=1.0, max_epochs=100):
    """Rosenblatt's rule from zero weights, samples in order -> (w (D,), b, errors per epoch)."""
    X = np.asarray(X, dtype=float)
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(max_epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            delta = int(y_i) - int(perceptron_predict(x_i[None, :], w, b)[0])
            if delta != 0:
                w = w + lr * delta * x_i
                b = b + lr * delta
                count += 1
        errors.append(count)
        if count == 0:
            break
    return w, b, errors


def xor_predict(X):
    """XOR = AND(OR(x1, x2), NAND(x1, x2)): two hidden threshold units and one output unit."""
    X = np.asarray(X, dtype=float)
    either = perceptron_predict(X, np.array([1.0, 1.0]), -0.5)
    not_both = perceptron_predict(X, np.array([-1.0, -1.0]), 1.5)
    return perceptron_predict(np.column_stack([either, not_both]), np.array([1.0, 1.0]), -1.5)
