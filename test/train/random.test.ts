/** nnspec's seeded generator: streams differ by seed and label, repeat exactly, and stay in range. */
import { describe, expect, it } from 'vitest';
import { rngFor, withRandom } from '../../src/train/random.js';

const draw = (seed: number, ...labels: (string | number)[]) => {
  const r = rngFor(seed, ...labels);
  return Array.from({ length: 8 }, () => r.next());
};

describe('rngFor', () => {
  it('repeats a stream exactly and gives different streams for neighbouring seeds and labels', () => {
    expect(draw(7, 'synth')).toEqual(draw(7, 'synth'));
    const streams = [draw(7, 'synth'), draw(8, 'synth'), draw(17, 'synth'), draw(7, 'shuffle'), draw(7, 'step', 1, 2), draw(7, 'step', 12)];
    const firsts = new Set(streams.map((s) => s[0]));
    expect(firsts.size).toBe(streams.length);
  });

  it('draws uniform values in [0, 1), integers in [0, n), and shuffles into a permutation', () => {
    const r = rngFor(1, 'test');
    const xs = Array.from({ length: 20000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 0.5)).toBeLessThan(0.01);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    const p = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('draws standard normals', () => {
    const r = rngFor(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('withRandom swaps Math.random for the stream and restores it, even on a throw', () => {
    const saved = Math.random;
    const inside = withRandom(rngFor(5), () => [Math.random(), Math.random()]);
    expect(inside).toEqual(draw(5).slice(0, 2));
    expect(Math.random).toBe(saved);
    expect(() => withRandom(rngFor(5), () => { throw new Error('x'); })).toThrow('x');
    expect(Math.random).toBe(saved);
  });
});
