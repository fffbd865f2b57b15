/** train refuses a stateful recurrent layer at its key (NN915, exit 1) before reading any data. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers.js';

it('nnspec train on a stateful LSTM: exit 1, NN915 at the stateful key, nothing trained', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-stateful-'));
  const spec = join(dir, 'st.yaml');
  writeFileSync(spec, 'nnspec: 1\nname: st\ninputs:\n  x: {shape: [5, 3]}\nlayers:\n  r: {type: LSTM, units: 4, stateful: true}\n  y: {type: Dense, units: 1}\noutputs: [y]\ntraining: {loss: mse, optimizer: adam, batch_size: 8}\n');
  const r = await runCli(['train', spec, '--data', join(dir, 'no-data'), '--out', join(dir, 'run'), '--backend', 'cpu']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${spec}:6:29: error[NN915]: LSTM 'r' is stateful: Keras carries each sample's final states into the next batch, but nnspec's engines start every batch from zero states, so \`nnspec train\` would run another model`);
  expect(r.stderr).toContain('hint: set stateful: false');
  expect(r.stderr).not.toContain('NN829');
});
