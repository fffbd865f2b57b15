"""Golden values for test/train/schedules.test.ts: Keras 3's learning-rate schedules, written
here from the formulas in the keras.optimizers.schedules docstrings with NumPy in float32 (the
dtype Keras computes them in), independently of src/train/schedules.ts.

Run: /usr/bin/python3 test/train/schedules-goldens.py > test/train/schedules-goldens.json
"""
import json
import numpy as np

f = np.float32
steps = np.array([0, 1, 2, 5, 9, 10, 11, 25, 50, 99, 100, 101, 150, 299, 300, 301, 1000, 5000], dtype=f)


def exponential(c):
    p = steps / f(c["decay_steps"])
    if c.get("staircase"):
        p = np.floor(p)
    return f(c["initial_learning_rate"]) * np.power(f(c["decay_rate"]), p)


def inverse_time(c):
    p = steps / f(c["decay_steps"])
    if c.get("staircase"):
        p = np.floor(p)
    return f(c["initial_learning_rate"]) / (f(1) + f(c["decay_rate"]) * p)


def piecewise(c):
    b = np.array(c["boundaries"], dtype=f)
    v = np.array(c["values"], dtype=f)
    # np.searchsorted(side="left") gives the first boundary >= step: values[i] while step <= b[i].
    return v[np.searchsorted(b, steps, side="left")]


def polynomial(c):
    lr0, end = f(c["initial_learning_rate"]), f(c.get("end_learning_rate", 0.0001))
    d = f(c["decay_steps"])
    power = f(c.get("power", 1.0))
    if c.get("cycle"):
        mult = np.where(steps == 0, f(1), np.ceil(steps / d))
        d = d * mult
        s = steps
    else:
        s = np.minimum(steps, d)
    return (lr0 - end) * np.power(f(1) - s / d, power) + end


def cosine(c):
    lr0, d, alpha = f(c["initial_learning_rate"]), f(c["decay_steps"]), f(c.get("alpha", 0.0))
    target = c.get("warmup_target")
    w = f(c.get("warmup_steps", 0))

    def decay(s, start):
        return start * ((f(1) - alpha) * f(0.5) * (f(1) + np.cos(f(np.pi) * s / d)) + alpha)

    if target is None:
        return decay(np.minimum(steps, d), lr0)
    target = f(target)
    s = np.minimum(steps, d + w)
    return np.where(s < w, (target - lr0) * (s / w) + lr0, decay(s - w, target))


def restarts(c):
    lr0, d = f(c["initial_learning_rate"]), f(c["first_decay_steps"])
    t_mul, m_mul, alpha = f(c.get("t_mul", 2.0)), f(c.get("m_mul", 1.0)), f(c.get("alpha", 0.0))
    out = []
    for s in steps:
        # Walk the periods one by one (the docstring's SGDR), not by the closed form.
        start, period, i = f(0), d, 0
        while s >= start + period:
            start, period, i = start + period, period * t_mul, i + 1
        frac = (s - start) / period
        cos = f(0.5) * m_mul**i * (f(1) + np.cos(f(np.pi) * frac))
        out.append(lr0 * ((f(1) - alpha) * cos + alpha))
    return np.array(out, dtype=f)


cases = [
    ("exponential_decay", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.96}, exponential),
    ("exponential_decay", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": True}, exponential),
    ("inverse_time_decay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}, inverse_time),
    ("inverse_time_decay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True}, inverse_time),
    ("piecewise_constant_decay", {"boundaries": [10, 100], "values": [1.0, 0.5, 0.1]}, piecewise),
    ("polynomial_decay", {"initial_learning_rate": 0.1, "decay_steps": 100}, polynomial),
    ("polynomial_decay", {"initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": 0.01, "power": 0.5, "cycle": True}, polynomial),
    ("cosine_decay", {"initial_learning_rate": 0.01, "decay_steps": 1000}, cosine),
    ("cosine_decay", {"initial_learning_rate": 0.01, "decay_steps": 100, "alpha": 0.1}, cosine),
    ("cosine_decay", {"initial_learning_rate": 0.0, "decay_steps": 200, "warmup_target": 0.1, "warmup_steps": 100}, cosine),
    ("cosine_decay", {"initial_learning_rate": 0.01, "decay_steps": 1000, "warmup_target": 0.05, "warmup_steps": 100, "alpha": 0.2}, cosine),
    ("cosine_decay_restarts", {"initial_learning_rate": 0.1, "first_decay_steps": 10}, restarts),
    ("cosine_decay_restarts", {"initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1}, restarts),
    ("cosine_decay_restarts", {"initial_learning_rate": 0.1, "first_decay_steps": 7, "t_mul": 3.0, "m_mul": 0.9}, restarts),
]

print(json.dumps({
    "steps": [int(s) for s in steps],
    "cases": [{"config": {"type": t, **c}, "expected": [float(x) for x in fn(c)]} for t, c, fn in cases],
}, indent=1))
