/**
 * Expand (format 2): every use of a block (`name: {block: b, <param>: value, repeat: n}`) becomes
 * the block's layers, named `<instance>_<layer>` as Keras applications name them, with the
 * parameters (`$name`) substituted and the block's inputs and outputs wired to the use's. The
 * result is a format-1 spec, so resolve, order, infer and check run on it unchanged.
 *
 * Provenance: each expanded value's place is the place of the line it came from in the block,
 * but a span object of its own, labelled with the use sites that instantiated it (`labels`), so a
 * diagnostic found in a later pass points at the block's line and at the use.
 */
import { resolve as resolvePath } from 'node:path';
import type { DiagnosticSink, Label, Span } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { keySpan, pointer, valueSpan, type Place, type SpecDocument } from '../spec/document.js';

/** One instance of a block: a row of `summary`, a cluster of `graph`. */
export interface BlockInstance {
  /** The instance's name (the use's key, or its n-th name under `repeat:`): the prefix of its layers. */
  name: string;
  /** The key of the use that made it, as written (several instances share one under `repeat:`). */
  use: string;
  block: string;
  /** Every parameter's value, defaults included. */
  params: Record<string, unknown>;
  /** Expanded layer names, nested instances' included, in order. */
  layers: string[];
  /** Expanded names of the block's outputs. */
  outputs: string[];
  /** The enclosing instance, for a block used inside a block. */
  parent?: string;
  trainable: boolean;
  /** The spec file the block came from (`from:`), relative as written. */
  from?: string;
  /** The run (`weights:` on the use, relative to the spec as written) whose weights the instance starts from. */
  weights?: string;
}

/** A `from:` file, compiled: its model as a block, or why it cannot be one. */
export type LoadedModel = { ok: true; inputs: string[]; layers: Record<string, Record<string, unknown>>; outputs: string[] } | { ok: false; message: string; code: 'NN315' | 'NN314' };

export interface ExpandOptions {
  /** Compiles the spec file at an absolute path (for `from:`); `stack` holds the files being compiled. */
  loadModel?: (path: string) => LoadedModel;
  /** The absolute directory of the spec, which `from:` paths are relative to. */
  dir: string;
}

export interface Expanded {
  doc: SpecDocument;
  instances: BlockInstance[];
  /** Use-site labels of expanded places' spans (by identity). */
  labels: WeakMap<Span, Label[]>;
  /** Spans expand reported at: later passes' reports there repeat them. */
  reported: Set<string>;
  /** Pointers of stand-ins for uses that could not be expanded: later passes skip them and what they feed. */
  broken: Set<string>;
}

type Entry = Record<string, unknown>;
interface BlockDef {
  name: string;
  ptr: string;
  inputs: string[];
  params: Map<string, { type: string; default?: unknown; has: boolean; ptr: string }>;
  layers: [string, Entry, string][];
  outputs: string[];
  from?: string;
}
interface Frame {
  instance: string;
  block: string;
  span: Span;
  params: Map<string, unknown>;
}

const USE_KEYS = new Set(['block', 'inputs', 'repeat', 'trainable', 'weights']);
const PARAM_REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const isMap = (x: unknown): x is Entry => !!x && typeof x === 'object' && !Array.isArray(x);
const isUse = (x: unknown): x is Entry & { block: string } => isMap(x) && typeof x.block === 'string';
const names = (x: unknown): string[] => (typeof x === 'string' ? [x] : Array.isArray(x) ? x.filter((n): n is string => typeof n === 'string') : isMap(x) ? names(Object.values(x)) : []);
/** `inputs:` with its names renamed, keeping its form (a name, a list, or names by role). */
const renamed = (x: unknown, to: string[]): unknown => (typeof x === 'string' ? to[0] : isMap(x) ? Object.fromEntries(Object.keys(x).map((k, i) => [k, to[i]])) : to);

/** Whether the spec needs expanding (declares blocks or uses one). */
export function hasBlocks(value: unknown): boolean {
  if (!isMap(value)) return false;
  return value.blocks !== undefined || (isMap(value.layers) && Object.values(value.layers).some((e) => isMap(e) && 'block' in e));
}

/** Instance names of a use repeated `n` times: `conv2_block2` ×2 → conv2_block2, conv2_block3; `stack` ×2 → stack_1, stack_2. */
export function instanceNames(key: string, n: number): string[] {
  if (n <= 1) return [key];
  const m = /^(.*?)(\d+)$/.exec(key);
  if (m) return Array.from({ length: n }, (_, i) => `${m[1]}${Number(m[2]) + i}`);
  return Array.from({ length: n }, (_, i) => `${key}_${i + 1}`);
}

export function expand(doc: SpecDocument, sink: DiagnosticSink, options: ExpandOptions): Expanded {
  const labels = new WeakMap<Span, Label[]>();
  const reported = new Set<string>();
  const value = doc.value as Entry;
  if (!hasBlocks(value)) return { doc, instances: [], labels, reported, broken: new Set() };
  return new Expander(doc, sink, options, labels, reported).run();
}

const spanKey = (s: Span) => `${s.start}:${s.end}`;

class Expander {
  private readonly blocks = new Map<string, BlockDef>();
  private readonly out: Record<string, Entry> = {};
  private readonly places: Map<string, Place>;
  private readonly instances: BlockInstance[] = [];
  private readonly taken = new Set<string>();
  /** Places under each source pointer, computed once. */
  private readonly under = new Map<string, [string, Place][]>();
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly broken = new Set<string>();

  constructor(
    private readonly doc: SpecDocument,
    private readonly sink: DiagnosticSink,
    private readonly options: ExpandOptions,
    private readonly labels: WeakMap<Span, Label[]>,
    private readonly reported: Set<string>,
  ) {
    this.places = new Map(doc.places);
  }

  private error(code: Parameters<DiagnosticSink['error']>[0], message: string, span: Span, hint?: string, labels?: Label[]): void {
    const key = `${code}@${spanKey(span)}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.reported.add(spanKey(span));
    this.sink.error(code, message, span, hint, labels);
  }

  run(): Expanded {
    const value = this.doc.value as Entry;
    if (value.nnspec === 1) {
      const ptr = value.blocks !== undefined ? '/blocks' : '/nnspec';
      this.error('NN206', 'blocks need spec format version 2; this spec says `nnspec: 1`', keySpan(this.doc, ptr), 'write `nnspec: 2` at the top of the file');
    }
    if (isMap(value.blocks)) for (const [name, def] of Object.entries(value.blocks)) this.declare(name, def);
    for (const def of this.blocks.values()) this.checkDefinition(def);
    const inputs = isMap(value.inputs) ? Object.keys(value.inputs) : [];
    const layers = isMap(value.layers) ? Object.entries(value.layers) : [];
    for (const n of inputs) this.taken.add(n);
    for (const [n, e] of layers) if (!isUse(e)) this.taken.add(n);
    const scope = this.scope(layers.map(([n, e]) => [n, e as Entry, pointer(['layers', n])] as [string, Entry, string]), '', []);
    const inputNames = new Map(inputs.map((n) => [n, n] as [string, string]));
    this.emit(scope, inputNames, inputs.length === 1 ? inputs[0] : undefined, [], true);
    const spec: Entry = { ...value, layers: this.out };
    delete spec.blocks;
    spec.outputs = this.rename(value.outputs, scope.alias);
    if (isMap(value.training)) spec.training = this.renameTraining(value.training, scope.alias);
    return { doc: { ...this.doc, value: spec, places: this.places }, instances: this.instances, labels: this.labels, reported: this.reported, broken: this.broken };
  }

  private declare(name: string, raw: unknown): void {
    if (!isMap(raw)) return;
    const ptr = pointer(['blocks', name]);
    if (typeof raw.from === 'string') {
      this.blocks.set(name, { name, ptr, inputs: [], params: new Map(), layers: [], outputs: [], from: raw.from });
      return;
    }
    if (!isMap(raw.layers)) return;
    const params = new Map<string, { type: string; default?: unknown; has: boolean; ptr: string }>();
    for (const [p, d] of Object.entries(isMap(raw.params) ? raw.params : {})) {
      const type = typeof d === 'string' ? d : isMap(d) && typeof d.type === 'string' ? d.type : 'any';
      const has = isMap(d) && 'default' in d;
      params.set(p, { type, has, ...(has ? { default: (d as Entry).default } : {}), ptr: `${ptr}/params/${p}` });
    }
    const layers = Object.entries(raw.layers).filter(([, e]) => isMap(e)).map(([n, e]) => [n, e as Entry, pointer(['blocks', name, 'layers', n])] as [string, Entry, string]);
    this.blocks.set(name, { name, ptr, inputs: names(raw.inputs), params, layers, outputs: names(raw.outputs) });
  }

  /** What can be checked once per block, whatever its uses: parameter references, defaults, names. */
  private checkDefinition(def: BlockDef): void {
    if (def.from) return;
    for (const [p, param] of def.params) {
      if (param.has && !fitsType(param.default, param.type)) {
        this.error('NN312', `the default of parameter '${p}' of block '${def.name}' must be ${typeWords(param.type)}, got ${JSON.stringify(param.default)}`, valueSpan(this.doc, `${param.ptr}/default`));
      }
    }
    const own = new Set([...def.inputs, ...def.layers.map(([n]) => n)]);
    for (const [name, entry, ptr] of def.layers) {
      this.paramRefs(entry, ptr, (ref, at) => {
        if (def.params.has(ref)) return;
        const known = [...def.params.keys()];
        this.error('NN311', `layer '${name}' of block '${def.name}' refers to parameter '$${ref}', which the block does not declare${didYouMean(ref, known)}`, valueSpan(this.doc, at), known.length ? `the block's parameters: ${known.join(', ')}` : 'declare it under the block\'s `params:`, e.g. `params: {' + ref + ': integer}`');
      });
      const refs = names(entry.inputs);
      refs.forEach((ref, i) => {
        if (own.has(ref)) return;
        const at = valueSpan(this.doc, typeof entry.inputs === 'string' ? `${ptr}/inputs` : `${ptr}/inputs/${i}`);
        const dotted = ref.includes('.') && own.has(ref.slice(0, ref.indexOf('.')));
        if (dotted) return;
        this.error('NN300', `layer '${name}' of block '${def.name}' takes input '${ref}', which is not an input or layer of the block${didYouMean(ref, [...own].filter((n) => n !== name))}`, at);
      });
      if (typeof entry.shares === 'string' && !own.has(entry.shares)) {
        this.error('NN300', `layer '${name}' of block '${def.name}' shares '${entry.shares}', which is not a layer of the block${didYouMean(entry.shares, [...own])}`, valueSpan(this.doc, `${ptr}/shares`));
      }
    }
    const layerNames = new Set(def.layers.map(([n]) => n));
    def.outputs.forEach((o, i) => {
      if (layerNames.has(o)) return;
      const raw = (this.doc.value as { blocks: Record<string, Entry> }).blocks[def.name]!.outputs;
      this.error('NN300', `block '${def.name}' outputs '${o}', which is not a layer of the block${didYouMean(o, [...layerNames])}`, valueSpan(this.doc, typeof raw === 'string' ? `${def.ptr}/outputs` : `${def.ptr}/outputs/${i}`));
    });
  }

  private paramRefs(value: unknown, ptr: string, found: (ref: string, ptr: string) => void): void {
    if (typeof value === 'string') {
      const m = PARAM_REF.exec(value);
      if (m) found(m[1]!, ptr);
    } else if (Array.isArray(value)) value.forEach((v, i) => this.paramRefs(v, `${ptr}/${i}`, found));
    else if (isMap(value)) for (const [k, v] of Object.entries(value)) if (k !== 'inputs' && k !== 'shares' && k !== 'block') this.paramRefs(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, found);
  }

  /** A scope's names: each local name → the expanded name of its output (a use: its last instance's). */
  private scope(entries: [string, Entry, string][], prefix: string, frames: Frame[]): { entries: [string, Entry, string][]; alias: Map<string, string>; prefix: string } {
    const alias = new Map<string, string>();
    for (const [name, entry] of entries) {
      const local = prefix ? `${prefix}_${name}` : name;
      if (isUse(entry)) {
        const def = this.blocks.get(entry.block);
        const n = repeatOf(this.subst(entry.repeat, frames));
        const last = instanceNames(local, n).at(-1)!;
        const outs = def ? this.outputNames(def, last, new Set(frames.map((f) => f.block))) : [];
        alias.set(name, outs[0] ?? last);
        if (def) (def.from ? this.fromOutputs(def) : def.outputs).forEach((o, i) => alias.set(`${name}.${o}`, outs[i] ?? last));
      } else alias.set(name, local);
    }
    return { entries, alias, prefix };
  }

  /** Expanded names of a block instance's outputs, without emitting anything. */
  private outputNames(def: BlockDef, instance: string, seen: Set<string>): string[] {
    if (seen.has(def.name)) return [];
    if (def.from) return this.fromOutputs(def).map((o) => `${instance}_${o}`);
    const inner = new Set([...seen, def.name]);
    return def.outputs.map((o) => {
      const entry = def.layers.find(([n]) => n === o)?.[1];
      if (isUse(entry) && this.blocks.has(entry.block)) {
        const n = repeatOf(entry.repeat);
        return this.outputNames(this.blocks.get(entry.block)!, instanceNames(`${instance}_${o}`, n).at(-1)!, inner)[0] ?? `${instance}_${o}`;
      }
      return `${instance}_${o}`;
    });
  }

  private fromOutputs(def: BlockDef): string[] {
    const m = this.load(def);
    return m.ok ? m.outputs : [];
  }

  private load(def: BlockDef): LoadedModel {
    const cached = this.loaded.get(def.name);
    if (cached) return cached;
    const path = resolvePath(this.options.dir, def.from!);
    const model: LoadedModel = this.options.loadModel ? this.options.loadModel(path) : { ok: false, code: 'NN315', message: `'${def.from}' cannot be read here (no file system)` };
    this.loaded.set(def.name, model);
    if (!model.ok) this.error(model.code, `block '${def.name}' comes from '${def.from}': ${model.message}`, valueSpan(this.doc, `${def.ptr}/from`));
    return model;
  }

  /**
   * Emits a scope's layers into the output, in order. `inputs` maps the scope's input names to
   * expanded names; `only` is the input a first layer without `inputs:` takes.
   */
  private emit(scope: ReturnType<Expander['scope']>, inputs: Map<string, string>, only: string | undefined, frames: Frame[], top: boolean, owner?: BlockInstance[]): void {
    let previous: string | undefined;
    let previousWasUse = false;
    scope.entries.forEach(([name, entry, ptr], index) => {
      if (!isMap(entry)) {
        // Not a layer entry at all: the schema reported it; kept as written.
        if (top) this.out[name] = entry;
        previous = name;
        return;
      }
      const ref = (r: string) => scope.alias.get(r) ?? inputs.get(r) ?? (top ? r : `${scope.prefix}_${r}`);
      const explicit = entry.inputs !== undefined ? names(this.subst(entry.inputs, frames)).map(ref) : undefined;
      const implicit = index === 0 ? only : previous;
      if (isUse(entry)) {
        this.instantiate(name, entry, ptr, explicit ?? (implicit !== undefined ? [implicit] : []), scope, frames, top, owner);
        previousWasUse = true;
      } else {
        const local = scope.alias.get(name)!;
        const out: Entry = {};
        for (const [k, v] of Object.entries(entry)) {
          if (k === 'inputs') continue;
          out[k] = k === 'shares' && typeof v === 'string' ? ref(v) : this.subst(v, frames);
        }
        const needsExplicit = !top || previousWasUse;
        if (explicit) out.inputs = renamed(entry.inputs, explicit);
        else if (needsExplicit && implicit !== undefined) out.inputs = implicit;
        if (frames.some((f) => f.params.get('\0frozen') === true) && 'type' in out) out.trainable = false;
        this.put(local, out, ptr, frames);
        for (const f of owner ?? []) f.layers.push(local);
        previousWasUse = false;
      }
      previous = scope.alias.get(name);
    });
  }

  private put(name: string, entry: Entry, srcPtr: string, frames: Frame[]): void {
    const dst = pointer(['layers', name]);
    if (frames.length > 0 && this.taken.has(name)) {
      const f = frames[0]!;
      this.error('NN313', `expanding '${f.instance}' (block '${f.block}') makes a layer named '${name}', which is already taken`, f.span, 'rename the use or the other layer');
      return;
    }
    this.taken.add(name);
    this.out[name] = entry;
    if (frames.length === 0) return;
    const extra = this.frameLabels(frames);
    let list = this.under.get(srcPtr);
    if (!list) {
      list = [...this.doc.places].filter(([p]) => p === srcPtr || p.startsWith(srcPtr + '/'));
      this.under.set(srcPtr, list);
    }
    for (const [p, place] of list) {
      const clone = (s: Span): Span => {
        const c = { start: s.start, end: s.end };
        this.labels.set(c, extra);
        return c;
      };
      this.places.set(dst + p.slice(srcPtr.length), { ...(place.key ? { key: clone(place.key) } : {}), value: clone(place.value) });
    }
    if (!list.length) {
      const at = frames[0]!.span;
      this.places.set(dst, { key: at, value: at });
    }
  }

  private frameLabels(frames: Frame[]): Label[] {
    return frames.map((f) => ({ span: f.span, message: `in block '${f.block}', used here as '${f.instance}'` }));
  }

  private instantiate(name: string, use: Entry, ptr: string, given: string[], scope: ReturnType<Expander['scope']>, frames: Frame[], top: boolean, owner?: BlockInstance[]): void {
    if (this.expandUse(name, use, ptr, given, scope, frames, top, owner)) return;
    // A stand-in under the name the use's output goes by, so what it feeds is skipped, not reported again.
    const alias = scope.alias.get(name)!;
    if (this.taken.has(alias)) return;
    const dst = pointer(['layers', alias]);
    this.out[alias] = { type: 'Activation', activation: 'linear', ...(given.length ? { inputs: given } : {}) };
    this.taken.add(alias);
    this.broken.add(dst);
    const at = keySpan(this.doc, ptr);
    this.places.set(dst, { key: at, value: at });
  }

  /** Expands one use; false (reported) when it cannot be. */
  private expandUse(name: string, use: Entry, ptr: string, given: string[], scope: ReturnType<Expander['scope']>, frames: Frame[], top: boolean, owner?: BlockInstance[]): boolean {
    const blockName = use.block as string;
    const useSpan = { ...keySpan(this.doc, ptr) };
    if (frames.length) this.labels.set(useSpan, this.frameLabels(frames));
    const def = this.blocks.get(blockName);
    if (!def) {
      const known = [...this.blocks.keys()];
      this.error('NN310', `layer '${name}' uses block '${blockName}', which is not declared${didYouMean(blockName, known)}`, valueSpan(this.doc, `${ptr}/block`), known.length ? `declared blocks: ${known.join(', ')}` : 'declare it under `blocks:`');
      return false;
    }
    if (frames.some((f) => f.block === blockName)) {
      const path = [...frames.map((f) => f.block), blockName].join(' → ');
      this.error('NN314', `block '${blockName}' uses itself (${path})`, valueSpan(this.doc, `${ptr}/block`), 'a block cannot contain itself; repeat it with `repeat:` instead', this.frameLabels(frames));
      return false;
    }
    const local = top ? name : `${scope.prefix}_${name}`;
    const n = repeatOf(this.subst(use.repeat, frames));
    const frozen = this.subst(use.trainable, frames) === false || frames.some((f) => f.params.get('\0frozen') === true);
    const params = this.bindParams(def, use, ptr, frames);
    if (!params) return false;
    let feed = given;
    const model = def.from ? this.load(def) : undefined;
    if (model && !model.ok) return false;
    const blockInputs = model?.ok ? model.inputs : def.inputs;
    const blockOutputs = model?.ok ? model.outputs : def.outputs;
    if (n > 1 && (blockInputs.length !== 1 || blockOutputs.length !== 1)) {
      this.error('NN316', `'${name}' repeats block '${blockName}', which has ${blockInputs.length} input(s) and ${blockOutputs.length} output(s); \`repeat:\` needs exactly one of each`, valueSpan(this.doc, `${ptr}/repeat`));
      return false;
    }
    if (feed.length !== blockInputs.length) {
      const at = use.inputs !== undefined ? valueSpan(this.doc, `${ptr}/inputs`) : keySpan(this.doc, ptr);
      const got = use.inputs !== undefined ? `${feed.length}` : feed.length === 0 ? '0 (no `inputs:` and nothing directly above)' : '1 (the layer directly above, since `inputs:` is not given)';
      this.error('NN316', `block '${blockName}' takes ${blockInputs.length} input${blockInputs.length === 1 ? '' : 's'} (${blockInputs.join(', ')}); '${name}' gives ${got}`, at, `list them in the block's order, e.g. \`inputs: [${blockInputs.join(', ')}]\``);
      return false;
    }
    instanceNames(local, n).forEach((instance, i) => {
      const frame: Frame = { instance, block: blockName, span: useSpan, params: new Map([...params, ['\0frozen', frozen]]) };
      const record: BlockInstance = { name: instance, use: name, block: blockName, params: Object.fromEntries(params), layers: [], outputs: [], trainable: !frozen, ...(frames.length ? { parent: frames[0]!.instance } : {}), ...(def.from ? { from: def.from } : {}), ...(typeof use.weights === 'string' ? { weights: use.weights } : {}) };
      this.instances.push(record);
      const inner = [frame, ...frames];
      const owners = [record, ...(owner ?? [])];
      const inMap = new Map(blockInputs.map((b, j) => [b, feed[j]!] as [string, string]));
      if (model?.ok) {
        this.emitModel(model, instance, inMap, inner, owners, ptr);
        record.outputs = model.outputs.map((o) => `${instance}_${o}`);
      } else {
        const sc = this.scope(def.layers, instance, inner);
        this.emit(sc, inMap, blockInputs.length === 1 ? feed[0] : undefined, inner, false, owners);
        record.outputs = def.outputs.map((o) => sc.alias.get(o) ?? `${instance}_${o}`);
      }
      feed = record.outputs.slice(0, 1);
    });
    return true;
  }

  /** A `from:` model's layers, prefixed with the instance's name; every place is the use's. */
  private emitModel(model: Extract<LoadedModel, { ok: true }>, instance: string, inputs: Map<string, string>, frames: Frame[], owners: BlockInstance[], usePtr: string): void {
    const ref = (r: string) => inputs.get(r) ?? `${instance}_${r}`;
    const frozen = frames[0]!.params.get('\0frozen') === true;
    let previous: string | undefined;
    Object.entries(model.layers).forEach(([name, entry], index) => {
      const out: Entry = {};
      for (const [k, v] of Object.entries(entry)) if (k !== 'inputs') out[k] = k === 'shares' && typeof v === 'string' ? ref(v) : v;
      const explicit = names(entry.inputs).map(ref);
      out.inputs = entry.inputs !== undefined ? (typeof entry.inputs === 'string' ? explicit[0] : explicit) : index === 0 ? [...inputs.values()][0] : previous;
      if (frozen && 'type' in out) out.trainable = false;
      this.put(`${instance}_${name}`, out, `${usePtr}/\0none`, frames);
      for (const o of owners) o.layers.push(`${instance}_${name}`);
      previous = `${instance}_${name}`;
    });
  }

  /** The parameters of one use, defaults filled in; undefined (reported) when they do not fit the block. */
  private bindParams(def: BlockDef, use: Entry, ptr: string, frames: Frame[]): Map<string, unknown> | undefined {
    const bound = new Map<string, unknown>();
    let ok = true;
    for (const [k, raw] of Object.entries(use)) {
      if (USE_KEYS.has(k)) continue;
      const param = def.params.get(k);
      if (!param) {
        const known = [...def.params.keys()];
        this.error('NN311', `block '${def.name}' has no parameter '${k}'${didYouMean(k, known)}`, keySpan(this.doc, `${ptr}/${k}`), known.length ? `its parameters: ${known.join(', ')}` : `block '${def.name}' takes no parameters`);
        ok = false;
        continue;
      }
      const v = this.subst(raw, frames);
      if (!fitsType(v, param.type)) {
        this.error('NN312', `parameter '${k}' of block '${def.name}' must be ${typeWords(param.type)}, got ${JSON.stringify(v)}`, valueSpan(this.doc, `${ptr}/${k}`));
        ok = false;
        continue;
      }
      bound.set(k, v);
    }
    const missing = [...def.params].filter(([k, p]) => !bound.has(k) && !p.has && !(k in use)).map(([k]) => k);
    if (missing.length) {
      this.error('NN311', `'${ptr.split('/').pop()}' uses block '${def.name}' without its parameter${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`, keySpan(this.doc, ptr), `give ${missing.length > 1 ? 'them' : 'it'} beside \`block:\`, e.g. \`${missing[0]}: ...\``);
      ok = false;
    }
    for (const [k, p] of def.params) if (!bound.has(k) && p.has) bound.set(k, p.default);
    return ok ? bound : undefined;
  }

  /** `value` with every `$param` replaced by the innermost frame's value. */
  private subst(value: unknown, frames: Frame[]): unknown {
    if (frames.length === 0) return value;
    if (typeof value === 'string') {
      const m = PARAM_REF.exec(value);
      if (!m) return value;
      const params = frames[0]!.params;
      return params.has(m[1]!) ? params.get(m[1]!) : value;
    }
    if (Array.isArray(value)) return value.map((v) => this.subst(v, frames));
    if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.subst(v, frames)]));
    return value;
  }

  private rename(outputs: unknown, alias: Map<string, string>): unknown {
    if (typeof outputs === 'string') return alias.get(outputs) ?? outputs;
    if (Array.isArray(outputs)) return outputs.map((o) => (typeof o === 'string' ? (alias.get(o) ?? o) : o));
    return outputs;
  }

  private renameTraining(training: Entry, alias: Map<string, string>): Entry {
    const out: Entry = { ...training };
    for (const k of ['loss', 'loss_weights', 'metrics']) {
      const v = training[k];
      if (isMap(v)) out[k] = Object.fromEntries(Object.entries(v).map(([o, x]) => [alias.get(o) ?? o, x]));
    }
    return out;
  }
}

function repeatOf(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 ? v : 1;
}

function fitsType(v: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'list':
      return Array.isArray(v);
    default:
      return true;
  }
}

function typeWords(type: string): string {
  return { integer: 'an integer', number: 'a number', boolean: 'true or false', string: 'a string', list: 'a list' }[type] ?? 'a value';
}
