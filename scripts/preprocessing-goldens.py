#!/usr/bin/python3
"""Goldens for nnspec's preprocessing layers, computed with NumPy from Keras 3's definitions.

Writes test/fixtures/preprocessing/goldens.json: for each case a layer config, an input and the
output Keras computes (inference, or training with a factor range of one point, so the random
draw is fixed). Written independently of nnspec's TypeScript: resizes as Keras's numpy backend
does (a triangle-kernel weight matrix per axis, renormalised), affine transforms as its
map_coordinates (pad the image with numpy's mode for fill_mode, then interpolate). Also the
statistics of the adapt fixture (test/fixtures/preprocessing/adapt/). Run:
    /usr/bin/python3 scripts/preprocessing-goldens.py
"""
import json
import math
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "preprocessing")
rng = np.random.default_rng(20261201)


def image(shape, lo=0.0, hi=255.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


# ---- resize (Keras numpy backend: _resize / _compute_weight_mat / _resize_nearest) ----
def weight_mat(n_in, n_out):
    inv = n_in / n_out
    sample = (np.arange(n_out) + 0.5) * inv - 0.5
    w = np.maximum(0.0, 1.0 - np.abs(sample[None, :] - np.arange(n_in)[:, None]))
    total = w.sum(axis=0, keepdims=True)
    w = np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps, w / np.where(total != 0, total, 1), 0)
    return np.where(((sample >= -0.5) & (sample <= n_in - 0.5))[None, :], w, 0)  # [in, out]


def resize(x, h, w, interpolation):
    """x: NHWC."""
    if interpolation == "nearest":
        rows = np.floor((np.arange(h) + 0.5) * x.shape[1] / h).astype(int)
        cols = np.floor((np.arange(w) + 0.5) * x.shape[2] / w).astype(int)
        return x[:, rows][:, :, cols]
    y = x.astype(np.float64)
    if x.shape[1] != h:
        y = np.einsum("bhwc,ho->bowc", y, weight_mat(x.shape[1], h))
    if x.shape[2] != w:
        y = np.einsum("bhwc,wo->bhoc", y, weight_mat(x.shape[2], w))
    return y


def aspect_crop(x, h, w):
    height, width = x.shape[1], x.shape[2]
    ch = max(min(height, int(float(width * h) / w)), 1)
    cw = max(min(width, int(float(height * w) / h)), 1)
    top = int(float(height - ch) / 2)
    left = int(float(width - cw) / 2)
    return x[:, top : top + ch, left : left + cw]


def center_crop(x, h, w):
    dh, dw = x.shape[1] - h, x.shape[2] - w
    if dh >= 0 and dw >= 0:
        return x[:, dh // 2 : dh // 2 + h, dw // 2 : dw // 2 + w]
    return resize(aspect_crop(x, h, w), h, w, "bilinear")


# ---- affine transform (Keras numpy backend: affine_transform + map_coordinates) ----
PAD_MODE = {"reflect": "symmetric", "nearest": "edge", "wrap": "wrap", "constant": "constant"}


def sample_plane(plane, rows, cols, order, fill_mode, fill_value):
    """map_coordinates on one 2-D plane, padded first as Keras does (one more pixel at the end,
    read with weight 0 when a coordinate is a whole number)."""
    pad_r = (max(-int(np.floor(rows.min())) + 1, 0), max(int(np.ceil(rows.max())) + 2 - plane.shape[0], 0))
    pad_c = (max(-int(np.floor(cols.min())) + 1, 0), max(int(np.ceil(cols.max())) + 2 - plane.shape[1], 0))
    if fill_mode == "constant":
        padded = np.pad(plane, (pad_r, pad_c), mode="constant", constant_values=fill_value)
    else:
        padded = np.pad(plane, (pad_r, pad_c), mode=PAD_MODE[fill_mode])
    r = rows + pad_r[0]
    c = cols + pad_c[0]
    if order == 0:
        return padded[np.floor(r + 0.5).astype(int), np.floor(c + 0.5).astype(int)]
    r0 = np.floor(r).astype(int)
    c0 = np.floor(c).astype(int)
    fr = r - r0
    fc = c - c0
    return (
        padded[r0, c0] * (1 - fr) * (1 - fc)
        + padded[r0, c0 + 1] * (1 - fr) * fc
        + padded[r0 + 1, c0] * fr * (1 - fc)
        + padded[r0 + 1, c0 + 1] * fr * fc
    )


def affine(x, m, interpolation, fill_mode, fill_value):
    """x NHWC; m = [a0 a1 a2 b0 b1 b2]: output (x, y) reads input (a0 x + a1 y + a2, b0 x + b1 y + b2)."""
    b, h, w, ch = x.shape
    yy, xx = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
    cols = m[0] * xx + m[1] * yy + m[2]
    rows = m[3] * xx + m[4] * yy + m[5]
    order = 0 if interpolation == "nearest" else 1
    out = np.empty((b, h, w, ch))
    for i in range(b):
        for k in range(ch):
            out[i, :, :, k] = sample_plane(x[i, :, :, k].astype(np.float64), rows, cols, order, fill_mode, fill_value)
    return out


def rotation_matrix(turns, h, w):
    theta = turns * 360.0 * math.pi / 180.0
    cx, cy = 0.5 * (w - 1), 0.5 * (h - 1)
    c, s = math.cos(theta), math.sin(theta)
    return [c, -s, cx - cx * c + cy * s, s, c, cy - cx * s - cy * c]


def zoom_matrix(zy, zx, h, w):
    return [zx, 0, (w - 1) / 2 * (1 - zx), 0, zy, (h - 1) / 2 * (1 - zy)]


def translation_matrix(fy, fx, h, w):
    return [1, 0, -fx * w, 0, 1, -fy * h]


cases = []


def case(name, layer, x, y, training=False, input_dtype="float32"):
    cases.append(
        {
            "name": name,
            "layer": layer,
            "training": training,
            "input": {"shape": list(x.shape), "dtype": input_dtype, "data": np.asarray(x, dtype=np.float64).ravel().tolist()},
            "output": {"shape": list(np.shape(y)), "data": np.asarray(y, dtype=np.float64).ravel().tolist()},
        }
    )


EPS = 1e-7

# Normalization with given statistics (Keras: (x - mean) / max(sqrt(var), epsilon); invert: mean + x * that).
t = rng.normal(3.0, 2.0, size=(4, 3)).astype(np.float32)
mean, var = np.array([1.0, -2.0, 0.5]), np.array([4.0, 0.25, 1.0])
case("normalization per feature", {"type": "Normalization", "mean": mean.tolist(), "variance": var.tolist()}, t, (t - mean) / np.maximum(np.sqrt(var), EPS))
case("normalization scalar, axis null", {"type": "Normalization", "axis": None, "mean": 3.0, "variance": 2.0}, t, (t - 3.0) / math.sqrt(2.0))
case("normalization invert", {"type": "Normalization", "mean": mean.tolist(), "variance": var.tolist(), "invert": True}, t, mean + t * np.sqrt(var))
img = image((2, 3, 4, 2))
case("normalization per channel of an image", {"type": "Normalization", "axis": -1, "mean": [100.0, 50.0], "variance": [900.0, 400.0]}, img, (img - np.array([100.0, 50.0])) / np.array([30.0, 20.0]))
case("normalization zero variance (epsilon)", {"type": "Normalization", "mean": [1.0, 1.0, 1.0], "variance": [0.0, 1.0, 0.0]}, t, (t - 1.0) / np.maximum(np.sqrt([0.0, 1.0, 0.0]), EPS))

# Rescaling.
case("rescaling 1/255", {"type": "Rescaling", "scale": 1 / 255}, img, img * np.float32(1 / 255))
case("rescaling to [-1, 1]", {"type": "Rescaling", "scale": 1 / 127.5, "offset": -1}, img, img / 127.5 - 1)
case("rescaling per channel", {"type": "Rescaling", "scale": [0.5, 2.0], "offset": [1.0, -1.0]}, img, img * np.array([0.5, 2.0]) + np.array([1.0, -1.0]))

# CategoryEncoding (ids as int32).
ids1 = np.array([3, 2, 0, 1])
case("category one_hot of (batch,)", {"type": "CategoryEncoding", "num_tokens": 4, "output_mode": "one_hot"}, ids1, np.eye(4)[ids1], input_dtype="int32")
ids2 = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
multi = np.zeros((4, 5))
count = np.zeros((4, 5))
for i, row in enumerate(ids2):
    for v in row:
        multi[i, v] = 1
        count[i, v] += 1
case("category multi_hot", {"type": "CategoryEncoding", "num_tokens": 5, "output_mode": "multi_hot"}, ids2, multi, input_dtype="int32")
case("category count", {"type": "CategoryEncoding", "num_tokens": 5, "output_mode": "count"}, ids2, count, input_dtype="int32")
case("category one_hot of (batch, ids)", {"type": "CategoryEncoding", "num_tokens": 4, "output_mode": "one_hot"}, ids2, np.eye(4)[ids2], input_dtype="int32")

# Discretization (numpy.digitize with right=False: bins [b_i, b_i+1)).
d = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], dtype=np.float32)
bounds = [0.0, 1.0, 2.0]
case("discretization int", {"type": "Discretization", "bin_boundaries": bounds}, d, np.digitize(d, bounds))
case("discretization one_hot of (batch, 1)", {"type": "Discretization", "bin_boundaries": bounds, "output_mode": "one_hot"}, d[:, :1], np.eye(4)[np.digitize(d[:, 0], bounds)])
dm = np.zeros((2, 4))
for i, row in enumerate(np.digitize(d, bounds)):
    for v in row:
        dm[i, v] += 1
case("discretization count", {"type": "Discretization", "bin_boundaries": bounds, "output_mode": "count"}, d, dm)

# Resizing and CenterCrop.
img = image((2, 5, 6, 2))
case("resizing bilinear up", {"type": "Resizing", "height": 8, "width": 9}, img, resize(img, 8, 9, "bilinear"))
case("resizing bilinear down", {"type": "Resizing", "height": 3, "width": 4}, img, resize(img, 3, 4, "bilinear"))
case("resizing nearest", {"type": "Resizing", "height": 7, "width": 4, "interpolation": "nearest"}, img, resize(img, 7, 4, "nearest"))
case("resizing crop_to_aspect_ratio", {"type": "Resizing", "height": 4, "width": 2, "crop_to_aspect_ratio": True}, img, resize(aspect_crop(img, 4, 2), 4, 2, "bilinear"))
chw = np.transpose(img, (0, 3, 1, 2))
case("resizing channels_first", {"type": "Resizing", "height": 3, "width": 3, "data_format": "channels_first"}, chw, np.transpose(resize(img, 3, 3, "bilinear"), (0, 3, 1, 2)))
case("center crop", {"type": "CenterCrop", "height": 3, "width": 3}, img, center_crop(img, 3, 3))
case("center crop larger than the image", {"type": "CenterCrop", "height": 6, "width": 8}, img, center_crop(img, 6, 8))

# Augmentation: identity in inference; in training with a one-point factor range, the fixed transform.
h, w = 5, 6
for mode in ["reflect", "wrap", "constant", "nearest"]:
    layer = {"type": "RandomRotation", "factor": [0.07, 0.07], "fill_mode": mode, "fill_value": 7.0}
    case(f"rotation 0.07 turn, fill {mode}", layer, img, affine(img, rotation_matrix(0.07, h, w), "bilinear", mode, 7.0), training=True)
case("rotation, nearest", {"type": "RandomRotation", "factor": [-0.07, -0.07], "interpolation": "nearest"}, img, affine(img, rotation_matrix(-0.07, h, w), "nearest", "reflect", 0.0), training=True)
case("rotation inference is identity", {"type": "RandomRotation", "factor": 0.2}, img, img)
case("zoom in and out", {"type": "RandomZoom", "height_factor": [-0.3, -0.3], "width_factor": [0.2, 0.2], "fill_mode": "constant"}, img, affine(img, zoom_matrix(0.7, 1.2, h, w), "bilinear", "constant", 0.0), training=True)
case("zoom keeps the aspect ratio", {"type": "RandomZoom", "height_factor": [0.5, 0.5], "fill_mode": "wrap"}, img, affine(img, zoom_matrix(1.5, 1.5, h, w), "bilinear", "wrap", 0.0), training=True)
case("translation", {"type": "RandomTranslation", "height_factor": [0.2, 0.2], "width_factor": [-0.25, -0.25], "fill_mode": "reflect"}, img, affine(img, translation_matrix(0.2, -0.25, h, w), "bilinear", "reflect", 0.0), training=True)
case("translation, nearest, constant", {"type": "RandomTranslation", "height_factor": [-0.3, -0.3], "width_factor": [0.1, 0.1], "fill_mode": "constant", "interpolation": "nearest", "fill_value": -1.0}, img, affine(img, translation_matrix(-0.3, 0.1, h, w), "nearest", "constant", -1.0), training=True)
case("translation, channels_first", {"type": "RandomTranslation", "height_factor": [0.2, 0.2], "width_factor": [0.3, 0.3], "data_format": "channels_first"}, chw, np.transpose(affine(img, translation_matrix(0.2, 0.3, h, w), "bilinear", "reflect", 0.0), (0, 3, 1, 2)), training=True)
# RandomContrast draws from [1 - lower, 1 + upper]; factor [-0.5, 0.5] sorts to lower = -0.5, upper = 0.5: always 1.5.
mean_hw = img.mean(axis=(1, 2), keepdims=True, dtype=np.float64)
case("contrast 1.5, clipped to [0, 255]", {"type": "RandomContrast", "factor": [-0.5, 0.5]}, img, np.clip((img - mean_hw) * 1.5 + mean_hw, 0, 255), training=True)
case("contrast inference is identity", {"type": "RandomContrast", "factor": 0.5}, img, img)
case("flip inference is identity", {"type": "RandomFlip"}, img, img)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "goldens.json"), "w") as f:
    json.dump({"generated_by": "scripts/preprocessing-goldens.py", "cases": cases}, f, separators=(",", ":"))

# The adapt fixture: table data with non-zero means and unequal scales, and its exact statistics.
adapt = os.path.join(OUT, "adapt")
os.makedirs(adapt, exist_ok=True)
n = 203
x = (rng.normal(size=(n, 3)) * np.array([5.0, 0.1, 30.0]) + np.array([40.0, -3.0, 1000.0])).astype(np.float32)
y = (x[:, :1] - 40.0) / 5.0 + rng.normal(scale=0.1, size=(n, 1))
np.save(os.path.join(adapt, "x.npy"), x)
np.save(os.path.join(adapt, "y.npy"), y.astype(np.float32))
x64 = x.astype(np.float64)
with open(os.path.join(adapt, "stats.json"), "w") as f:
    json.dump({"count": n, "mean": x64.mean(axis=0).tolist(), "variance": x64.var(axis=0).tolist()}, f, indent=1)
print(f"wrote {len(cases)} cases and the adapt fixture ({n} samples) to {OUT}")
