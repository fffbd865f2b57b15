/** validate and summary must never load TensorFlow.js: checked on the real binary. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', './test/support/trace-tfjs.mjs', 'bin/nnspec', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('TensorFlow.js stays unloaded', () => {
  it('the tracer sees tfjs when it is loaded (the check can fail)', () => {
    const r = spawnSync(process.execPath, ['--import', './test/support/trace-tfjs.mjs', '-e', "import('@tensorflow/tfjs-core')"], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toContain('[tfjs-loaded] @tensorflow/tfjs-core');
  });

  for (const args of [['validate', 'specs'], ['summary', 'specs/question_answering.yaml'], ['validate', 'test/fixtures/chapter/inception_unpadded.yaml']]) {
    it(`nnspec ${args.join(' ')}`, () => {
      const r = run(args);
      expect(r.stderr).not.toContain('[tfjs-loaded]');
      expect([0, 1]).toContain(r.status);
    });
  }
});
