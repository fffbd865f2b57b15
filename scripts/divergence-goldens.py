#!/usr/bin/python3
"""Golden values for test/layers/divergences.test.ts (issue 9's divergences from Keras 3).

Computed in float64 from Keras 3's documented formulas, independently of nnspec:
  BatchNormalization: inference (x - moving_mean) / sqrt(moving_var + eps) * gamma + beta;
    training with the batch's mean and (biased) variance over every axis but `axis`, and
    moving = moving * momentum + batch * (1 - momentum).
  LayerNormalization: (x - mean) / sqrt(var + eps) * gamma + beta over `axis`.
  Gradients of loss = sum(y * r) with respect to gamma and beta, by their closed forms
    (d/dgamma = sum(xhat * r), d/dbeta = sum(r) over the reduced axes).
  LSTM with recurrent_activation hard_sigmoid = relu6(x + 3) / 6 (Keras 3), gates i, f, c, o.
  Bidirectional(SimpleRNN, return_sequences) over a masked sequence: zeros at masked steps in
    both directions (Keras's zero_output_for_mask under Bidirectional with return_sequences).
Run: /usr/bin/python3 scripts/divergence-goldens.py  (writes test/fixtures/divergences/goldens.json)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(9)


def r(*shape):
    return np.round(rng.normal(size=shape), 3)


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def bn(x, axis, gamma, beta, mm, mv, eps, momentum, center=True, scale=True):
    axis = axis % x.ndim
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    red = tuple(i for i in range(x.ndim) if i != axis)
    g = gamma.reshape(shape) if scale else 1.0
    b = beta.reshape(shape) if center else 0.0
    infer = (x - mm.reshape(shape)) / np.sqrt(mv.reshape(shape) + eps) * g + b
    mean = x.mean(axis=red, keepdims=True)
    var = x.var(axis=red, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + eps)
    train = xhat * g + b
    rr = r(*x.shape)
    out = {
        'x': lst(x), 'shape': list(x.shape), 'inference': lst(infer), 'training': lst(train),
        'moving_mean': lst(mm * momentum + mean.ravel() * (1 - momentum)),
        'moving_variance': lst(mv * momentum + var.ravel() * (1 - momentum)),
        'r': lst(rr),
    }
    if scale:
        out['d_gamma'] = lst((xhat * rr).sum(axis=red))
    if center:
        out['d_beta'] = lst(rr.sum(axis=red))
    return out


def ln(x, gamma, beta, eps, center=True, scale=True):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + eps)
    y = xhat * (gamma if scale else 1.0) + (beta if center else 0.0)
    rr = r(*x.shape)
    red = tuple(range(x.ndim - 1))
    out = {'x': lst(x), 'shape': list(x.shape), 'output': lst(y), 'r': lst(rr)}
    if scale:
        out['d_gamma'] = lst((xhat * rr).sum(axis=red))
    if center:
        out['d_beta'] = lst(rr.sum(axis=red))
    return out


def hard_sigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


def lstm(x, kernel, rec, bias, units):
    h = np.zeros((x.shape[0], units))
    c = np.zeros((x.shape[0], units))
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ rec + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        h = hard_sigmoid(o) * np.tanh(c)
    return h


def simple_rnn_seq(x, mask, kernel, rec, bias, reverse):
    """Outputs per step (in the input's order), zeros where masked; the state carried over masked steps."""
    steps = range(x.shape[1] - 1, -1, -1) if reverse else range(x.shape[1])
    h = np.zeros((x.shape[0], kernel.shape[1]))
    out = np.zeros((x.shape[0], x.shape[1], kernel.shape[1]))
    for t in steps:
        new = np.tanh(x[:, t] @ kernel + h @ rec + bias)
        m = mask[:, t:t + 1]
        h = np.where(m, new, h)
        out[:, t] = np.where(m, new, 0.0)
    return out


goldens = {}
eps = 1e-3

# 4: BatchNormalization axis 1 (channels first), rank 4; momentum 0.9.
x = r(2, 3, 2, 2)
gamma, beta, mm, mv = r(3), r(3), r(3), np.round(0.5 + rng.random(3), 3)
goldens['bn_axis1'] = {**bn(x, 1, gamma, beta, mm, mv, eps, 0.9), 'weights': [lst(gamma), lst(beta), lst(mm), lst(mv)]}

# 6: center false / scale false.
x = r(4, 3)
goldens['bn_no_center'] = {**bn(x, -1, gamma, beta, mm, mv, eps, 0.99, center=False), 'weights': [lst(gamma), lst(mm), lst(mv)]}
goldens['bn_no_scale'] = {**bn(x, -1, gamma, beta, mm, mv, eps, 0.99, scale=False), 'weights': [lst(beta), lst(mm), lst(mv)]}
goldens['ln_no_center'] = {**ln(x, gamma, beta, eps, center=False), 'weights': [lst(gamma)]}
goldens['ln_no_scale'] = {**ln(x, gamma, beta, eps, scale=False), 'weights': [lst(beta)]}

# 7: rank 5 (batch, time, height, width, channels).
x = r(2, 2, 2, 2, 3)
goldens['bn_rank5'] = {**bn(x, -1, gamma, beta, mm, mv, eps, 0.99), 'weights': [lst(gamma), lst(beta), lst(mm), lst(mv)]}
goldens['ln_rank5'] = {**ln(x, gamma, beta, eps), 'weights': [lst(gamma), lst(beta)]}

# 1: LSTM(2) with recurrent_activation hard_sigmoid, input (2, 3, 2).
x = r(2, 3, 2)
kernel, rec, bias = r(2, 8), r(2, 8), r(8)
goldens['lstm_hard_sigmoid'] = {'x': lst(x), 'shape': list(x.shape), 'weights': [lst(kernel), lst(rec), lst(bias)], 'output': lst(lstm(x, kernel, rec, bias, 2))}

# 3: Bidirectional(SimpleRNN(2, return_sequences)) concat over a Masking(0) sequence (2, 4, 2).
x = r(2, 4, 2)
x[0, 3] = 0  # row 0: last step masked
x[1, 0] = 0  # row 1: first two steps masked
x[1, 1] = 0
mask = np.any(x != 0, axis=-1)
fk, fr, fb, bk, br, bb = r(2, 2), r(2, 2), r(2), r(2, 2), r(2, 2), r(2)
fwd = simple_rnn_seq(x, mask, fk, fr, fb, False)
bwd = simple_rnn_seq(x, mask, bk, br, bb, True)
goldens['bidirectional_masked'] = {
    'x': lst(x), 'shape': list(x.shape), 'weights': [lst(fk), lst(fr), lst(fb), lst(bk), lst(br), lst(bb)],
    'output': lst(np.concatenate([fwd, bwd], axis=-1)),
}

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, '..', 'test', 'fixtures', 'divergences', 'goldens.json')
with open(out, 'w') as f:
    json.dump(goldens, f, indent=1)
    f.write('\n')
print('wrote', os.path.relpath(out))
