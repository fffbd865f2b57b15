#!/usr/bin/python3
"""Golden values for test/layers/attention-reference.test.ts: MultiHeadAttention, Attention and
AdditiveAttention as Keras 3 computes them, written out in NumPy float64 independently of nnspec.

MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py):
  Q = einsum("btd,dhk->bthk", query, Wq) + bq, scaled by 1 / sqrt(key_dim); K and V likewise
  scores = einsum("bshk,bthk->bhts", K, Q); the mask is the logical and of the query's mask
  [B, T, 1], the value's and key's masks [B, 1, S] (Keras masks, here from Embedding mask_zero),
  the causal mask (row >= column, from cumsums) and attention_mask cast to bool (nonzero);
  Softmax with a mask adds (1 - mask) * -1e9; in float32 a score s with |s| < 32 plus -1e9 is
  -1e9 exactly, so masked logits are written as -1e9 (a fully masked row is a uniform average)
  out = einsum("bhts,bshv->bthv", probs, V), then einsum("bthv,hvo->bto", ., Wo) + bo.
Attention (dot or concat scores, optional scale) and AdditiveAttention: scores masked by the
  value's mask and the causal mask, softmax, times the value, times the query's mask.
Gradients of loss = sum over outputs of sum(output * probe) by central differences in float64
  (step 1e-5) for every weight and float input. Probes are zero at padded query steps, whose
  rows are fully masked: there Keras's float32 forward is constant while autodiff of the formula
  is not, so no engine-independent gradient exists for them.
Inputs and weights are float32 values (drawn, rounded to float32), so the engines see exactly the
numbers used here.
Run: /usr/bin/python3 scripts/attention-goldens.py  (writes test/fixtures/attention/goldens.json)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(2026)


def draw(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32).astype(np.float64)


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def masked_logits(scores, mask):
    assert np.abs(scores).max() < 32, "float32's s - 1e9 == -1e9 needs |s| < 32"
    return np.where(mask, scores, -1e9)


def causal(t, s):
    ones = np.ones((t, s), dtype=np.int64)
    return np.cumsum(ones, axis=0) >= np.cumsum(ones, axis=1)


def mha(w, prefix, cfg, query, value, key=None, q_mask=None, v_mask=None, k_mask=None, attention_mask=None):
    key = value if key is None else key
    k_mask = v_mask if key is value and k_mask is None else k_mask

    def dense(x, name):
        y = np.einsum("btd,dhk->bthk", x, w[f"{prefix}/{name}/kernel"])
        return y + w[f"{prefix}/{name}/bias"] if cfg.get("use_bias", True) else y

    q = dense(query, "query") / np.sqrt(cfg["key_dim"])
    k = dense(key, "key")
    v = dense(value, "value")
    scores = np.einsum("bshk,bthk->bhts", k, q)
    b, t, s = query.shape[0], query.shape[1], value.shape[1]
    mask = np.ones((b, t, s), dtype=bool)
    if q_mask is not None:
        mask &= q_mask[:, :, None]
    if v_mask is not None:
        mask &= v_mask[:, None, :]
    if k_mask is not None:
        mask &= k_mask[:, None, :]
    if cfg.get("use_causal_mask"):
        mask &= causal(t, s)[None]
    if attention_mask is not None:
        mask &= attention_mask != 0
    probs = softmax(masked_logits(scores, mask[:, None]))
    heads = np.einsum("bhts,bshv->bthv", probs, v)
    wo = w[f"{prefix}/attention_output/kernel"]
    out_shape = wo.shape[2:]
    y = np.einsum("bthv,hvo->bto", heads, wo.reshape(wo.shape[0], wo.shape[1], -1))
    if cfg.get("use_bias", True):
        y = y + w[f"{prefix}/attention_output/bias"].reshape(-1)
    return y.reshape(b, t, *out_shape)


def attention(w, prefix, kind, cfg, query, value, key=None, q_mask=None, v_mask=None):
    key = value if key is None else key
    if kind == "AdditiveAttention":
        t = np.tanh(query[:, :, None, :] + key[:, None, :, :])
        scores = (w[f"{prefix}/scale"] * t).sum(-1) if cfg.get("use_scale", True) else t.sum(-1)
    elif cfg.get("score_mode", "dot") == "dot":
        scores = query @ key.transpose(0, 2, 1)
        if cfg.get("use_scale"):
            scores = scores * w[f"{prefix}/scale"]
    else:
        total = query[:, :, None, :] + key[:, None, :, :]
        if cfg.get("use_scale"):
            total = w[f"{prefix}/scale"] * total
        scores = w[f"{prefix}/concat_score_weight"] * np.tanh(total).sum(-1)
    b, t, s = scores.shape
    mask = np.ones((b, t, s), dtype=bool)
    if v_mask is not None:
        mask &= v_mask[:, None, :]
    if cfg.get("use_causal_mask"):
        mask &= causal(t, s)[None]
    y = softmax(masked_logits(scores, mask)) @ value
    return y * q_mask[:, :, None] if q_mask is not None else y


def finite_differences(loss, params):
    """d loss / d p for every array in params (changed in place and restored), central, step 1e-5."""
    grads = {}
    h = 1e-5
    for name, a in params.items():
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + h
            up = loss()
            flat[i] = keep - h
            down = loss()
            flat[i] = keep
            gflat[i] = (up - down) / (2 * h)
        grads[name] = g
    return grads


def case(spec, inputs, weights, forward, padded_rows, constant=()):
    """Outputs, probes zero at padded query rows, and gradients of sum(output * probe)."""
    outs = forward()
    probes = {}
    for name, y in outs.items():
        r = draw(*y.shape)
        if padded_rows is not None:
            r = r * padded_rows.reshape(padded_rows.shape + (1,) * (y.ndim - 2))
        probes[name] = r

    def loss():
        return sum(float((y * probes[n]).sum()) for n, y in forward().items())

    params = dict(weights)
    params.update({f"input:{n}": v for n, v in inputs.items() if v.dtype == np.float64 and n not in constant})
    grads = finite_differences(loss, params)
    return {
        "spec": spec,
        "inputs": {n: {"shape": list(v.shape), "values": lst(v)} for n, v in inputs.items()},
        "weights": {n: {"shape": list(v.shape), "values": lst(v)} for n, v in weights.items()},
        "probes": {n: {"shape": list(v.shape), "values": lst(v)} for n, v in probes.items()},
        "outputs": {n: {"shape": list(v.shape), "values": lst(v)} for n, v in outs.items()},
        "grads": {n: lst(v) for n, v in grads.items()},
    }


SELF_SPEC = """nnspec: 1
name: attention_self
inputs:
  ids: {shape: [null], dtype: int32}
layers:
  emb: {type: Embedding, input_dim: 7, output_dim: 4, mask_zero: true}
  mha: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, inputs: [emb, emb]}
  causal: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 5, use_causal_mask: true, inputs: {query: emb, value: emb}}
  dot: {type: Attention, use_scale: true, use_causal_mask: true, inputs: [emb, emb]}
  concat: {type: Attention, use_scale: true, score_mode: concat, inputs: [emb, emb]}
  add: {type: AdditiveAttention, inputs: {query: emb, value: emb}}
  stacked: {type: Attention, use_scale: true, inputs: [emb, mha]}
outputs: [mha, causal, dot, concat, add, stacked]
"""


def self_case():
    ids = np.array([[3, 1, 4, 6, 5], [2, 6, 5, 0, 0]], dtype=np.int64)
    mask = ids != 0
    w = {"emb/embeddings": draw(7, 4)}
    for prefix, vd, out in (("mha", 3, 4), ("causal", 2, 5)):
        for name, shape, bias in (("query", (4, 2, 3), (2, 3)), ("key", (4, 2, 3), (2, 3)), ("value", (4, 2, vd), (2, vd)), ("attention_output", (2, vd, out), (out,))):
            w[f"{prefix}/{name}/kernel"] = draw(*shape, scale=0.5)
            w[f"{prefix}/{name}/bias"] = draw(*bias, scale=0.5)
    w["dot/scale"] = np.array(0.75)
    w["concat/scale"] = np.array(0.6)
    w["concat/concat_score_weight"] = np.array(1.3)
    w["add/scale"] = draw(4)
    w["stacked/scale"] = np.array(1.1)

    def forward():
        x = w["emb/embeddings"][ids]
        y = mha(w, "mha", {"key_dim": 3}, x, x, q_mask=mask, v_mask=mask)
        return {
            "mha": y,
            "causal": mha(w, "causal", {"key_dim": 3, "use_causal_mask": True}, x, x, q_mask=mask, v_mask=mask),
            "dot": attention(w, "dot", "Attention", {"use_scale": True, "use_causal_mask": True}, x, x, q_mask=mask, v_mask=mask),
            "concat": attention(w, "concat", "Attention", {"use_scale": True, "score_mode": "concat"}, x, x, q_mask=mask, v_mask=mask),
            "add": attention(w, "add", "AdditiveAttention", {}, x, x, q_mask=mask, v_mask=mask),
            # MHA's output carries the query's mask (Keras), so the value's padded steps are masked here.
            "stacked": attention(w, "stacked", "Attention", {"use_scale": True}, x, y, q_mask=mask, v_mask=mask),
        }

    return case(SELF_SPEC, {"ids": ids}, w, forward, mask.astype(np.float64))


CROSS_SPEC = """nnspec: 1
name: attention_cross
inputs:
  q: {shape: [3, 5]}
  kv: {shape: [4, 6]}
  k: {shape: [4, 7]}
  m: {shape: [3, 4]}
layers:
  mha: {type: MultiHeadAttention, num_heads: 2, key_dim: 3, inputs: {query: q, value: kv, key: k, attention_mask: m}}
  nobias: {type: MultiHeadAttention, num_heads: 2, key_dim: 2, use_bias: false, output_shape: [2, 3], use_causal_mask: true, inputs: {query: q, value: kv, attention_mask: m}}
outputs: [mha, nobias]
"""


def cross_case():
    inputs = {"q": draw(2, 3, 5), "kv": draw(2, 4, 6), "k": draw(2, 4, 7)}
    # Keras casts attention_mask to bool: 0.5 and -2 attend like 1. Every query row keeps step 0
    # (the causal mask keeps it too), so no row is fully masked.
    inputs["m"] = np.array([[[1, 0, 1, 0], [0.5, 1, 0, 1], [1, -2, 0, 1]], [[1, 1, 0, 0], [1, 0, 0, 1], [-2, 0, 1, 0.5]]], dtype=np.float64)
    w = {}
    for name, shape, bias in (("query", (5, 2, 3), (2, 3)), ("key", (7, 2, 3), (2, 3)), ("value", (6, 2, 3), (2, 3)), ("attention_output", (2, 3, 5), (5,))):
        w[f"mha/{name}/kernel"] = draw(*shape, scale=0.5)
        w[f"mha/{name}/bias"] = draw(*bias, scale=0.5)
    for name, shape in (("query", (5, 2, 2)), ("key", (6, 2, 2)), ("value", (6, 2, 2)), ("attention_output", (2, 2, 2, 3))):
        w[f"nobias/{name}/kernel"] = draw(*shape, scale=0.5)

    def forward():
        q, kv, k, m = inputs["q"], inputs["kv"], inputs["k"], inputs["m"]
        return {
            "mha": mha(w, "mha", {"key_dim": 3}, q, kv, k, attention_mask=m),
            "nobias": mha(w, "nobias", {"key_dim": 2, "use_bias": False, "use_causal_mask": True}, q, kv, attention_mask=m),
        }

    # attention_mask is cast to bool: it has no gradient.
    return case(CROSS_SPEC, inputs, w, forward, None, constant=("m",))


def main():
    goldens = {"self": self_case(), "cross": cross_case()}
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "attention", "goldens.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(goldens, f)
        f.write("\n")


main()
