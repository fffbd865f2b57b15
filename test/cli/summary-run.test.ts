/** `nnspec summary RUN`: a run directory is summarised from its spec.yaml; a directory without one is refused (exit 2, NN900). */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnspec-summary-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('summarises a run directory as its spec', async () => {
  mkdirSync(join(dir, 'run'));
  copyFileSync(join(ROOT, 'specs/sequential_mlp.yaml'), join(dir, 'run/spec.yaml'));
  const fromRun = await runCli(['summary', join(dir, 'run')]);
  const fromSpec = await runCli(['summary', 'specs/sequential_mlp.yaml']);
  expect(fromRun.code).toBe(0);
  expect(fromRun.stdout).toBe(fromSpec.stdout);
  expect(fromRun.stdout).toContain('Total params: 3,466');
});

it('a directory that is not a run: exit 2, NN900', async () => {
  mkdirSync(join(dir, 'empty'));
  const r = await runCli(['summary', join(dir, 'empty')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`error[NN900]: ${join(dir, 'empty')} is a directory but not a training run: it has no spec.yaml`);
  expect(r.stdout).toBe('');
});
