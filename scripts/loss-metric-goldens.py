#!/usr/bin/python3
"""Goldens for nnspec's losses (with Keras's arguments and weighting) and metrics, in float64 NumPy.

Written from Keras 3's definitions (keras/src/losses/losses.py, keras/src/metrics/*.py,
keras/src/utils/metrics_utils.py, keras/src/losses/loss.py's reduction), independently of
nnspec's TypeScript. Writes test/fixtures/objective/goldens.json:
  losses:  {entry, y, p, weights?, expected}  expected = the reduced loss (sum_over_batch_size:
           Σ value·weight / batch size; with ignore_class, / the number of valid samples)
  metrics: {entry, y, p, split, expected}    expected = the metric over all samples, which nnspec
           must reach however the samples are split into batches (`split` = batch sizes)
Inputs are rounded to float32 first, so both sides see the same numbers. Run:
    /usr/bin/python3 scripts/loss-metric-goldens.py
"""
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "objective")
EPS = 1e-7
rng = np.random.default_rng(20261202)
B, C = 10, 4


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


LOGITS = f32(rng.normal(0, 2, (B, C)))
PROBS = f32(softmax(LOGITS))
IDS = rng.integers(0, C, B)
IDS[:3] = [0, 1, 2]
ONEHOT = np.eye(C)[IDS]
BLOGITS = f32(rng.normal(0, 2, (B, 3)))
BPROBS = f32(sigmoid(BLOGITS))
BY = rng.integers(0, 2, (B, 3)).astype(np.float64)
B1LOGITS = f32(rng.normal(0, 1.5, (B, 1)))
B1PROBS = f32(sigmoid(B1LOGITS))
B1Y = (rng.uniform(size=(B, 1)) < sigmoid(2 * B1LOGITS)).astype(np.float64)
RY = f32(rng.normal(0, 2, (B, 2)))
RP = f32(RY + rng.normal(0, 1, (B, 2)))
W = f32(rng.uniform(0, 2, B))


def smooth_cat(y, ls):
    return y * (1 - ls) + ls / y.shape[-1]


def smooth_bin(y, ls):
    return y * (1 - ls) + 0.5 * ls


def cce(y, p, from_logits=False, label_smoothing=0.0):
    y = smooth_cat(y, label_smoothing)
    if from_logits:
        logsm = p - p.max(-1, keepdims=True)
        logsm = logsm - np.log(np.exp(logsm).sum(-1, keepdims=True))
        return -(y * logsm).sum(-1)
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(y * np.log(q)).sum(-1)


def bce_elem(y, p, from_logits=False):
    if from_logits:
        return np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
    q = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(q) + (1 - y) * np.log(1 - q))


def bce(y, p, from_logits=False, label_smoothing=0.0):
    return bce_elem(smooth_bin(y, label_smoothing), p, from_logits).mean(-1)


def binary_focal(y, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0):
    y = smooth_bin(y, label_smoothing)
    if from_logits:
        p = sigmoid(p)
    b = bce_elem(y, p)
    pt = y * p + (1 - y) * (1 - p)
    f = (1 - pt) ** gamma * b
    if apply_class_balancing:
        f = (y * alpha + (1 - y) * (1 - alpha)) * f
    return f.mean(-1)


def categorical_focal(y, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0):
    y = smooth_cat(y, label_smoothing)
    if from_logits:
        p = softmax(p)
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return (alpha * (1 - q) ** gamma * -y * np.log(q)).sum(-1)


def huber(y, p, delta=1.0):
    e = np.abs(p - y)
    return np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(-1)


def reduce(values, weights=None, mask=None):
    """Keras 3's reduce_weighted_values with sum_over_batch_size (mask folded into the weights)."""
    w = np.ones_like(values) if weights is None else weights.astype(np.float64)
    if mask is not None:
        m = mask.astype(np.float64)
        w = w * m * (m.size / (m.sum() + EPS))
    return float((values * w).sum() / values.size)


def arr(x):
    return np.asarray(x).reshape(-1).tolist()


losses = []


def loss_case(entry, y, p, values, weights=None, mask=None, ydtype="float32"):
    c = {"entry": entry, "y": arr(y), "yShape": list(np.shape(y)), "yDtype": ydtype, "p": arr(p), "pShape": list(p.shape), "expected": reduce(values, weights, mask)}
    if weights is not None:
        c["weights"] = arr(weights)
    losses.append(c)


loss_case({"type": "categorical_crossentropy"}, ONEHOT, PROBS, cce(ONEHOT, PROBS))
loss_case({"type": "categorical_crossentropy", "from_logits": True}, ONEHOT, LOGITS, cce(ONEHOT, LOGITS, True))
loss_case({"type": "categorical_crossentropy", "label_smoothing": 0.1}, ONEHOT, PROBS, cce(ONEHOT, PROBS, False, 0.1))
loss_case({"type": "categorical_crossentropy", "from_logits": True, "label_smoothing": 0.2}, ONEHOT, LOGITS, cce(ONEHOT, LOGITS, True, 0.2), W)
loss_case({"type": "sparse_categorical_crossentropy"}, IDS[:, None], PROBS, cce(ONEHOT, PROBS), ydtype="int32")
loss_case({"type": "sparse_categorical_crossentropy", "from_logits": True}, IDS[:, None], LOGITS, cce(ONEHOT, LOGITS, True), W, ydtype="int32")
ign = IDS != 1
loss_case({"type": "sparse_categorical_crossentropy", "ignore_class": 1}, IDS[:, None], PROBS, np.where(ign, cce(ONEHOT, PROBS), 0), mask=ign, ydtype="int32")
loss_case({"type": "sparse_categorical_crossentropy", "ignore_class": 1, "from_logits": True}, IDS[:, None], LOGITS, np.where(ign, cce(ONEHOT, LOGITS, True), 0), W, mask=ign, ydtype="int32")
loss_case({"type": "binary_crossentropy"}, BY, BPROBS, bce(BY, BPROBS))
loss_case({"type": "binary_crossentropy", "from_logits": True}, BY, BLOGITS, bce(BY, BLOGITS, True))
loss_case({"type": "binary_crossentropy", "label_smoothing": 0.1}, BY, BPROBS, bce(BY, BPROBS, False, 0.1), W)
loss_case({"type": "binary_crossentropy", "from_logits": True, "label_smoothing": 0.3}, B1Y, B1LOGITS, bce(B1Y, B1LOGITS, True, 0.3))
loss_case({"type": "binary_focal_crossentropy"}, BY, BPROBS, binary_focal(BY, BPROBS))
loss_case({"type": "binary_focal_crossentropy", "gamma": 1.5, "from_logits": True}, BY, BLOGITS, binary_focal(BY, BLOGITS, gamma=1.5, from_logits=True))
loss_case({"type": "binary_focal_crossentropy", "apply_class_balancing": True, "alpha": 0.4, "label_smoothing": 0.1}, BY, BPROBS, binary_focal(BY, BPROBS, True, 0.4, 2.0, False, 0.1), W)
loss_case({"type": "categorical_focal_crossentropy"}, ONEHOT, PROBS, categorical_focal(ONEHOT, PROBS))
loss_case({"type": "categorical_focal_crossentropy", "alpha": 0.5, "gamma": 3, "from_logits": True, "label_smoothing": 0.05}, ONEHOT, LOGITS, categorical_focal(ONEHOT, LOGITS, 0.5, 3.0, True, 0.05), W)
loss_case({"type": "huber", "delta": 0.5}, RY, RP, huber(RY, RP, 0.5))
loss_case({"type": "mean_squared_error"}, RY, RP, ((RP - RY) ** 2).mean(-1), W)
loss_case({"type": "mean_absolute_error"}, RY, RP, np.abs(RP - RY).mean(-1), W)

# ---- metrics ----
metrics = []
SPLIT = [4, 4, 2]


def metric_case(entry, y, p, expected, ydtype="float32"):
    metrics.append({"entry": entry, "y": arr(y), "yShape": list(np.shape(y)), "yDtype": ydtype, "p": arr(p), "pShape": list(p.shape), "split": SPLIT, "expected": [float(v) for v in np.atleast_1d(expected)]})


def confusion_at(y, p, thresholds):
    y = y.reshape(-1) != 0
    p = p.reshape(-1)
    pos = p[None, :] > np.asarray(thresholds)[:, None]
    tp = (pos & y).sum(1).astype(np.float64)
    fp = (pos & ~y).sum(1).astype(np.float64)
    tn = (~pos & ~y).sum(1).astype(np.float64)
    fn = (~pos & y).sum(1).astype(np.float64)
    return tp, fp, tn, fn


def dnn(a, b):
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    out = np.zeros_like(a)
    np.divide(a, b, out=out, where=b != 0)
    return out


def auc(y, p, num_thresholds=200, curve="ROC", summation_method="interpolation"):
    t = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    t = [0.0 - EPS] + t + [1.0 + EPS]
    tp, fp, tn, fn = confusion_at(y, p, t)
    n = num_thresholds
    if curve == "PR" and summation_method == "interpolation":
        dtp = tp[: n - 1] - tp[1:]
        pp = tp + fp
        dp = pp[: n - 1] - pp[1:]
        slope = dnn(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * pp[1:]
        ratio = np.where((pp[: n - 1] > 0) & (pp[1:] > 0), dnn(pp[: n - 1], np.maximum(pp[1:], 0)), np.ones_like(pp[1:]))
        return float(dnn(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)).sum())
    recall = dnn(tp, tp + fn)
    if curve == "ROC":
        x, yv = dnn(fp, fp + tn), recall
    else:
        x, yv = recall, dnn(tp, tp + fp)
    if summation_method == "interpolation":
        h = (yv[: n - 1] + yv[1:]) / 2
    elif summation_method == "minoring":
        h = np.minimum(yv[: n - 1], yv[1:])
    else:
        h = np.maximum(yv[: n - 1], yv[1:])
    return float(((x[: n - 1] - x[1:]) * h).sum())


def fbeta(y, p, average=None, beta=1.0, threshold=None):
    if threshold is None:
        yp = (p >= p.max(-1, keepdims=True)) & (np.abs(p) > 1e-9)
    else:
        yp = p > threshold
    yp = yp.astype(np.float64)
    axis = None if average == "micro" else 0
    tp = (yp * y).sum(axis)
    fp = (yp * (1 - y)).sum(axis)
    fn = ((1 - yp) * y).sum(axis)
    support = y.sum(0)
    prec = tp / (tp + fp + EPS)
    rec = tp / (tp + fn + EPS)
    f = prec * rec / (beta**2 * prec + rec + EPS) * (1 + beta**2)
    if average == "weighted":
        return float((f * support / (support.sum() + EPS)).sum())
    if average is not None:
        return float(np.mean(f))
    return f


def r2(y, p, class_aggregation="uniform_average", num_regressors=0):
    total = ((y - y.mean(0)) ** 2).sum(0)
    raw = 1 - ((y - p) ** 2).sum(0) / total
    if class_aggregation == "uniform_average":
        r = raw.mean()
    elif class_aggregation is None:
        r = raw
    else:
        r = (raw * total).sum() / total.sum()
    if num_regressors:
        n = y.shape[0]
        r = 1 - (1 - r) * (n - 1) / (n - num_regressors - 1)
    return r.tolist() if class_aggregation is None else float(r)


def in_top_k(ids, p, k):
    score = p[np.arange(len(ids)), ids]
    return ((p > score[:, None]).sum(-1) < k).astype(np.float64)


BP1 = B1PROBS.copy()
BP1[0, 0] = 0.5  # exactly at the 0.5 threshold: not positive
metric_case("auc", B1Y, BP1, auc(B1Y, BP1))
metric_case({"type": "auc", "curve": "PR"}, B1Y, BP1, auc(B1Y, BP1, curve="PR"))
metric_case({"type": "auc", "num_thresholds": 7, "summation_method": "minoring"}, B1Y, BP1, auc(B1Y, BP1, 7, "ROC", "minoring"))
metric_case({"type": "auc", "num_thresholds": 9, "curve": "PR", "summation_method": "majoring"}, BY, BPROBS, auc(BY, BPROBS, 9, "PR", "majoring"))
metric_case({"type": "auc", "from_logits": True, "num_thresholds": 50}, BY, BLOGITS, auc(BY, sigmoid(BLOGITS), 50))
metric_case({"type": "f1_score", "average": "macro"}, ONEHOT, PROBS, fbeta(ONEHOT, PROBS, "macro"))
metric_case("f1_score", ONEHOT, PROBS, fbeta(ONEHOT, PROBS))
metric_case({"type": "f1_score", "average": "micro", "threshold": 0.3}, ONEHOT, PROBS, fbeta(ONEHOT, PROBS, "micro", 1.0, 0.3))
metric_case({"type": "f1_score", "average": "weighted"}, ONEHOT, PROBS, fbeta(ONEHOT, PROBS, "weighted"))
metric_case({"type": "fbeta_score", "beta": 2, "average": "macro", "threshold": 0.5}, BY, BPROBS, fbeta(BY, BPROBS, "macro", 2.0, 0.5))
metric_case({"type": "f1_score", "threshold": 0.5}, B1Y, B1PROBS, fbeta(B1Y, B1PROBS, None, 1.0, 0.5))
metric_case("top_k_categorical_accuracy", ONEHOT, PROBS, in_top_k(IDS, PROBS, 5).mean())
metric_case({"type": "top_k_categorical_accuracy", "k": 2}, ONEHOT, PROBS, in_top_k(IDS, PROBS, 2).mean())
metric_case({"type": "sparse_top_k_categorical_accuracy", "k": 2}, IDS[:, None], PROBS, in_top_k(IDS, PROBS, 2).mean(), "int32")
metric_case({"type": "sparse_top_k_categorical_accuracy", "k": 1}, IDS, PROBS, in_top_k(IDS, PROBS, 1).mean(), "int32")
metric_case("r2_score", RY, RP, r2(RY, RP))
metric_case({"type": "r2_score", "class_aggregation": "variance_weighted_average"}, RY, RP, r2(RY, RP, "variance_weighted_average"))
metric_case({"type": "r2_score", "class_aggregation": None, "num_regressors": 1}, RY, RP, r2(RY, RP, None, 1))
metric_case({"type": "r2_score", "num_regressors": 2}, RY[:, :1], RP[:, :1], r2(RY[:, :1], RP[:, :1], num_regressors=2))
metric_case({"type": "binary_accuracy", "threshold": 0.7}, BY, BPROBS, (BY == (BPROBS > 0.7)).mean())
metric_case({"type": "precision", "thresholds": 0.3}, BY, BPROBS, (lambda t: t[0][0] / (t[0][0] + t[1][0]))(confusion_at(BY, BPROBS, [0.3])))
metric_case({"type": "recall", "thresholds": 0.7}, BY, BPROBS, (lambda t: t[0][0] / (t[0][0] + t[3][0]))(confusion_at(BY, BPROBS, [0.7])))
metric_case("rmse", RY, RP, np.sqrt(((RP - RY) ** 2).mean()))
metric_case("msle", np.abs(RY), np.abs(RP), ((np.log1p(np.abs(RP)) - np.log1p(np.abs(RY))) ** 2).mean())
metric_case("logcosh", RY, RP, np.log(np.cosh(RP - RY)).mean())
metric_case("cosine_similarity", RY, RP, ((RY / np.linalg.norm(RY, axis=-1, keepdims=True)) * (RP / np.linalg.norm(RP, axis=-1, keepdims=True))).sum(-1).mean())
metric_case({"type": "categorical_crossentropy", "from_logits": True, "label_smoothing": 0.1}, ONEHOT, LOGITS, cce(ONEHOT, LOGITS, True, 0.1).mean())
metric_case({"type": "binary_crossentropy", "from_logits": True}, BY, BLOGITS, bce(BY, BLOGITS, True).mean())
metric_case({"type": "sparse_categorical_crossentropy", "from_logits": True}, IDS[:, None], LOGITS, cce(ONEHOT, LOGITS, True).mean(), "int32")



def at_constraint(y, p, at, best, value, num_thresholds=200):
    """Keras's SensitivitySpecificityBase: thresholds 0, evenly spaced, 1; max of `best` where `at` >= value, else 0."""
    t = [0.5] if num_thresholds == 1 else [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
    tp, fp, tn, fn = confusion_at(y, p, t)
    rates = {"recall": dnn(tp, tp + fn), "sensitivity": dnn(tp, tp + fn), "precision": dnn(tp, tp + fp), "specificity": dnn(tn, tn + fp)}
    feasible = rates[at] >= value
    return float(np.max(rates[best][feasible], initial=0.0)) if feasible.any() else 0.0


tp, fp, tn, fn = confusion_at(BY, BPROBS, [0.4])
metric_case({"type": "true_positives", "thresholds": 0.4}, BY, BPROBS, tp[0])
metric_case({"type": "false_positives", "thresholds": 0.4}, BY, BPROBS, fp[0])
metric_case({"type": "true_negatives", "thresholds": 0.4}, BY, BPROBS, tn[0])
metric_case("false_negatives", BY, BPROBS, confusion_at(BY, BPROBS, [0.5])[3][0])
metric_case({"type": "precision", "class_id": 1, "thresholds": 0.1}, ONEHOT, PROBS, (lambda t: t[0][0] / (t[0][0] + t[1][0]))(confusion_at(ONEHOT[:, 1], PROBS[:, 1], [0.1])))
metric_case({"type": "recall", "class_id": 1, "thresholds": 0.2}, BY, BPROBS, (lambda t: t[0][0] / (t[0][0] + t[3][0]))(confusion_at(BY[:, 1], BPROBS[:, 1], [0.2])))
metric_case({"type": "precision_at_recall", "recall": 0.5}, BY, BPROBS, at_constraint(BY, BPROBS, "recall", "precision", 0.5))
metric_case({"type": "recall_at_precision", "precision": 0.6, "num_thresholds": 20}, BY, BPROBS, at_constraint(BY, BPROBS, "precision", "recall", 0.6, 20))
metric_case({"type": "sensitivity_at_specificity", "specificity": 0.5}, B1Y, B1PROBS, at_constraint(B1Y, B1PROBS, "specificity", "sensitivity", 0.5))
metric_case({"type": "specificity_at_sensitivity", "sensitivity": 0.8, "class_id": 0}, ONEHOT, PROBS, at_constraint(ONEHOT[:, 0], PROBS[:, 0], "sensitivity", "specificity", 0.8))
metric_case({"type": "recall_at_precision", "precision": 0.5, "num_thresholds": 1}, BY, BPROBS, at_constraint(BY, BPROBS, "precision", "recall", 0.5, 1))

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "goldens.json"), "w") as f:
    # One case a line: reviewable diffs without a 5,000-line file.
    f.write('{"losses": [\n' + ",\n".join(json.dumps(c) for c in losses) + '\n],\n"metrics": [\n' + ",\n".join(json.dumps(c) for c in metrics) + "\n]}\n")
print(f"{len(losses)} losses, {len(metrics)} metrics")
