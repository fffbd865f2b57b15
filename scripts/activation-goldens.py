#!/usr/bin/python3
"""Golden values for test/layers/activations.test.ts: Keras 3's activation functions
(keras/src/activations/activations.py, default arguments) in NumPy float64, independently of nnspec.

Each case is an Activation layer on x of shape (2, 8) ((3, 8) for sparsemax); the expected output and the gradient of
sum(y * probe) with respect to x by central differences (step 1e-6). The inputs keep 0.05 away
from every kink (0, +-0.5, +-1, +-3), so the differences are those of one smooth piece. sparsemax
is computed by sorting (Martins and Astudillo 2016, algorithm 1), its rows chosen to have supports
of 1, 4 and all 8 entries.
Run: /usr/bin/python3 scripts/activation-goldens.py  (writes test/fixtures/activations/goldens.json)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(3)


def sparsemax(z):
    out = np.empty_like(z)
    for row, zr in zip(out.reshape(-1, z.shape[-1]), z.reshape(-1, z.shape[-1])):
        s = np.sort(zr)[::-1]
        k = np.arange(1, zr.size + 1)
        cums = np.cumsum(s)
        support = k[1 + k * s > cums].max()
        tau = (cums[support - 1] - 1) / support
        row[:] = np.maximum(zr - tau, 0)
    return out


def relu6(x):
    return np.clip(x, 0, 6)


FUNCTIONS = {
    # gelu(x, approximate=True)
    "gelu_approximate": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    "hard_silu": lambda x: x * relu6(x + 3) / 6,
    "hard_swish": lambda x: x * relu6(x + 3) / 6,
    # alpha 1
    "celu": lambda x: np.where(x >= 0, x, np.exp(x) - 1),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "log_sigmoid": lambda x: -np.log1p(np.exp(-x)),
    # threshold 0.5
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "tanh_shrink": lambda x: x - np.tanh(x),
    # b 4
    "squareplus": lambda x: (x + np.sqrt(x**2 + 4)) / 2,
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, 0.5 * (x + 1))),
    "sparsemax": sparsemax,
    # Keras 3's versions of the three issue 9 found wrong or missing.
    "hard_sigmoid": lambda x: relu6(x + 3) / 6,
    "exponential": np.exp,
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
}

KINKS = np.array([0, 0.5, -0.5, 1, -1, 3, -3])


def inputs():
    x = rng.uniform(-4.5, 4.5, size=(2, 8))
    # Away from kinks, and exact float32 values.
    for i in np.ndindex(x.shape):
        while np.abs(x[i] - KINKS).min() < 0.05:
            x[i] = rng.uniform(-4.5, 4.5)
    return x.astype(np.float32).astype(np.float64)


def sparsemax_inputs():
    # Supports of 1 (one dominant entry), 4 and all 8 (entries close together).
    x = np.array([
        [3.0, 0.2, -0.4, 0.1, -1.2, 0.5, -0.3, 0.05],
        [0.9, 0.8, 0.75, -0.6, 0.1, -2.0, 0.6, 0.3],
        [0.1, 0.12, 0.08, 0.11, 0.09, 0.105, 0.13, 0.07],
    ])
    return x.astype(np.float32).astype(np.float64)


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    goldens = {}
    for name, f in FUNCTIONS.items():
        x = sparsemax_inputs() if name == "sparsemax" else inputs()
        y = f(x)
        r = rng.normal(size=x.shape).astype(np.float32).astype(np.float64)
        grad = np.zeros_like(x)
        h = 1e-6
        for i in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[i] += h
            down[i] -= h
            grad[i] = ((f(up) * r).sum() - (f(down) * r).sum()) / (2 * h)
        spec = f"nnspec: 1\nname: act\ninputs:\n  x: {{shape: [8]}}\nlayers:\n  y: {{type: Activation, activation: {name}, inputs: x}}\noutputs: [y]\n"
        goldens[name] = {
            "spec": spec,
            "inputs": {"x": {"shape": list(x.shape), "values": lst(x)}},
            "weights": {},
            "probes": {"y": {"shape": list(x.shape), "values": lst(r)}},
            "outputs": {"y": {"shape": list(x.shape), "values": lst(y)}},
            "grads": {"input:x": lst(grad)},
        }
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "activations", "goldens.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(goldens, f)
        f.write("\n")


main()
