/**
 * Every seed spec in specs/, seeded, 3 epochs on synthetic data: the onnx engine and the tfjs
 * engine (wasm, the fallback users get) report the same per-epoch losses and metrics, training and
 * validation, to 1e-3 relative. (No seed spec has dropout or noise, whose draws differ by engine.)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers.js';
import { readJson, tempDir } from '../train/helpers.js';

const SPECS = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

/** Samples and batch size: ResNet50 at 224x224 gets few (tfjs wasm takes seconds per sample). */
const SIZE: Record<string, [number, number]> = { resnet50: [10, 4] };

/** Worst relative difference per history key, for the report. */
function compare(a: Record<string, number[]>, b: Record<string, number[]>): Record<string, number> {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  const worst: Record<string, number> = {};
  for (const k of Object.keys(b)) {
    expect(a[k]).toHaveLength(3);
    worst[k] = Math.max(...b[k]!.map((x, i) => Math.abs(a[k]![i]! - x) / Math.max(Math.abs(x), 1e-3)));
  }
  return worst;
}

describe('seed specs: onnx and tfjs agree epoch by epoch', () => {
  it.each(SPECS)('%s', async (name) => {
    const dir = tempDir();
    const spec = join(ROOT, 'specs', `${name}.yaml`);
    const [samples, batch] = SIZE[name] ?? [40, 16];
    expect((await runCli(['synth', spec, '--samples', String(samples), '--out', join(dir, 'data'), '--seed', '1'])).code).toBe(0);
    const histories: Record<string, number[]>[] = [];
    for (const backend of ['onnx', 'wasm']) {
      const out = join(dir, backend);
      const r = await runCli(['train', spec, '--data', join(dir, 'data'), '--out', out, '--epochs', '3', '--seed', '3', '--batch-size', String(batch), '--validation-split', '0.2', '--quiet', '--backend', backend]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^backend: ${backend} `));
      histories.push(readJson<Record<string, number[]>>(join(out, 'history.json')));
    }
    const worst = compare(histories[0]!, histories[1]!);
    console.log(`${name}: worst relative difference per key ${JSON.stringify(worst)}; onnx loss ${histories[0]!.loss!.map((x) => x.toFixed(5)).join(', ')}`);
    for (const [k, d] of Object.entries(worst)) expect(d, `${k}: onnx ${histories[0]![k]} vs wasm ${histories[1]![k]}`).toBeLessThan(1e-3);
  }, 600_000);
});
