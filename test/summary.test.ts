/** `nnspec summary`: exact counts, the three formats, golden files for every seed spec. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readableSize } from '../src/backends/summary/rows.js';
import { runCli, ROOT } from './helpers.js';

const seeds = readdirSync(`${ROOT}/specs`).filter((f) => f.endsWith('.yaml'));

describe('nnspec summary', () => {
  it('totals 3,466 params for the sequential MLP, like the chapter', async () => {
    const r = await runCli(['summary', 'specs/sequential_mlp.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' Total params: 3,466 (13.54 KB)\n');
    expect(r.stdout).toContain(' Trainable params: 3,466 (13.54 KB)\n');
    expect(r.stdout).toContain(' Non-trainable params: 0 (0.00 B)\n');
    expect(r.stdout).not.toContain('Connected to'); // a sequential model, as Keras prints it
    expect(r.stderr).toBe('');
  });

  it('prints JSON with batch dimensions as null and the shared layer counted once', async () => {
    const r = await runCli(['summary', 'specs/siamese_lstm.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.name).toBe('siamese_lstm');
    expect(s.inputs).toEqual([
      { name: 'left_input', shape: [null, null, 128], dtype: 'float32' },
      { name: 'right_input', shape: [null, null, 128], dtype: 'float32' },
    ]);
    expect(s.outputs).toEqual([{ name: 'predictions', shape: [null, 1], dtype: 'float32' }]);
    const lstm = 4 * (32 * (128 + 32) + 32);
    expect(s.layers.find((l: { name: string }) => l.name === 'left_encoded')).toEqual({
      name: 'left_encoded', type: 'LSTM', output_shape: [null, 32], params: lstm, trainable_params: lstm, connected_to: ['left_input[0][0]'],
    });
    expect(s.layers.find((l: { name: string }) => l.name === 'right_encoded')).toEqual({
      name: 'right_encoded', type: 'LSTM', shares: 'left_encoded', output_shape: [null, 32], params: 0, trainable_params: 0, connected_to: ['right_input[0][0]'],
    });
    expect(s.total_params).toBe(lstm + 65);
    expect(s.trainable_params).toBe(lstm + 65);
    expect(s.non_trainable_params).toBe(0);
  });

  it('prints an invalid spec\'s diagnostics on stderr and exits 1', async () => {
    const r = await runCli(['summary', 'test/fixtures/chapter/inception_unpadded.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('inception_unpadded.yaml:16:3: error[NN500]');
  });

  it('exits 2 for a missing file or an unknown format', async () => {
    expect((await runCli(['summary', 'no/such.yaml'])).code).toBe(2);
    expect((await runCli(['summary', 'specs/sequential_mlp.yaml', '--format', 'html'])).code).toBe(2);
  });

  it('formats sizes as Keras 3 does', () => {
    expect(readableSize(0)).toBe('0.00 B');
    expect(readableSize(255)).toBe('1020.00 B');
    expect(readableSize(3466)).toBe('13.54 KB');
    expect(readableSize(1_000_052)).toBe('3.81 MB');
    expect(readableSize(14_146_316)).toBe('53.96 MB');
  });

  for (const spec of seeds) {
    for (const format of ['table', 'json', 'markdown']) {
      it(`matches the golden ${format} summary of ${spec}`, async () => {
        const r = await runCli(['summary', `specs/${spec}`, '--format', format]);
        expect(r.code).toBe(0);
        const ext = { table: 'txt', json: 'json', markdown: 'md' }[format];
        await expect(r.stdout).toMatchFileSnapshot(`golden/summary/${spec.replace('.yaml', '')}.${ext}`);
      });
    }
  }
});
