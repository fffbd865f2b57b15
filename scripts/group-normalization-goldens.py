#!/usr/bin/python3
"""Golden values for test/layers/group-normalization.test.ts: Keras 3's GroupNormalization
(keras/src/layers/normalization/group_normalization.py) in NumPy float64, independently of nnspec.

The channel axis split into (groups, channels / groups); mean and (biased) variance per sample
and group over every other axis; (x - mean) / sqrt(variance + epsilon), times gamma, plus beta,
per channel. Gradients of sum(y * probe) by central differences (step 1e-6) for gamma, beta and x.
Run: /usr/bin/python3 scripts/group-normalization-goldens.py  (writes test/fixtures/group-normalization/goldens.json)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(12)


def f32(a):
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def group_norm(x, gamma, beta, groups, axis, eps):
    axis = axis % x.ndim
    c = x.shape[axis]
    groups = c if groups == -1 else groups
    shape = x.shape[:axis] + (groups, c // groups) + x.shape[axis + 1:]
    g = x.reshape(shape)
    red = tuple(i for i in range(1, g.ndim) if i != axis)
    mean = g.mean(axis=red, keepdims=True)
    var = g.var(axis=red, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    pshape = [1] * x.ndim
    pshape[axis] = c
    if gamma is not None:
        y = y * gamma.reshape(pshape)
    if beta is not None:
        y = y + beta.reshape(pshape)
    return y


CASES = [
    # name, input shape (with batch), layer arguments (YAML), groups, axis, epsilon, scale, center
    ("last_axis", (2, 4, 6), "{type: GroupNormalization, groups: 3}", 3, -1, 1e-3, True, True),
    ("instance_rank4", (2, 3, 3, 4), "{type: GroupNormalization, groups: -1, center: false, epsilon: 0.01}", -1, -1, 1e-2, True, False),
    ("axis1", (2, 6, 5), "{type: GroupNormalization, groups: 2, axis: 1, scale: false}", 2, 1, 1e-3, False, True),
]


def main():
    goldens = {}
    for name, shape, layer, groups, axis, eps, scale, center in CASES:
        x = f32(rng.normal(size=shape) * 2 + 0.5)
        c = shape[axis]
        weights = {}
        if scale:
            weights["n/gamma"] = f32(rng.normal(size=(c,)))
        if center:
            weights["n/beta"] = f32(rng.normal(size=(c,)))
        r = f32(rng.normal(size=shape))

        def loss():
            return float((group_norm(x, weights.get("n/gamma"), weights.get("n/beta"), groups, axis, eps) * r).sum())

        y = group_norm(x, weights.get("n/gamma"), weights.get("n/beta"), groups, axis, eps)
        params = dict(weights)
        params["input:x"] = x
        grads = {}
        for pname, a in params.items():
            gr = np.zeros_like(a)
            flat, gflat = a.reshape(-1), gr.reshape(-1)
            for i in range(flat.size):
                keep = flat[i]
                flat[i] = keep + 1e-6
                up = loss()
                flat[i] = keep - 1e-6
                down = loss()
                flat[i] = keep
                gflat[i] = (up - down) / 2e-6
            grads[pname] = lst(gr)
        spec = f"nnspec: 1\nname: gn\ninputs:\n  x: {{shape: {list(shape[1:])}}}\nlayers:\n  n: {layer}\noutputs: [n]\n"
        goldens[name] = {
            "spec": spec,
            "inputs": {"x": {"shape": list(shape), "values": lst(x)}},
            "weights": {k: {"shape": list(v.shape), "values": lst(v)} for k, v in weights.items()},
            "probes": {"n": {"shape": list(shape), "values": lst(r)}},
            "outputs": {"n": {"shape": list(shape), "values": lst(y)}},
            "grads": grads,
        }
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "group-normalization", "goldens.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(goldens, f)
        f.write("\n")


main()
