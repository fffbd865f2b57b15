/**
 * Issue 10, item 1: a node that `shares:` a layer whose own configuration the schema refused
 * inherits the target's brokenness. The one diagnostic is the target's; nothing is inferred for
 * the sharing node (before: TypeErrors with a stack trace, or "would have NaN parameters").
 */
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../../src/layers/registry.js';
import { runCli } from '../helpers.js';
import { writeTemp } from './temp.js';

/** For each layer type: an input shape it accepts and a valid value for each required key. */
const VALID: Record<string, { shape: string; dtype?: string; config: Record<string, string> }> = {
  Dense: { shape: '[6, 3]', config: { units: '4' } },
  Activation: { shape: '[6, 3]', config: { activation: 'relu' } },
  Dropout: { shape: '[6, 3]', config: { rate: '0.5' } },
  SpatialDropout1D: { shape: '[6, 3]', config: { rate: '0.5' } },
  GaussianNoise: { shape: '[6, 3]', config: { stddev: '0.1' } },
  Embedding: { shape: '[6]', dtype: 'int32', config: { input_dim: '10', output_dim: '4' } },
  Reshape: { shape: '[6, 3]', config: { target_shape: '[18]' } },
  Permute: { shape: '[6, 3]', config: { dims: '[2, 1]' } },
  RepeatVector: { shape: '[3]', config: { n: '2' } },
  Conv1D: { shape: '[6, 3]', config: { filters: '2', kernel_size: '3' } },
  Conv2D: { shape: '[8, 8, 3]', config: { filters: '2', kernel_size: '3' } },
  Conv2DTranspose: { shape: '[8, 8, 3]', config: { filters: '2', kernel_size: '3' } },
  SeparableConv2D: { shape: '[8, 8, 3]', config: { filters: '2', kernel_size: '3' } },
  DepthwiseConv2D: { shape: '[8, 8, 3]', config: { kernel_size: '3' } },
  SimpleRNN: { shape: '[6, 3]', config: { units: '2' } },
  LSTM: { shape: '[6, 3]', config: { units: '2' } },
  GRU: { shape: '[6, 3]', config: { units: '2' } },
  Bidirectional: { shape: '[6, 3]', config: { layer: '{type: LSTM, units: 2}' } },
  TimeDistributed: { shape: '[6, 3]', config: { layer: '{type: Dense, units: 2}' } },
  Dot: { shape: '[4]', config: { axes: '1' } },
  MultiHeadAttention: { shape: '[6, 3]', config: { num_heads: '2', key_dim: '2' } },
  Resizing: { shape: '[8, 8, 3]', config: { height: '4', width: '4' } },
  CenterCrop: { shape: '[8, 8, 3]', config: { height: '4', width: '4' } },
  RandomTranslation: { shape: '[8, 8, 3]', config: { height_factor: '0.1', width_factor: '0.1' } },
};
const image = /2D$/;
const defaultShape = (type: string) => (image.test(type) ? '[8, 8, 3]' : '[6, 3]');

interface Case {
  type: string;
  key: string;
  how: 'missing' | 'wrong type';
  code: string;
  text: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [type, kind] of LAYER_KINDS) {
    const valid = VALID[type] ?? { shape: defaultShape(type), config: {} };
    const required = Object.keys(kind.params).filter((k) => kind.params[k]!.required);
    // A layer with no required key gets its first argument wrongly typed (a mapping fits none).
    // (`trainable`, which every layer takes, when it has no argument of its own).
    const keys = required.length > 0 ? required : [Object.keys(kind.params)[0] ?? 'trainable'];
    for (const key of keys) {
      const wrong = (kind.params[key]?.schema as { type?: string } | undefined)?.type === 'string' ? '5' : '{bogus: 1}';
      const hows: Case['how'][] = required.includes(key) ? ['missing', 'wrong type'] : ['wrong type'];
      for (const how of hows) {
        const config = { ...valid.config };
        if (how === 'missing') delete config[key];
        else config[key] = wrong;
        const args = Object.entries(config).map(([k, v]) => `, ${k}: ${v}`).join('');
        const ins = kind.arity.min >= 2 ? '[x, y]' : '[x]';
        const dtype = valid.dtype ? `, dtype: ${valid.dtype}` : '';
        const y = kind.arity.min >= 2 ? `  y: {shape: ${valid.shape}${dtype}}\n` : '';
        const text = `nnspec: 1\nname: t\ninputs:\n  x: {shape: ${valid.shape}${dtype}}\n${y}layers:\n  a: {type: ${type}${args}, inputs: ${ins}}\n  b: {shares: a, inputs: ${ins}}\noutputs: [a, b]\n`;
        out.push({ type, key, how, code: how === 'missing' ? 'NN201' : 'NN202', text });
      }
    }
  }
  return out;
}

describe('a node sharing a layer whose configuration is refused', () => {
  const all = cases();
  it('covers every layer type', () => {
    expect(new Set(all.map((c) => c.type)).size).toBe(LAYER_KINDS.size);
  });

  it.each(all.map((c) => [`${c.type} ${c.how} ${c.key}`, c] as const))('%s: validate reports the target only', async (_name, c) => {
    const file = writeTemp(`${c.type}.yaml`, c.text);
    const r = await runCli(['validate', '--format', 'json', file]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: { diagnostics: { code: string; severity: string; message: string; line: number; column: number }[] }[] };
    const errors = report.files[0]!.diagnostics.filter((d) => d.severity === 'error');
    // Only the target's mistake is reported, on the target's line (the sharing node is on the next).
    const line = c.text.split('\n').findIndex((l) => l.startsWith('  a: ')) + 1;
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const e of errors) expect(e.line).toBe(line);
    expect(errors[0]!.code).toBe(c.how === 'missing' ? 'NN201' : errors[0]!.code.match(/^NN20[0-7]$/)?.[0]);
    expect(errors.map((e) => e.message).join('\n')).toMatch(c.how === 'missing' ? `missing required key '${c.key}'` : new RegExp(`'${c.key}'|wrapped by 'a'`));
    for (const e of errors) expect(e.message).not.toMatch(/'b'|NaN|undefined/);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it.each(all.map((c) => [`${c.type} ${c.how} ${c.key}`, c] as const))('%s: summary and graph exit 1 without a stack trace', async (_name, c) => {
    const file = writeTemp(`${c.type}.yaml`, c.text);
    for (const argv of [['summary', file], ['graph', '--format', 'dot', file], ['graph', '--format', 'mermaid', file]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/error\[NN20\d\]/);
      expect(r.stderr).not.toMatch(/TypeError|NaN parameters|\n\s+at /);
      expect(r.stderr).not.toMatch(/'b'/);
    }
  });
});
