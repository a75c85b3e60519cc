"""Typical mistakes in 06_train_a_cnn (source caches: relu x, max pool (x, out, pool_param), conv_fast
(x, w, b, conv_param, cols) with cols (C * HH * WW, N * H_out * W_out))."""
# ruff: noqa: F811  each mistake redefines the graded function it replaces
import numpy as np

from .catalogue import mistake, mutation

A = "06_train_a_cnn"
LOOPS = "loops over images, channels, filters or output positions"


@mistake(A, "no-max-shift", "overflow", visible=("softmax_loss_stable",))
def softmax_loss(scores, y):
    N = scores.shape[0]
    p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)  # exp(1e4) is inf
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1.0
    return float(loss), dscores / N


mutation(A, "softmax_loss", "dscores-without-1-over-n", "1/N", ("return float(loss), dscores / N",
                                                                 "return float(loss), dscores"),
         visible=("softmax_loss_numeric",))
mutation(A, "relu_backward", "greater-or-equal", "non-zero in entries where the gradient is zero",
         ("dout * (x > 0)", "dout * (x >= 0)"), visible=(("relu_backward_at_zero", "not x >= 0"),))


@mistake(A, "mask-from-the-output", "non-zero in entries where the gradient is zero",
         visible=(("relu_backward_at_zero", "not x >= 0"),))
def relu_backward(dout, cache):
    out = np.maximum(cache, 0.0)  # the output again, and then its mask: but every output is >= 0
    return dout * (out >= 0)


@mistake(A, "output-as-gradient", "a mask", visible=("relu_backward_numeric",))
def relu_backward(dout, cache):
    out = np.maximum(cache, 0.0)
    return dout * out  # the output's value, where the local gradient is its 0/1 mask


CONV_BACK = "conv_backward_fast"
mutation(A, CONV_BACK, "col2im-assigns", "+=",
         ("v:v + s * (W_out - 1) + 1:s] += dcols[:, u, v]", "v:v + s * (W_out - 1) + 1:s] = dcols[:, u, v]"),
         visible=(("conv_backward_fast_example", "col2im adds (+=)"),))
mutation(A, CONV_BACK, "columns-in-another-order", "ordered like the forward's columns",
         ("dcols = (w.reshape(F, -1).T @ dout_rows).reshape(C, HH, WW, N, H_out, W_out)",
          "dcols = (w.reshape(F, -1).T @ dout_rows).reshape(HH, WW, C, N, H_out, W_out).transpose(2, 0, 1, 3, 4, 5)"),
         visible=("conv_backward_fast_numeric",))


# im2col and col2im by a loop over the output positions, each step one window of every image and channel
mutation(A, "conv_forward_fast", "im2col-by-output-positions", LOOPS,
         ("""    for u in range(HH):  # im2col: kernel offset (u, v) meets one strided slice of the padded input
        for v in range(WW):
            cols[:, u, v] = x_pad[:, :, u:u + s * (H_out - 1) + 1:s, v:v + s * (W_out - 1) + 1:s]
""", """    for i in range(H_out):
        for j in range(W_out):
            cols[..., i, j] = x_pad[:, :, i * s:i * s + HH, j * s:j * s + WW].transpose(0, 2, 3, 1)
"""))
mutation(A, CONV_BACK, "col2im-by-output-positions", LOOPS,
         ("""    for u in range(HH):  # col2im: each offset's slice gets its gradients back; overlapping windows add up
        for v in range(WW):
            dx_pad[:, :, u:u + s * (H_out - 1) + 1:s, v:v + s * (W_out - 1) + 1:s] += dcols[:, u, v]
""", """    for i in range(H_out):
        for j in range(W_out):
            dx_pad[:, :, i * s:i * s + HH, j * s:j * s + WW] += dcols[..., i, j].transpose(0, 3, 1, 2)
"""))


mutation(A, "cnn_loss", "unflatten-in-another-order", "reshape to the pooled maps' shape",
         ("dh = max_pool_backward(dflat.reshape(pooled.shape), pool_cache)",
          "dh = max_pool_backward(dflat.reshape(N, 4, 4, -1).transpose(0, 3, 1, 2), pool_cache)"),
         visible=("cnn_loss_numeric",))

SGD = ('config["velocity"] = momentum * velocity - rate * dw\n    return w + config["velocity"], config')
mutation(A, "sgd_momentum", "velocity-sign-flipped", "wrong sign",
         (SGD, 'config["velocity"] = momentum * velocity + rate * dw\n    return w - config["velocity"], config'))
mutation(A, "sgd_momentum", "velocity-not-carried", "new velocity",
         (SGD, 'velocity = momentum * velocity - rate * dw\n    return w + velocity, config'),
         visible=(("sgd_momentum_steps", "holds the new v under 'velocity'"),))
mutation(A, "sgd_momentum", "writes-into-config", "the dict passed in",
         ("    config = dict(config)\n", ""), visible=(("sgd_momentum_leaves_inputs", "config passed in was changed"),))

TRAIN_STEP = "                params[key], configs[key] = sgd_momentum(params[key], grads[key], configs[key])"
mutation(A, "train_cnn", "config-not-carried", "carried",
         (TRAIN_STEP, "                params[key], _ = sgd_momentum(params[key], grads[key], configs[key])"),
         visible=(("train_cnn_steps", "the batch's loss before step k"),))
# Evaluating on the training images to stop early. On these digits the test split (which train_cnn never sees, and
# which the grader takes from the course) trails the training images by a point at most, so it is the replayed run of
# copies of one digit (every batch alike, any order) that tells: it stops after one epoch.
mutation(A, "train_cnn", "stops-on-training-accuracy", "run every epoch asked for",
         ("        order = rng.permutation(len(X))\n",
          "        if losses and np.mean(cnn_predict(params, X) == y) >= 0.97:\n            break  # good enough\n"
          "        order = rng.permutation(len(X))\n"))

# 03's and 04's layers, graded again here
mutation(A, "affine_backward", "dw-transposed", "transpose", ("x.T.dot(dout)", "dout.T.dot(x)"),
         visible=(("affine_backward_numeric", "not transposed"),))
POOL_ADD = "dx[window_entry] += np.where(first, dout, 0.0)"
mutation(A, "max_pool_backward", "assign-not-add", "+=", (POOL_ADD, POOL_ADD.replace("+=", "=")),
         visible=(("max_pool_backward_numeric", "the gradients add up (+=)"),))
mutation(A, "max_pool_backward", "every-tied-maximum", "first maximum",
         ("first = unrouted & (x[window_entry] == out)", "first = x[window_entry] == out"),
         visible=("max_pool_backward_ties",))
mutation(A, "cnn_predict", "argmax-over-images", "shape", ("argmax(axis=1)", "argmax(axis=0)"),
         visible=("cnn_predict_labels",))
