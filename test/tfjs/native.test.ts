/**
 * tfjs-node's loading: the Node ≥ 23 util shim (defined before the import, never over a real
 * one), and the message when it does not load, for both causes: npm skipped it (the command names
 * the version and says it needs network), or its folder is there without its native library.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import util from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { importNative, nativeProblem, shimNodeUtil } from '../../src/backends/tfjs/native.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakeRoot(withPackage: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'nnspec-native-'));
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'nnspec', optionalDependencies: { '@tensorflow/tfjs-node': '^4.21.0' } }));
  if (withPackage) {
    mkdirSync(join(root, 'node_modules/@tensorflow/tfjs-node'), { recursive: true });
    writeFileSync(join(root, 'node_modules/@tensorflow/tfjs-node/package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
  }
  return root;
}

describe('util shim', () => {
  it('defines isNullOrUndefined where Node removed it, and leaves a present one alone', () => {
    const bare: Record<string, unknown> = {};
    expect(shimNodeUtil(bare)).toEqual(['isNullOrUndefined', 'isArray']);
    const isNull = bare.isNullOrUndefined as (v: unknown) => boolean;
    expect([isNull(null), isNull(undefined), isNull(0), isNull('')]).toEqual([true, true, false, false]);
    const own = () => true;
    expect(shimNodeUtil({ isNullOrUndefined: own, isArray: own })).toEqual([]);
  });

  it('is in place when tfjs-node is imported', async () => {
    let seen: unknown;
    await importNative(async () => {
      seen = (util as unknown as Record<string, unknown>).isNullOrUndefined;
    });
    expect(typeof seen).toBe('function');
  });
});

describe('why tfjs-node did not load', () => {
  it('skipped by npm: the install command with its version, and that it needs network', () => {
    const root = fakeRoot(false);
    const m = nativeProblem(new Error("Cannot find package '@tensorflow/tfjs-node'"), root);
    expect(m).toBe(
      `@tensorflow/tfjs-node is not installed (npm skips this optional dependency when its install fails, without a word); in ${root} run \`npm install --foreground-scripts @tensorflow/tfjs-node@4.21.0\` (its install downloads libtensorflow from storage.googleapis.com, so it needs network access; --foreground-scripts shows why it fails)`,
    );
  });

  it('installed without its native library: rebuild it', () => {
    const root = fakeRoot(true);
    const m = nativeProblem(new Error('The specified module could not be found.\n  at tfjs_binding.node'), root);
    expect(m).toBe(
      `@tensorflow/tfjs-node is installed in ${join(root, 'node_modules/@tensorflow/tfjs-node')} but does not load here (The specified module could not be found.); run \`npm rebuild --foreground-scripts @tensorflow/tfjs-node\` in ${root} to fetch its native library (its install downloads libtensorflow from storage.googleapis.com, so it needs network access), or use --backend onnx, wasm or cpu`,
    );
  });

  it('importNative throws that message', async () => {
    await expect(importNative(async () => Promise.reject(new Error('nope')))).rejects.toThrow(/^@tensorflow\/tfjs-node is (not installed|installed in .* but does not load here \(nope\))/);
  });
});
