"""Typical mistakes in 01_perceptron_xor (labels are int arrays of 0/1; training starts from zeros)."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

A = "01_perceptron_xor"


@mistake(A, "greater-or-equal", "use > not >=",
         visible=("perceptron_predict_boundary", ("perceptron_train_one_epoch", "fix perceptron_predict first")))
def perceptron_predict(X, w, b):
    return (X @ w + b >= 0).astype(int)


@mistake(A, "forgot-bias", "add the bias b")
def perceptron_predict(X, w, b):
    return (X @ w > 0).astype(int)


@mistake(A, "returns-bool", "integer")
def perceptron_predict(X, w, b):
    return X @ w + b > 0


@mistake(A, "updates-correct-samples-too", "only misclassified samples")
def perceptron_train(X, y, lr=1.0, max_epochs=100):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(max_epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            if perceptron_predict(x_i[None, :], w, b)[0] != y_i:
                count += 1
            sign = 1 if y_i == 1 else -1  # pushes towards the target side even when already right
            w = w + lr * sign * x_i
            b = b + lr * sign
        errors.append(count)
        if count == 0:
            break
    return w, b, errors


@mistake(A, "batch-update", "one sample at a time")
def perceptron_train(X, y, lr=1.0, max_epochs=100):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(max_epochs):
        delta = y - perceptron_predict(X, w, b)  # every prediction made with the epoch's first weights
        w = w + lr * delta @ X
        b = b + lr * delta.sum()
        errors.append(int(np.count_nonzero(delta)))
        if errors[-1] == 0:
            break
    return w, b, errors


@mistake(A, "hard-coded-order", "another order")
def xor_predict(X):
    return np.array([0, 1, 1, 0])


@mistake(A, "index-lookup", "float inputs")
def xor_predict(X):
    return np.array([0, 1, 1, 0])[2 * X[:, 0] + X[:, 1]]


@mistake(A, "dict-lookup", "perceptron_predict", visible=("xor_predict_network",))
def xor_predict(X):
    table = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    return np.array([table[tuple(row)] for row in X])


@mistake(A, "one-layer", "hidden layer")
def xor_predict(X):
    return perceptron_predict(X, np.array([1.0, 1.0]), -0.5)


TRAIN = "perceptron_train"
mutation(A, TRAIN, "forgot-bias", "update the bias b", ("                b = b + step\n", ""))
mutation(A, TRAIN, "reset-every-epoch", "carry the weights over",
         ("        wrong = 0\n", "        w, b, wrong = np.zeros(X.shape[1]), 0.0, 0\n"))
mutation(A, TRAIN, "ignores-lr", "learning rate lr", ("step = lr * (y[i]", "step = (y[i]"))
mutation(A, TRAIN, "no-error-free-epoch-recorded", "error-free epoch",
         ("        errors.append(wrong)\n        if wrong == 0:\n            break\n",
          "        if wrong == 0:\n            break\n        errors.append(wrong)\n"))
mutation(A, TRAIN, "shuffles-samples", "in the given order",
         ("for i in range(len(X)):", "for i in np.random.default_rng().permutation(len(X)):"))
