#!/usr/bin/env python3
"""Writes the golden .npy/.npz files in test/fixtures/npy/ with real NumPy, plus expected.json.

Run with a Python that has NumPy (Debian: apt-get install python3-numpy; /usr/bin/python3):
    /usr/bin/python3 scripts/make-npy-fixtures.py
expected.json lists each valid file's dtype, shape and C-order values, so the tests need no
Python. Non-finite floats are written as the strings "nan", "inf" and "-inf". The invalid files
(object, structured, unicode, ... arrays) are listed under "invalid" with the dtype they hold;
their error codes and messages are asserted in the tests.
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')

# Each dtype's values exercise its extremes; floats are exactly representable in the type.
VALUES = {
    'f2': [[0.5, -1.5, 65504.0], [6.103515625e-05, 5.960464477539063e-08, -0.0]],
    'f4': [[0.5, -1.5, 3.4028234663852886e38], [1e-45, float('inf'), float('nan')]],
    'f8': [[0.1, -1.5, 1.7976931348623157e308], [5e-324, float('-inf'), float('nan')]],
    'i1': [[-128, 127, 0], [1, -1, 5]],
    'i2': [[-32768, 32767, 0], [1, -1, 5]],
    'i4': [[-2**31, 2**31 - 1, 0], [1, -1, 5]],
    'i8': [[-(2**53 - 1), 2**53 - 1, 0], [2**31, -1, 5]],
    'u1': [[0, 255, 1], [2, 3, 4]],
    'u2': [[0, 65535, 1], [2, 3, 4]],
    'u4': [[0, 2**32 - 1, 1], [2, 3, 4]],
    'u8': [[0, 2**53 - 1, 1], [2, 3, 4]],
    'b1': [[True, False, True], [False, False, True]],
}

expected = {'npy': {}, 'npz': {}, 'invalid': {}}


def plain(v):
    if isinstance(v, float):
        if math.isnan(v):
            return 'nan'
        if math.isinf(v):
            return 'inf' if v > 0 else '-inf'
    return v


def describe(a):
    return {'descr': np.lib.format.dtype_to_descr(a.dtype), 'dtype': a.dtype.name, 'shape': list(a.shape), 'values': [plain(v) for v in a.ravel(order='C').tolist()]}


def save(name, a, version=None, fortran=False):
    path = os.path.join(OUT, name)
    if fortran:
        a = np.asfortranarray(a)
        assert a.flags.f_contiguous and not a.flags.c_contiguous
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=False)
    expected['npy'][name] = describe(a)


def save_invalid(name, a, why):
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, allow_pickle=True)
    expected['invalid'][name] = {'descr': np.lib.format.dtype_to_descr(a.dtype), 'why': why}


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))

    for code, values in VALUES.items():
        orders = ['|'] if code[1] == '1' else ['<', '>']
        for order in orders:
            a = np.array(values, dtype=np.dtype(order + code))
            suffix = {'<': 'le', '>': 'be', '|': 'na'}[order]
            save(f'{code}-{suffix}.npy', a)

    save('fortran-2d.npy', np.arange(6, dtype='<f4').reshape(2, 3), fortran=True)
    save('fortran-3d.npy', np.arange(24, dtype='<i4').reshape(2, 3, 4), fortran=True)
    save('fortran-3d-be.npy', (np.arange(24).reshape(2, 3, 4) / 4).astype('>f8'), fortran=True)
    save('v2.npy', np.arange(5, dtype='<f4'), version=(2, 0))
    save('v3.npy', np.arange(5, dtype='<i2'), version=(3, 0))
    save('scalar.npy', np.array(3.5))
    save('empty.npy', np.zeros((0, 3), dtype='<f4'))
    save('int64-small.npy', np.array([1, -2, 3], dtype='<i8'))

    save_invalid('int64-beyond-2-53.npy', np.array([1, 2**53 + 1], dtype='<i8'), 'int64 beyond 2^53')
    save_invalid('object.npy', np.array([1, 'a', None], dtype=object), 'object array (pickle)')
    save_invalid('structured.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]), 'structured dtype')
    save_invalid('unicode.npy', np.array(['abc', 'de']), 'unicode strings')
    save_invalid('bytes.npy', np.array([b'ab', b'c']), 'byte strings')
    save_invalid('complex.npy', np.array([1 + 2j], dtype='<c8'), 'complex numbers')

    x = np.arange(6, dtype='<f4').reshape(2, 3)
    y = np.array([1, 0], dtype='<i8')
    np.savez(os.path.join(OUT, 'stored.npz'), x=x, y=y)
    np.savez_compressed(os.path.join(OUT, 'compressed.npz'), x=x, y=y)
    for name in ['stored.npz', 'compressed.npz']:
        expected['npz'][name] = {'x': describe(x), 'y': describe(y)}

    # One file a line: small, and a regenerated fixture shows up as a one-line diff.
    sections = []
    for section in sorted(expected):
        lines = [f'  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}' for k, v in sorted(expected[section].items())]
        sections.append(f' {json.dumps(section)}: {{\n' + ',\n'.join(lines) + '\n }')
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        f.write('{\n' + ',\n'.join(sections) + '\n}\n')


if __name__ == '__main__':
    main()
