/** import's diagnostics through the reporter: errors and warnings at their line:column in the model JSON, pretty and json. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/commands/import.js';
import { captureIo } from './io.js';

let dir: string;
const MODEL = {
  class_name: 'Functional',
  config: {
    name: 'm',
    layers: [
      { class_name: 'InputLayer', name: 'ids', config: { batch_input_shape: [null, 5], dtype: 'int64', name: 'ids' }, inbound_nodes: [] },
      { class_name: 'Embedding', name: 'emb/1', config: { name: 'emb/1', input_dim: 10, output_dim: 3 }, inbound_nodes: [[['ids', 0, 0, {}]]] },
    ],
    input_layers: [['ids', 0, 0]],
    output_layers: [['emb/1', 0, 0]],
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnspec-diag-import-'));
  writeFileSync(join(dir, 'warn.json'), JSON.stringify(MODEL, null, 2));
  const lambda = structuredClone(MODEL);
  lambda.config.layers[1]!.class_name = 'Lambda';
  writeFileSync(join(dir, 'lambda.json'), JSON.stringify(lambda, null, 2));
});

describe('import diagnostics', () => {
  it('warnings (NN707) at the JSON place they come from; the spec is still written', async () => {
    const cap = captureIo(dir, 'json');
    expect(await importCommand('warn.json', {}, cap.io)).toBe(0);
    const doc = JSON.parse(cap.end());
    expect(doc).toMatchObject({ command: 'test', errors: 0, warnings: 2 });
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({ code: 'NN707', severity: 'warning', message: "input 'ids': dtype int64 read as int32", file: 'warn.json', line: 6, column: 7 }),
      expect.objectContaining({ code: 'NN707', severity: 'warning', message: "'emb/1' is named 'emb_1' in the spec (a name starts with a letter and holds letters, digits, _ . -, so that the spec, Keras and TensorFlow.js all accept it)", file: 'warn.json', line: 19, column: 7 }),
    ]);
    expect(cap.stdout()).toContain('emb_1: {type: Embedding');
  });

  it('an unsupported layer (NN702): exit 1, quoted at its line in pretty, nothing written', async () => {
    const cap = captureIo(dir, 'pretty');
    expect(await importCommand('lambda.json', {}, cap.io)).toBe(1);
    expect(cap.stdout()).toBe('');
    expect(cap.end()).toBe(
      [
        "lambda.json:19:7: error[NN702]: layer 'emb/1' (Lambda): Lambda runs Python code stored with the model, and nnspec cannot represent arbitrary code (a spec holds layers and their arguments): rewrite it with built-in layers (Rescaling, Activation, Reshape, a merge layer) and import again",
        '19 |       {',
        '   |       ^',
        '',
        'nnspec: 1 problem in lambda.json; no spec written',
        '',
      ].join('\n'),
    );
  });
});
