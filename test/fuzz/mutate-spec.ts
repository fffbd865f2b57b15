/**
 * Mutations of valid specs. Structure-aware ones edit the parsed document (keys dropped,
 * duplicated and renamed; types swapped; extreme and non-finite numbers; random layer types and
 * Keras argument names; broken and cyclic references; sharing chains; deep nesting; huge files)
 * and print it back; text ones use the YAML features a spec refuses (anchors and alias bombs,
 * tags, several documents, merge keys, complex keys, tabs); byte ones flip, insert, cut and splice.
 */
import { parse, stringify } from 'yaml';
import { LAYER_KINDS } from '../../src/layers/registry.js';
import type { Random } from './random.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const LAYER_TYPES = [...LAYER_KINDS.keys()];
const ODD_TYPES = ['Lambda', 'dense', 'Conv3D', 'InputLayer', 'Sequential', 'Model', 'MultiHeadAttention', 'Attention', 'Embedding ', '', 'Functional', '__proto__', 'constructor'];
const KERAS_ARGS = [
  'units', 'filters', 'kernel_size', 'strides', 'padding', 'activation', 'use_bias', 'pool_size', 'axis', 'axes', 'rate', 'target_shape', 'dims', 'n', 'size',
  'cropping', 'merge_mode', 'layer', 'input_dim', 'output_dim', 'data_format', 'dilation_rate', 'groups', 'depth_multiplier', 'output_padding', 'keepdims',
  'epsilon', 'momentum', 'center', 'scale', 'alpha', 'negative_slope', 'max_value', 'threshold', 'shared_axes', 'mask_value', 'stddev', 'noise_shape', 'seed',
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'reset_after', 'interpolation', 'trainable', 'name', 'dtype', 'batch_input_shape',
  'input_shape', 'kernel_initializer', 'recurrent_initializer', 'kernel_regularizer', 'bias_constraint', 'mask_zero', 'normalize', 'dropout', 'recurrent_dropout',
  'kernelSize', 'poolSize', 'returnSequences', 'inputDim', 'batch_size', 'shares', 'inputs', 'type', 'shape',
];
const EXTREME_NUMBERS: Json[] = [0, -0, -1, 1, 2, 1.5, -2.5, 1e-300, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 52, 4294967296, 1e10, 1e15, 1e300, -1e300, 65536, 7, 3];
const NON_FINITE = ['.nan', '.inf', '-.inf', '.NaN', '1e999', '-1e999', '0x7fffffffffffffffff', '18446744073709551616', '9007199254740993', '1_000', '0o17', '+.inf'];
const ODD_STRINGS: Json[] = ['', 'x', ' ', 'relu', 'same', 'valid', 'causal', 'channels_first', 'None', 'null', 'true', '-1', '1e3', 'é', '\u202e', 'a'.repeat(300), 'inputs', '__proto__', 'x: y', '[1, 2]'];

function isObj(v: Json | undefined): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Every path to a value in the document. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function get(root: Json, path: (string | number)[]): Json | undefined {
  let v: Json | undefined = root;
  for (const k of path) v = Array.isArray(v) ? v[k as number] : isObj(v) ? v[k as string] : undefined;
  return v;
}

function set(root: Json, path: (string | number)[], value: Json | undefined): void {
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (isObj(parent)) {
    if (value === undefined) delete parent[key as string];
    else parent[key as string] = value;
  }
}

/** Renames `from` to `to` in an object, keeping the key order. */
function renameKey(o: Obj, from: string, to: string): void {
  const entries = Object.entries(o).map(([k, v]) => [k === from ? to : k, v] as const);
  for (const k of Object.keys(o)) delete o[k];
  for (const [k, v] of entries) o[k] = v;
}

function typo(r: Random, s: string): string {
  if (s.length === 0) return 'x';
  const i = r.int(s.length);
  switch (r.int(4)) {
    case 0: return s.slice(0, i) + s.slice(i + 1);
    case 1: return s.slice(0, i) + String.fromCharCode(97 + r.int(26)) + s.slice(i);
    case 2: return s.slice(0, i) + s[i]!.toUpperCase() + s.slice(i + 1);
    default: return s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  }
}

function randomValue(r: Random, depth = 0): Json {
  switch (r.int(depth > 2 ? 4 : 7)) {
    case 0: return r.pick(EXTREME_NUMBERS);
    case 1: return r.pick(ODD_STRINGS);
    case 2: return r.pick([null, true, false]);
    case 3: return r.pick(LAYER_TYPES);
    case 4: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    case 5: return { type: r.pick([...LAYER_TYPES, ...ODD_TYPES]), [r.pick(KERAS_ARGS)]: randomValue(r, depth + 1) };
    default: return { [r.pick(KERAS_ARGS)]: randomValue(r, depth + 1) };
  }
}

/** A value of another JSON type than `v`. */
function swapType(r: Random, v: Json | undefined): Json {
  if (typeof v === 'number') return r.pick([String(v), [v], { value: v }, v > 0, null]);
  if (typeof v === 'string') return r.pick([v.length, [v], { [v]: v }, true, null]);
  if (typeof v === 'boolean') return r.pick([v ? 1 : 0, String(v), [v], null]);
  if (Array.isArray(v)) return r.pick([v[0] ?? null, Object.fromEntries(v.map((x, i) => [String(i), x])), JSON.stringify(v), v.length]);
  if (isObj(v)) return r.pick([Object.values(v), Object.keys(v)[0] ?? '', null, 1]);
  return r.pick([0, '', [], {}]);
}

function nest(r: Random, v: Json, depth: number): Json {
  let out = v;
  for (let i = 0; i < depth; i++) out = r.chance(0.5) ? [out] : { k: out };
  return out;
}

function layersOf(doc: Json): Obj | undefined {
  return isObj(doc) && isObj(doc.layers) ? doc.layers : undefined;
}

/** One structural edit; returns a label of what it did. */
function structural(r: Random, doc: Json): string {
  const layers = layersOf(doc);
  const names = layers ? Object.keys(layers) : [];
  const inputs = isObj(doc) && isObj(doc.inputs) ? Object.keys(doc.inputs) : [];
  const all = paths(doc).filter((p) => p.length > 0);
  const at = r.pick(all);
  const kind = r.int(16);
  switch (kind) {
    case 0: set(doc, at, undefined); return 'drop';
    case 1: {
      const parent = get(doc, at.slice(0, -1));
      if (isObj(parent)) renameKey(parent, String(at[at.length - 1]), r.chance(0.5) ? typo(r, String(at[at.length - 1])) : r.pick(KERAS_ARGS));
      return 'rename';
    }
    case 2: set(doc, at, swapType(r, get(doc, at))); return 'swap-type';
    case 3: set(doc, at, r.pick(EXTREME_NUMBERS)); return 'extreme-number';
    case 4: set(doc, at, randomValue(r)); return 'random-value';
    case 5: {
      if (!layers || names.length === 0) return 'noop';
      const entry = layers[r.pick(names)];
      if (isObj(entry)) entry.type = r.pick(r.chance(0.8) ? LAYER_TYPES : ODD_TYPES);
      return 'layer-type';
    }
    case 6: {
      if (!layers || names.length === 0) return 'noop';
      const entry = layers[r.pick(names)];
      if (isObj(entry)) entry[r.pick(KERAS_ARGS)] = randomValue(r);
      return 'keras-arg';
    }
    case 7: {
      // A broken or cyclic reference: inputs naming nothing, a later layer, itself, or a list of those.
      if (!layers || names.length === 0) return 'noop';
      const name = r.pick(names);
      const entry = layers[name];
      const targets = [...names, ...inputs, 'nope', name, names[names.length - 1]!];
      if (isObj(entry)) entry.inputs = r.chance(0.5) ? r.pick(targets) : Array.from({ length: 1 + r.int(3) }, () => r.pick(targets));
      return 'reference';
    }
    case 8: {
      // A sharing chain: a few nodes share each other in a row, sometimes back to the first.
      if (!layers || names.length < 2) return 'noop';
      const chain = Array.from({ length: 2 + r.int(4) }, () => r.pick(names));
      chain.forEach((n, i) => {
        if (i === 0) return;
        const entry = layers[n];
        const target = chain[i - 1]!;
        layers[n] = r.chance(0.7) ? { shares: target, ...(isObj(entry) && entry.inputs !== undefined ? { inputs: entry.inputs } : {}) } : { ...(isObj(entry) ? entry : {}), shares: target };
      });
      if (r.chance(0.3)) layers[chain[0]!] = { shares: chain[chain.length - 1]! };
      return 'sharing-chain';
    }
    case 9: set(doc, at, nest(r, get(doc, at) ?? 1, 1 + r.int(r.chance(0.1) ? 3000 : 60))); return 'deep-nesting';
    case 10: {
      // Many more layers: the last one repeated under fresh names.
      if (!layers || names.length === 0) return 'noop';
      const last = layers[names[names.length - 1]!];
      const n = r.chance(0.01) ? 2000 + r.int(2500) : 1 + r.int(60);
      for (let i = 0; i < n; i++) layers[`${names[names.length - 1]}_copy${i}`] = structuredClone(last ?? null);
      return 'many-layers';
    }
    case 11: {
      if (!isObj(doc)) return 'noop';
      doc.outputs = r.pick([[], 'nope', names.slice(0, 2), [...names, ...names], [inputs[0] ?? 'x'], null, { a: 1 }]);
      return 'outputs';
    }
    case 12: {
      if (!isObj(doc)) return 'noop';
      const t: Obj = isObj(doc.training) ? doc.training : {};
      t[r.pick(['loss', 'loss_weights', 'metrics', 'optimizer', 'epochs', 'batch_size'])] = r.chance(0.5) ? randomValue(r) : r.pick<Json>(['mse', ['mse'], { nope: 'mse' }, [], 'categorical_crossentropy', { type: 'adam', learning_rate: -1 }]);
      doc.training = t;
      return 'training';
    }
    case 13: {
      if (!isObj(doc) || !isObj(doc.inputs) || inputs.length === 0) return 'noop';
      const decl = doc.inputs[r.pick(inputs)];
      if (isObj(decl)) decl.shape = r.pick([[], [null], [0], [-1], [null, null, null], [2 ** 53 - 1, 2], [1e308], [1, 1, 1, 1, 1, 1, 1, 1], Array.from({ length: 40 }, () => 2), ['x'], null, 3]);
      return 'input-shape';
    }
    case 14: {
      // A duplicated entry under a near name (a duplicated key is a text mutation).
      const parent = get(doc, at.slice(0, -1));
      if (isObj(parent)) parent[`${String(at[at.length - 1])}_2`] = structuredClone(get(doc, at) ?? null);
      return 'duplicate-entry';
    }
    default: {
      if (!isObj(doc)) return 'noop';
      const top = r.pick(['nnspec', 'name', 'inputs', 'layers', 'outputs', 'description', 'training', 'blocks', 'extra']);
      if (r.chance(0.5)) delete doc[top];
      else doc[top] = randomValue(r);
      return 'top-level';
    }
  }
}

/** A type-blind edit of any JSON document (for Keras model JSON): drop, rename, swap type, odd values, nesting. */
export function genericEdit(r: Random, doc: Json): string {
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return 'noop';
  const at = r.pick(all);
  switch (r.int(6)) {
    case 0: set(doc, at, undefined); return 'drop';
    case 1: {
      const parent = get(doc, at.slice(0, -1));
      if (isObj(parent)) renameKey(parent, String(at[at.length - 1]), typo(r, String(at[at.length - 1])));
      return 'rename';
    }
    case 2: set(doc, at, swapType(r, get(doc, at))); return 'swap-type';
    case 3: set(doc, at, r.pick(EXTREME_NUMBERS)); return 'extreme-number';
    case 4: set(doc, at, r.chance(0.5) ? randomValue(r) : r.pick(['Dense', 'Conv2D', 'LSTM', 'Lambda', 'InputLayer', 'Functional', 'Sequential', 'TFOpLambda', 'Add', 'Concatenate'])); return 'random-value';
    default: set(doc, at, nest(r, get(doc, at) ?? 1, 1 + r.int(200))); return 'deep-nesting';
  }
}

/** Text edits that bring in what the YAML loader refuses, or what parses to odd values. */
function textual(r: Random, text: string): { text: string; label: string } {
  const lines = text.split('\n');
  const layerLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ {2}\S/.test(l));
  const pickLine = () => (layerLines.length ? r.pick(layerLines)[1] : r.int(lines.length));
  switch (r.int(14)) {
    case 0: {
      const i = pickLine();
      lines.splice(i, 0, lines[i]!);
      return { text: lines.join('\n'), label: 'duplicate-key-line' };
    }
    case 1: return { text: text.replace(/(\d+)(?=[,\]}\s])/, () => r.pick(NON_FINITE)), label: 'non-finite' };
    case 2: {
      const n = 2 + r.int(8);
      let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < n; i++) bomb += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]\n`;
      return { text: bomb + text, label: 'alias-bomb' };
    }
    case 3: {
      const i = pickLine();
      lines[i] = lines[i]!.replace(/^( {2}[^:]+:) /, '$1 &anchor ');
      lines.push(`  alias_user: *anchor`);
      return { text: lines.join('\n'), label: 'anchor-alias' };
    }
    case 4: return { text: text.replace(/: (\{|\[|\d|[a-z])/, (_m, c: string) => `: ${r.pick(['!!python/object:os.system ', '!custom ', '!!binary ', '!!set ', '!!omap ', '!!str ', '!!int ', '!<tag:x> ', '!!float '])}${c}`), label: 'tag' };
    case 5: return { text: `${text}\n---\n${r.chance(0.5) ? text : 'a: 1\n'}`, label: 'multi-doc' };
    case 6: return { text: text.replace(/^layers:\n/m, `layers:\n  base: &base {type: Dense, units: 2}\n  merged: {<<: *base, units: 3}\n`), label: 'merge-key' };
    case 7: return { text: text.replace(/^layers:\n/m, `layers:\n  ? [a, b]\n  : {type: Dense, units: 2}\n`), label: 'complex-key' };
    case 8: {
      const i = pickLine();
      lines[i] = lines[i]!.replace(/^ {2}/, '\t');
      return { text: lines.join('\n'), label: 'tab-indent' };
    }
    case 9: return { text: `\uFEFF${text.replace(/\n/g, '\r\n')}`, label: 'bom-crlf' };
    case 10: return { text: text.replace(/^(layers:)/m, '$1 {}\n$1'), label: 'duplicate-section' };
    case 11: return { text: text.replace(/\{/, '{{').replace(/\]/, ''), label: 'unbalanced' };
    case 12: {
      // Huge: a comment or layers padding the file to around the 5 MB cap.
      const target = (r.chance(0.5) ? 5 * 1024 * 1024 - 2000 : 5 * 1024 * 1024 + 10) - text.length;
      const pad = r.chance(0.5) ? `# ${'x'.repeat(1000)}\n`.repeat(Math.max(0, Math.floor(target / 1003))) : '';
      return { text: pad + text, label: 'huge' };
    }
    default: return { text: text.replace(/\n/g, (m) => (r.chance(0.02) ? `${m}${' '.repeat(r.int(5))}` : m)), label: 'indentation' };
  }
}

/** Byte-level edits: flips, random inserts, cuts, duplicated ranges, invalid UTF-8 and NUL, splices. */
export function bytewise(r: Random, bytes: Uint8Array, other?: Uint8Array): { bytes: Uint8Array; label: string } {
  let b = Buffer.from(bytes);
  const n = 1 + r.int(8);
  const kind = r.int(6);
  for (let k = 0; k < n; k++) {
    const i = r.int(b.length + 1);
    switch (kind) {
      case 0: if (b.length) b[i % b.length] ^= 1 << r.int(8); break;
      case 1: b = Buffer.concat([b.subarray(0, i), Buffer.from([r.pick([0, 0xff, 0xc0, 0xe2, 0x80, 0x0a, 0x3a, 0x5b, 0x7b, 0x2d, 0x26, 0x2a, 0x21, 0x09, r.int(256)])]), b.subarray(i)]); break;
      case 2: b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + r.int(20))]); break;
      case 3: {
        const from = r.int(b.length + 1);
        b = Buffer.concat([b.subarray(0, i), b.subarray(from, from + r.int(40)), b.subarray(i)]);
        break;
      }
      case 4: if (b.length) b[i % b.length] = r.int(256); break;
      default: if (other) b = Buffer.concat([b.subarray(0, i), Buffer.from(other.subarray(r.int(other.length)))]); break;
    }
  }
  return { bytes: new Uint8Array(b), label: ['flip', 'insert', 'cut', 'dup-range', 'random-byte', 'splice'][kind]! };
}

export interface MutatedSpec {
  bytes: Uint8Array;
  /** What was done, for the report. */
  labels: string[];
}

/** One mutated spec from a seed (and another seed to splice with). */
export function mutateSpec(r: Random, seed: string, other: string): MutatedSpec {
  const labels: string[] = [];
  const mode = r.int(10);
  let text = seed;
  if (mode < 6) {
    const doc = parse(seed) as Json;
    for (let n = 1 + r.int(r.chance(0.2) ? 8 : 3); n > 0; n--) labels.push(structural(r, doc));
    try {
      text = stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
    } catch {
      // Too deep for the yaml package's printer: JSON is YAML too; and past what JSON.stringify
      // can recurse, the nesting is written as text.
      try {
        text = JSON.stringify(doc);
      } catch {
        text = `${seed}\nextra: ${'['.repeat(6000)}${']'.repeat(6000)}\n`;
        labels.push('deep-text');
      }
    }
  }
  if (mode >= 6 && mode < 8 || (mode < 6 && r.chance(0.15))) {
    const t = textual(r, text);
    text = t.text;
    labels.push(t.label);
  }
  let bytes: Uint8Array = Buffer.from(text, 'utf8');
  if (mode >= 8 || r.chance(0.05)) {
    const b = bytewise(r, bytes, Buffer.from(other, 'utf8'));
    bytes = b.bytes;
    labels.push(b.label);
  }
  return { bytes, labels };
}
