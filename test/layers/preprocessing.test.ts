/**
 * Preprocessing layers against NumPy goldens made from Keras 3's definitions
 * (scripts/preprocessing-goldens.py → test/fixtures/preprocessing/goldens.json), on the ONNX
 * forward graph and on tfjs cpu: shapes, parameter counts, values, the augmentation layers'
 * identity in inference and their exact transform for a fixed draw in training.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/backends/tfjs/build.js';
import type { Tf } from '../../src/backends/tfjs/env.js';
import { loadTf } from '../../src/backends/tfjs/load.js';
import type { Graph } from '../../src/compiler/graph.js';
import { inferOne, ROOT, specWith } from '../helpers.js';
import { runOnnx, specGraph } from '../support/onnx-oracle.js';

interface Case {
  name: string;
  layer: Record<string, unknown>;
  training: boolean;
  input: { shape: number[]; dtype: 'float32' | 'int32'; data: number[] };
  output: { shape: number[]; data: number[] };
}

const GOLDENS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/preprocessing/goldens.json'), 'utf8')) as { cases: Case[] };

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf('cpu');
});

function caseGraph(c: Case): Graph {
  const shape = JSON.stringify(c.input.shape.slice(1));
  return specGraph(specWith(`  x: {shape: ${shape}, dtype: ${c.input.dtype}}`, `  r: ${JSON.stringify(c.layer)}`, 'r'));
}

/** Largest |got - want| over the golden's scale (its largest magnitude, at least 1). */
function error(got: ArrayLike<number>, want: readonly number[]): number {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / scale);
  return worst;
}

/** Ids and counts: equal, not close. */
const EXACT = new Set(['CategoryEncoding', 'Discretization']);

const typed = (c: Case) => (c.input.dtype === 'int32' ? Int32Array.from(c.input.data) : Float32Array.from(c.input.data));

describe('preprocessing layers equal the NumPy goldens', () => {
  it('has the cases', () => expect(GOLDENS.cases.length).toBeGreaterThan(30));

  for (const c of GOLDENS.cases) {
    it(`${c.name}: shape, ONNX and tfjs cpu`, async () => {
      const graph = caseGraph(c);
      expect(graph.nodes.get('r')!.output!.shape.slice(1)).toEqual(c.output.shape.slice(1));
      const onnx = await runOnnx(graph, { shapes: { x: c.input.shape }, data: { x: typed(c) } }, { training: c.training, seed: 3 });
      const got = onnx.outputs.get('r')!;
      await onnx.release();
      expect({ onnx: error(got, c.output.data) < 1e-5 ? 'ok' : error(got, c.output.data) }).toEqual({ onnx: 'ok' });
      if (EXACT.has(c.layer.type as string)) expect(Array.from(got)).toEqual(c.output.data);

      const { model } = buildModel(graph, tf);
      const x = tf.tensor(typed(c), c.input.shape, c.input.dtype);
      const y = model.apply(x, { training: c.training }) as ReturnType<Tf['tensor']>;
      expect(y.shape).toEqual(c.output.shape);
      const tfjs = y.dataSync();
      tf.dispose([x, y]);
      expect({ tfjs: error(tfjs, c.output.data) < 1e-5 ? 'ok' : error(tfjs, c.output.data) }).toEqual({ tfjs: 'ok' });
      if (EXACT.has(c.layer.type as string)) expect(Array.from(tfjs)).toEqual(c.output.data);
    });
  }
});

describe('shapes and parameter counts', () => {
  it('Normalization adapted: mean and variance per kept index and a count, all non-trainable (2 * dim + 1, as Keras)', () => {
    const node = specGraph(specWith('  x: {shape: [5]}', '  r: {type: Normalization}', 'r')).nodes.get('r')!;
    expect(node.layer!.weights).toEqual([
      { name: 'mean', shape: [5], trainable: false },
      { name: 'variance', shape: [5], trainable: false },
      { name: 'count', shape: [], trainable: false },
    ]);
    expect([node.layer!.params, node.layer!.trainableParams]).toEqual([11, 0]);
  });
  it('Normalization over two axes and over none', () => {
    expect(inferOne('{type: Normalization, axis: [1, -1]}', '[4, 3]')).toEqual({ shape: [null, 4, 3], params: 25 });
    expect(inferOne('{type: Normalization, axis: null}', '[4, 3]')).toEqual({ shape: [null, 4, 3], params: 3 });
  });
  it('Normalization with given statistics has no weights', () => {
    expect(inferOne('{type: Normalization, mean: [1, 2], variance: [1, 4]}', '[2]')).toEqual({ shape: [null, 2], params: 0 });
  });
  it('the other layers have no weights; encodings and resizes change the shape', () => {
    expect(inferOne('{type: Rescaling, scale: 0.5}', '[8, 8, 1]')).toEqual({ shape: [null, 8, 8, 1], params: 0 });
    expect(inferOne('{type: CategoryEncoding, num_tokens: 6, output_mode: count}', '[3]')).toEqual({ shape: [null, 6], params: 0 });
    expect(inferOne('{type: Discretization, bin_boundaries: [0, 1], output_mode: one_hot}', '[1]')).toEqual({ shape: [null, 3], params: 0 });
    expect(inferOne('{type: Resizing, height: 4, width: 5}', '[8, 8, 3]')).toEqual({ shape: [null, 4, 5, 3], params: 0 });
    expect(inferOne('{type: CenterCrop, height: 4, width: 5, data_format: channels_first}', '[3, 8, 8]')).toEqual({ shape: [null, 3, 4, 5], params: 0 });
    for (const layer of ['{type: RandomFlip}', '{type: RandomRotation, factor: 0.1}', '{type: RandomZoom, height_factor: 0.1}', '{type: RandomTranslation, height_factor: 0.1, width_factor: 0.1}', '{type: RandomContrast, factor: 0.2}']) {
      expect(inferOne(layer, '[8, 8, 1]')).toEqual({ shape: [null, 8, 8, 1], params: 0 });
    }
  });
  it('Discretization int gives int32 ids', () => {
    const node = specGraph(specWith('  x: {shape: [3]}', '  r: {type: Discretization, bin_boundaries: [0.5]}', 'r')).nodes.get('r')!;
    expect(node.output!.dtype).toBe('int32');
  });
});

describe('augmentation in training', () => {
  const flipSpec = (mode: string) => specGraph(specWith('  x: {shape: [3, 4, 2]}', `  r: {type: RandomFlip, mode: ${mode}}`, 'r'));
  const image = Float32Array.from({ length: 16 * 3 * 4 * 2 }, (_, i) => (i * 37) % 101);
  /** Image b of a [16, 3, 4, 2] batch, flipped as asked. */
  const view = (data: ArrayLike<number>, b: number, flipRows: boolean, flipCols: boolean) =>
    Array.from({ length: 24 }, (_, k) => {
      const [r, c, ch] = [Math.floor(k / 8), Math.floor(k / 2) % 4, k % 2];
      return data[b * 24 + (flipRows ? 2 - r : r) * 8 + (flipCols ? 3 - c : c) * 2 + ch]!;
    });

  for (const [mode, rows, cols] of [['horizontal', false, true], ['vertical', true, false], ['horizontal_and_vertical', true, true]] as const) {
    it(`RandomFlip ${mode}: each image is itself or its flip, both occur (ONNX and tfjs)`, async () => {
      const graph = flipSpec(mode);
      const onnx = await runOnnx(graph, { shapes: { x: [16, 3, 4, 2] }, data: { x: image } }, { training: true, seed: 9 });
      const outOnnx = onnx.outputs.get('r')!;
      await onnx.release();
      const { model } = buildModel(graph, tf);
      const x = tf.tensor(image, [16, 3, 4, 2]);
      const y = model.apply(x, { training: true }) as ReturnType<Tf['tensor']>;
      const outTfjs = y.dataSync();
      tf.dispose([x, y]);
      for (const out of [outOnnx, outTfjs]) {
        const kinds = Array.from({ length: 16 }, (_, b) => {
          const got = view(out, b, false, false);
          if (JSON.stringify(got) === JSON.stringify(view(image, b, false, false))) return 'same';
          expect(got).toEqual(view(image, b, rows, cols));
          return 'flipped';
        });
        expect(new Set(kinds)).toEqual(new Set(['same', 'flipped']));
      }
    });
  }

  it('the ONNX draws repeat with the same seed and differ with another', async () => {
    const graph = specGraph(specWith('  x: {shape: [5, 6, 1]}', '  r: {type: RandomRotation, factor: 0.2}', 'r'));
    const data = Float32Array.from({ length: 4 * 30 }, (_, i) => i % 7);
    const run = async (seed: number) => {
      const r = await runOnnx(graph, { shapes: { x: [4, 5, 6, 1] }, data: { x: data } }, { training: true, seed });
      const out = r.outputs.get('r')!;
      await r.release();
      return Array.from(out);
    };
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('augmentation in training draws per image within the factor range (ONNX and tfjs)', () => {
  // A 9x11 image whose pixel values name their place (row * 11 + col), sampled with nearest
  // interpolation and fill -1: each output pixel says which input pixel it read, so each
  // image's draw can be read back and checked against its range.
  const [B, H, W] = [32, 9, 11];
  const plane = Array.from({ length: H * W }, (_, i) => i);
  const batch = Float32Array.from({ length: B * H * W }, (_, i) => plane[i % (H * W)]!);
  const [cy, cx] = [(H - 1) / 2, (W - 1) / 2];

  /** Each engine's output, per image: the source (row, col) of every output pixel that was not filled. */
  async function draws(layer: string): Promise<Map<string, { r: number; c: number; sr: number; sc: number }[][]>> {
    const graph = specGraph(specWith(`  x: {shape: [${H}, ${W}, 1]}`, `  r: ${layer}`, 'r'));
    const onnx = await runOnnx(graph, { shapes: { x: [B, H, W, 1] }, data: { x: batch } }, { training: true, seed: 11 });
    const outOnnx = Array.from(onnx.outputs.get('r')!);
    await onnx.release();
    const { model } = buildModel(graph, tf);
    const x = tf.tensor(batch, [B, H, W, 1]);
    const y = model.apply(x, { training: true }) as ReturnType<Tf['tensor']>;
    const outTfjs = Array.from(y.dataSync());
    tf.dispose([x, y]);
    const out = new Map<string, { r: number; c: number; sr: number; sc: number }[][]>();
    for (const [engine, data] of [['onnx', outOnnx], ['tfjs', outTfjs]] as const) {
      out.set(
        engine,
        Array.from({ length: B }, (_, b) => {
          const pixels = [];
          for (let k = 0; k < H * W; k++) {
            const v = data[b * H * W + k]!;
            if (v === -1) continue;
            expect(Number.isInteger(v) && v >= 0 && v < H * W).toBe(true);
            pixels.push({ r: Math.floor(k / W), c: k % W, sr: Math.floor(v / W), sc: v % W });
          }
          return pixels;
        }),
      );
    }
    return out;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  /** The draws are in range, not all alike, and spread over most of the range. */
  function expectSpread(values: number[], lo: number, hi: number, slack: number) {
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(lo - slack);
      expect(v).toBeLessThanOrEqual(hi + slack);
    }
    expect(Math.min(...values)).toBeLessThan(lo + (hi - lo) / 3);
    expect(Math.max(...values)).toBeGreaterThan(hi - (hi - lo) / 3);
  }
  const common = 'fill_mode: constant, fill_value: -1, interpolation: nearest';

  it('RandomTranslation: each shift within factor × size (± half a pixel of rounding)', async () => {
    for (const images of (await draws(`{type: RandomTranslation, height_factor: [-0.3, 0.2], width_factor: 0.25, ${common}}`)).values()) {
      const dy = images.map((px) => median(px.map((p) => p.r - p.sr)));
      const dx = images.map((px) => median(px.map((p) => p.c - p.sc)));
      // Every pixel of an image moved by the same shift.
      images.forEach((px, b) => px.forEach((p) => expect([p.r - p.sr, p.c - p.sc]).toEqual([dy[b], dx[b]])));
      expectSpread(dy, -0.3 * H, 0.2 * H, 0.5);
      expectSpread(dx, -0.25 * W, 0.25 * W, 0.5);
    }
  });

  it('RandomRotation: each angle within factor × 2π', async () => {
    for (const images of (await draws(`{type: RandomRotation, factor: 0.05, ${common}}`)).values()) {
      const angles = images.map((px) => {
        const far = px.filter((p) => Math.hypot(p.r - cy, p.c - cx) >= 4);
        return median(far.map((p) => {
          let d = Math.atan2(p.r - cy, p.c - cx) - Math.atan2(p.sr - cy, p.sc - cx);
          if (d > Math.PI) d -= 2 * Math.PI;
          if (d < -Math.PI) d += 2 * Math.PI;
          return d;
        }));
      });
      // Rounding to the nearest pixel moves one pixel's angle by up to 0.18 rad at radius 4; the median over an image's pixels by far less.
      expectSpread(angles, -0.05 * 2 * Math.PI, 0.05 * 2 * Math.PI, 0.05);
    }
  });

  it('RandomZoom: each scale within 1 + factor, aspect ratio kept without width_factor', async () => {
    for (const images of (await draws(`{type: RandomZoom, height_factor: [-0.4, 0.3], ${common}}`)).values()) {
      const scale = (px: { r: number; c: number; sr: number; sc: number }[], axis: 'r' | 'c') => {
        const [at, from, centre] = axis === 'r' ? (['r', 'sr', cy] as const) : (['c', 'sc', cx] as const);
        const far = px.filter((p) => Math.abs(p[at] - centre) >= 3);
        return median(far.map((p) => (p[from] - centre) / (p[at] - centre)));
      };
      const zy = images.map((px) => scale(px, 'r'));
      const zx = images.map((px) => scale(px, 'c'));
      // Half a pixel of rounding at distance >= 3 from the centre: ±1/6.
      expectSpread(zy, 0.6, 1.3, 1 / 6);
      zy.forEach((z, b) => expect(Math.abs(z - zx[b]!)).toBeLessThan(1 / 3));
    }
  });

  it('RandomContrast: each image and channel scaled about its mean by a factor in [1 - lower, 1 + upper]', async () => {
    const graph = specGraph(specWith(`  x: {shape: [${H}, ${W}, 2]}`, '  r: {type: RandomContrast, factor: [0.3, 0.6], value_range: [-1000, 1000]}', 'r'));
    const data = Float32Array.from({ length: B * H * W * 2 }, (_, i) => (i * 37) % 101);
    const onnx = await runOnnx(graph, { shapes: { x: [B, H, W, 2] }, data: { x: data } }, { training: true, seed: 5 });
    const outOnnx = Array.from(onnx.outputs.get('r')!);
    await onnx.release();
    const { model } = buildModel(graph, tf);
    const x = tf.tensor(data, [B, H, W, 2]);
    const y = model.apply(x, { training: true }) as ReturnType<Tf['tensor']>;
    const outTfjs = Array.from(y.dataSync());
    tf.dispose([x, y]);
    for (const out of [outOnnx, outTfjs]) {
      const factors: number[] = [];
      for (let b = 0; b < B; b++) {
        for (let ch = 0; ch < 2; ch++) {
          const at = (k: number) => b * H * W * 2 + k * 2 + ch;
          let mean = 0;
          for (let k = 0; k < H * W; k++) mean += data[at(k)]!;
          mean /= H * W;
          // The factor from the pixel farthest from the mean; every pixel must agree with it.
          let far = 0;
          for (let k = 0; k < H * W; k++) if (Math.abs(data[at(k)]! - mean) > Math.abs(data[at(far)]! - mean)) far = k;
          const f = (out[at(far)]! - mean) / (data[at(far)]! - mean);
          for (let k = 0; k < H * W; k++) expect(out[at(k)]!).toBeCloseTo((data[at(k)]! - mean) * f + mean, 2);
          factors.push(f);
        }
      }
      expectSpread(factors, 0.7, 1.6, 1e-4);
    }
  });
});

describe('augmentation in inference is the identity (ONNX and tfjs)', () => {
  const image = Float32Array.from({ length: 4 * 5 * 6 * 2 }, (_, i) => (i * 53) % 97);
  for (const layer of [
    '{type: RandomFlip}',
    '{type: RandomRotation, factor: 0.3}',
    '{type: RandomZoom, height_factor: 0.4, width_factor: [-0.2, 0.5]}',
    '{type: RandomTranslation, height_factor: 0.3, width_factor: 0.2}',
    '{type: RandomContrast, factor: 0.9}',
  ]) {
    it(layer, async () => {
      const graph = specGraph(specWith('  x: {shape: [5, 6, 2]}', `  r: ${layer}`, 'r'));
      const onnx = await runOnnx(graph, { shapes: { x: [4, 5, 6, 2] }, data: { x: image } }, { training: false, seed: 2 });
      const outOnnx = Array.from(onnx.outputs.get('r')!);
      await onnx.release();
      const { model } = buildModel(graph, tf);
      const x = tf.tensor(image, [4, 5, 6, 2]);
      const y = model.apply(x, { training: false }) as ReturnType<Tf['tensor']>;
      const outTfjs = Array.from(y.dataSync());
      tf.dispose([x, y]);
      expect(outOnnx).toEqual(Array.from(image));
      expect(outTfjs).toEqual(Array.from(image));
    });
  }
});

describe("Normalization with its own (adapted) weights, both directions (ONNX and tfjs)", () => {
  const x = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 7) % 11 - 3);
  const [mean, variance] = [Float32Array.of(1, -2, 0.5), Float32Array.of(4, 0.25, 0)];
  const sd = Array.from(variance, (v) => Math.max(Math.sqrt(v), 1e-7));
  for (const invert of [false, true]) {
    it(invert ? 'invert: mean + x * sd' : '(x - mean) / sd, a zero variance divided by epsilon', async () => {
      const graph = specGraph(specWith('  x: {shape: [2, 3]}', `  r: {type: Normalization, invert: ${invert}}`, 'r'));
      const want = Array.from(x, (v, i) => Math.fround(invert ? mean[i % 3]! + v * sd[i % 3]! : (v - mean[i % 3]!) / sd[i % 3]!));
      const weights = new Map([['r/mean', mean], ['r/variance', variance], ['r/count', Float32Array.of(9)]]);
      const onnx = await runOnnx(graph, { shapes: { x: [4, 2, 3] }, data: { x } }, { training: false, weights });
      const outOnnx = Array.from(onnx.outputs.get('r')!);
      await onnx.release();
      expect([...onnx.weights.keys()].sort()).toEqual(['r/count', 'r/mean', 'r/variance']);
      const { model } = buildModel(graph, tf);
      const layer = model.getLayer('r');
      layer.setWeights([tf.tensor(mean, [3]), tf.tensor(variance, [3]), tf.scalar(9)]);
      const input = tf.tensor(x, [4, 2, 3]);
      const y = model.apply(input, { training: false }) as ReturnType<Tf['tensor']>;
      const outTfjs = Array.from(y.dataSync());
      tf.dispose([input, y]);
      expect(error(outOnnx, want)).toBeLessThan(1e-6);
      expect(error(outTfjs, want)).toBeLessThan(1e-6);
    });
  }
});
