/**
 * Keras's `orthogonal` initializer for tfjs, computed on the host. tfjs's own runs its QR as
 * thousands of small tensor ops: 3.4 s for a 64×256 matrix, 22 s for 128×512 and 147 s for the
 * 256×1024 recurrent kernel of an LSTM(256) on the cpu backend (measured here), so a seq2seq
 * model took minutes to build. This one takes tfjs's normal draws (so Math.random seeding, and
 * thus a run's seed, decide them as before) and factors them with Householder QR in float64:
 * Q with the signs of R's diagonal applied, transposed when there are fewer rows than columns,
 * times `gain` (Keras 3's keras/src/initializers/random_initializers.py, OrthogonalInitializer).
 * Registered under tfjs's class name `Orthogonal`, so layer configs and model.json find it.
 */
import type { Tf } from './env.js';
import { perTf } from './layers/emitter.js';

/**
 * Q (m×n, m ≥ n, column-major in the result's rows) of the QR factorization of the m×n matrix a
 * (row-major), with each column multiplied by the sign of R's diagonal entry: the unique Q whose
 * R has a non-negative diagonal, as Gram-Schmidt gives. Householder reflections, float64.
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!;
    v[0] = x0 - alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    if (vv > 0) {
      // R ← (I - 2vvᵀ/vᵀv) R on rows k.., columns k..
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k]! * r[i * n + j]!;
        const f = (2 * dot) / vv;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - f * v[i - k]!;
      }
    }
    vs.push(vv > 0 ? v : new Float64Array(0));
    signs[k] = r[k * n + k]! < 0 ? -1 : 1;
  }
  // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    if (v.length === 0) continue;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - f * v[i - k]!;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * signs[j]!;
  return q;
}

/** Registers the host-side `Orthogonal` with this tf module (once). */
export const registerOrthogonal = perTf((tf: Tf) => {
  type Tensor = ReturnType<Tf['zeros']>;
  const Base = tf.serialization.Serializable as unknown as new () => object;
  class Orthogonal extends Base {
    static className = 'Orthogonal';
    readonly gain: number;
    readonly seed: number | undefined;
    constructor(args: { gain?: number; seed?: number } = {}) {
      super();
      this.gain = args.gain ?? 1;
      this.seed = args.seed ?? undefined;
    }
    apply(shape: number[], dtype?: string): Tensor {
      if (shape.length < 2) throw new Error(`the orthogonal initializer needs a shape of at least 2 dimensions, got [${shape.join(', ')}]`);
      if (dtype !== undefined && dtype !== 'float32') throw new Error(`the orthogonal initializer makes float32 weights, not ${dtype}`);
      const rows = shape.slice(0, -1).reduce((x, y) => x * y, 1);
      const cols = shape[shape.length - 1]!;
      const [m, n] = [Math.max(rows, cols), Math.min(rows, cols)];
      const draws = tf.randomNormal([m, n], 0, 1, 'float32', this.seed);
      const a = Float64Array.from(draws.dataSync());
      draws.dispose();
      const q = orthonormalColumns(a, m, n);
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          // rows < cols: the weight is Qᵀ.
          const at = rows >= cols ? i * n + j : j * m + i;
          out[at] = this.gain * q[i * n + j]!;
        }
      }
      return tf.tensor(out, shape, 'float32');
    }
    getConfig(): Record<string, unknown> {
      return { gain: this.gain, seed: this.seed ?? null };
    }
  }
  tf.serialization.registerClass(Orthogonal as never);
  return Orthogonal;
});
