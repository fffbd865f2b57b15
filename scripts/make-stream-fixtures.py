#!/usr/bin/env python3
"""Golden files for the streamed .npy readers and sharded data sets (issue 14), written by NumPy.

Run from the repository root: /usr/bin/python3 scripts/make-stream-fixtures.py
Writes test/fixtures/stream/: arrays of several rows in every numeric dtype and both byte orders
(so row ranges and gathered rows cross chunk and element boundaries), a Fortran-ordered one,
a directory of shards, a stored and a compressed .npz, and expected.json (values as lists).
"""
import json
import os

import numpy as np

out = os.path.join('test', 'fixtures', 'stream')
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(14)
expected = {}


def save(name, a):
    np.save(os.path.join(out, name), a)
    expected[name] = {'dtype': a.dtype.name, 'shape': list(a.shape), 'values': [float(v) for v in np.ravel(a, order='C')]}


for code in ['f4', 'f8', 'f2', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8']:
    for order in ['<', '>']:
        if code in ('i1', 'u1') and order == '>':
            continue
        dt = np.dtype(order + code)
        if dt.kind == 'f':
            a = rng.normal(size=(37, 3, 2)).astype(dt)
        elif dt.kind == 'i':
            a = rng.integers(-100, 100, size=(37, 3, 2)).astype(dt)
        else:
            a = rng.integers(0, 200, size=(37, 3, 2)).astype(dt)
        save(f'rows-{code}-{"le" if order == "<" else "be"}.npy', a)
save('rows-b1.npy', rng.integers(0, 2, size=(29, 4)).astype(np.bool_))
save('rows-1d-f4.npy', rng.normal(size=(53,)).astype(np.float32))
save('rows-fortran.npy', np.asfortranarray(rng.normal(size=(11, 5)).astype(np.float32)))
big = np.arange(10, dtype=np.int64).reshape(5, 2)
big[3, 1] = 2**53 + 1
np.save(os.path.join(out, 'rows-i8-beyond.npy'), big)

# A sharded input: x/000.npy, x/001.npy, x/002.npy, and the one array they make.
shards = [rng.normal(size=(n, 4)).astype(np.float32) for n in (7, 1, 12)]
os.makedirs(os.path.join(out, 'sharded', 'x'), exist_ok=True)
for i, s in enumerate(shards):
    np.save(os.path.join(out, 'sharded', 'x', f'{i:03d}.npy'), s)
np.save(os.path.join(out, 'sharded', 'y.npy'), rng.normal(size=(20, 1)).astype(np.float32))
expected['sharded/x'] = {'dtype': 'float32', 'shape': [20, 4], 'values': [float(v) for v in np.concatenate(shards).ravel()]}

# A manifest naming shards out of name order.
os.makedirs(os.path.join(out, 'manifest', 'x'), exist_ok=True)
for i, s in enumerate(shards):
    np.save(os.path.join(out, 'manifest', 'x', f'part-{i}.npy'), s)
with open(os.path.join(out, 'manifest', 'x', 'manifest.json'), 'w') as f:
    json.dump({'shards': ['part-2.npy', 'part-0.npy', 'part-1.npy']}, f)
np.save(os.path.join(out, 'manifest', 'y.npy'), rng.normal(size=(20, 1)).astype(np.float32))
expected['manifest/x'] = {'dtype': 'float32', 'shape': [20, 4], 'values': [float(v) for v in np.concatenate([shards[2], shards[0], shards[1]]).ravel()]}

# Shards that disagree on the per-sample shape.
os.makedirs(os.path.join(out, 'ragged', 'x'), exist_ok=True)
np.save(os.path.join(out, 'ragged', 'x', '000.npy'), rng.normal(size=(3, 4)).astype(np.float32))
np.save(os.path.join(out, 'ragged', 'x', '001.npy'), rng.normal(size=(3, 5)).astype(np.float32))
np.save(os.path.join(out, 'ragged', 'y.npy'), rng.normal(size=(6, 1)).astype(np.float32))

x = rng.normal(size=(23, 4)).astype(np.float32)
y = rng.normal(size=(23, 1)).astype(np.float32)
np.savez(os.path.join(out, 'stored.npz'), x=x, y=y)
np.savez_compressed(os.path.join(out, 'compressed.npz'), x=x, y=y)
expected['npz/x'] = {'dtype': 'float32', 'shape': [23, 4], 'values': [float(v) for v in x.ravel()]}
expected['npz/y'] = {'dtype': 'float32', 'shape': [23, 1], 'values': [float(v) for v in y.ravel()]}

with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f)
