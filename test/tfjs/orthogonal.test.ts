import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import { orthonormalColumns } from '../../src/backends/tfjs/orthogonal.js';
import { rngFor } from '../../src/train/random.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

/** Aᵀ B for row-major m×n matrices. */
function tMul(a: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += a[k * n + i]! * b[k * n + j]!;
    out[i * n + j] = s;
  }
  return out;
}

describe('orthonormalColumns (Householder QR, float64)', () => {
  it.each([[5, 5], [9, 4], [40, 7], [1, 1]])('%i×%i: QᵀQ = I, and R = QᵀA is upper triangular with a non-negative diagonal', (m, n) => {
    const rng = rngFor(1, 'qr', m, n);
    const a = Float64Array.from({ length: m * n }, () => rng.normal());
    const q = orthonormalColumns(a, m, n);
    const qtq = tMul(q, q, m, n);
    const r = tMul(q, a, m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      expect(Math.abs(qtq[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      if (i > j) expect(Math.abs(r[i * n + j]!)).toBeLessThan(1e-12);
    }
    for (let i = 0; i < n; i++) expect(r[i * n + i]!).toBeGreaterThan(0);
  });
});

describe("tfjs's Orthogonal replaced by the host-side one", () => {
  it.each([[6, 4], [4, 6], [12, 12]])('%i×%i with a seed: the same matrix as tfjs\'s own initializer (the same draws)', (rows, cols) => {
    const ours = tf.serialization.SerializationMap.getMap().classNameMap.Orthogonal![0] as unknown as new (a: object) => { apply(s: number[]): ReturnType<Tf['zeros']> };
    const got = new ours({ gain: 1.5, seed: 7 }).apply([rows, cols]).dataSync();
    const want = tf.initializers.orthogonal({ gain: 1.5, seed: 7 }).apply([rows, cols]).dataSync();
    expect(Array.from(got).map((x, i) => Math.abs(x - want[i]!)).reduce((x, y) => Math.max(x, y))).toBeLessThan(1e-5);
  });

  it('a layer naming it by string gets it: an LSTM(256) builds in seconds with an orthogonal recurrent kernel', () => {
    const m = tf.sequential({ layers: [tf.layers.lstm({ units: 256, inputShape: [null, 8] })] });
    const w = m.getWeights()[1]!;
    expect(w.shape).toEqual([256, 1024]);
    const err = tf.sub(tf.matMul(w, w, false, true), tf.eye(256)).abs().max().dataSync()[0]!;
    expect(err).toBeLessThan(1e-5);
    const json = JSON.stringify(m.toJSON(null, false));
    expect(json).toContain('"recurrent_initializer":{"class_name":"Orthogonal","config":{"gain":1,"seed":null}}');
    m.dispose();
  });
});
