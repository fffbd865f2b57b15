/**
 * The plain Keras graph → a spec value: one node per call site (a shared layer's later calls
 * become `shares:` nodes), in an order where every node comes after its inputs and otherwise
 * follows the JSON, with `inputs:` left out where the layer directly above feeds it.
 */
import { STATE_TYPES, stateOutputs } from '../../layers/recurrent.js';
import { NAME_PATTERN } from '../../spec/schema-build.js';
import type { KerasGraph, Note, Problem, Ref } from './keras-graph.js';
import { specLayer } from './keras-layer.js';
import type { LocatedJson } from './located-json.js';

type Obj = Record<string, unknown>;

export interface SpecBuild {
  spec?: Obj;
  problems: Problem[];
  notes: Note[];
  /** Where each spec node's layer is in the JSON, to locate the spec's own errors. */
  origin: Map<string, { describe: string; at: number }>;
}

interface Node {
  name: string;
  /** Keras layer name and call index; a model input has call -1. */
  layer: string;
  call: number;
  refs: Ref[];
  /** How many of the last refs are the call's initial_state. */
  states: number;
  priority: number[];
}

const namePattern = new RegExp(NAME_PATTERN);
/**
 * TensorFlow.js's tensor and scope names (tfjs-layers' isValidTensorName): a name must start with
 * a letter or digit. With the spec's rule (a letter or _ first), a name valid in every target
 * nnspec writes starts with a letter.
 */
const everyTarget = (name: string) => namePattern.test(name) && /^[A-Za-z]/.test(name);

/** A name valid in the spec, Keras and TensorFlow.js, unique among `taken`. */
function specName(wanted: string, taken: Set<string>, prefix = 'layer'): string {
  const cleaned = wanted.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
  // `1st_layer` → `layer_1st_layer`, `_private` → `layer_private`: a letter first.
  const base = everyTarget(wanted) ? wanted : /^[A-Za-z]/.test(cleaned) ? cleaned : `${prefix}_${cleaned.replace(/^_+/, '')}`.replace(/_$/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

export function toSpec(graph: KerasGraph, json: LocatedJson): SpecBuild {
  // What the reader found stays with what this finds: a file's problems come out at once.
  const problems: Problem[] = [...graph.problems];
  const notes: Note[] = [];
  const origin = new Map<string, { describe: string; at: number }>();
  const taken = new Set<string>();
  const nameOf = new Map<string, string>();
  const rename = (keras: string, at: number, prefix?: string) => {
    const name = specName(keras, taken, prefix);
    if (name !== keras) notes.push({ message: `'${keras}' is named '${name}' in the spec (a name starts with a letter and holds letters, digits, _ . -, so that the spec, Keras and TensorFlow.js all accept it)`, at });
    nameOf.set(keras, name);
    return name;
  };

  const inputs: Obj = {};
  for (const input of graph.inputs) {
    const dtype = input.dtype.startsWith('int') || input.dtype.startsWith('uint') ? 'int32' : input.dtype.startsWith('float') || input.dtype.startsWith('bfloat') ? 'float32' : undefined;
    if (!dtype) problems.push({ code: 'NN705', message: `input '${input.name}' has dtype ${input.dtype}; nnspec inputs are float32 or int32`, at: json.at(input.raw) });
    else if (dtype !== input.dtype) notes.push({ message: `input '${input.name}': dtype ${input.dtype} read as ${dtype}`, at: json.at(input.raw) });
    inputs[rename(input.name, json.at(input.raw), 'input')] = { shape: input.shape, ...(dtype === 'int32' ? { dtype } : {}) };

  }

  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const order = graph.metadata?.order ?? [];
  const callNames = new Map(Object.entries(graph.metadata?.nodes ?? {}).map(([node, [layer, call]]) => [`${layer}#${call}`, node]));
  const nodes: Node[] = [];
  const entries = new Map<string, Obj>();
  graph.layers.forEach((layer, index) => {
    if (layer.calls.length === 0) {
      notes.push({ message: `layer '${layer.name}' is never called in the model; left out`, at: json.at(layer.raw) });
      return;
    }
    const describe = `layer '${layer.name}' (${layer.className})`;
    const entry = specLayer(layer.className, layer.config, layer.raw, { json, describe, problems, notes });
    if (entry) entries.set(layer.name, entry);
    const type = typeof entry?.type === 'string' ? entry.type : '';
    layer.calls.forEach((c, call) => {
      const name = call === 0 ? rename(layer.name, json.at(layer.raw)) : specName(callNames.get(`${layer.name}#${call}`) ?? `${nameOf.get(layer.name)}_call_${call}`, taken);
      const ordered = order.indexOf(name);
      const states = STATE_TYPES.has(type) ? c.states : 0;
      nodes.push({ name, layer: layer.name, call, refs: c.refs, states, priority: ordered >= 0 ? [0, ordered] : [1, index, call] });
      if (c.training && entry && phaseDependent(entry)) {
        const mode = c.training.value ? 'training mode, even when predicting' : 'inference mode, even while training';
        notes.push({ message: `${describe} is called with training: ${c.training.value}, which keeps it in ${mode}; nnspec runs it as Keras does without the argument (training mode in fit, inference mode in evaluate and predict)`, at: c.training.at });
      }
      origin.set(name, { describe, at: json.at(layer.raw) });
    });
  });

  const nodeOf = (ref: Ref, user: string, where: object): string | undefined => {
    const bad = (why: string) => void problems.push({ code: 'NN704', message: `${user}: ${why}`, at: json.at(where) });
    if (inputNames.has(ref.layer)) {
      if (ref.tensor !== 0) return bad(`takes output ${ref.tensor} of input '${ref.layer}', which has one`);
      return ref.node === 0 ? nameOf.get(ref.layer) : bad(`takes node ${ref.node} of input '${ref.layer}', which has one`);
    }
    const layer = byName.get(ref.layer);
    if (!layer) return bad(`takes '${ref.layer}', which is not a layer of the model`);
    if (!Number.isInteger(ref.node) || ref.node < 0 || ref.node >= layer.calls.length) return bad(`takes call ${ref.node} of '${ref.layer}', which is called ${layer.calls.length} time(s)`);
    const node = nodes.find((n) => n.layer === ref.layer && n.call === ref.node)?.name;
    if (!node) return bad(`takes call ${ref.node} of '${ref.layer}', which has no node in the model`);
    if (ref.tensor === 0) return node;
    // A recurrent layer's return_state states: `encoder:state_h`, as a spec names them.
    const entry = entries.get(ref.layer);
    const more = entry ? stateOutputs(entry as { type: string }) : [];
    const output = more[ref.tensor - 1];
    if (output === undefined) return bad(`takes output ${ref.tensor} of '${ref.layer}', which has ${1 + more.length} output${more.length ? 's' : ''}${more.length ? ` (output, ${more.join(', ')})` : ' (only a recurrent layer with return_state has more)'}`);
    return `${node}:${output}`;
  };

  const layerEntries: Obj = {};
  const resolved = new Map<Node, string[]>();
  for (const node of nodes) {
    const layer = byName.get(node.layer)!;
    if (layer.calls[node.call]?.broken) continue;
    const names = node.refs.map((r) => nodeOf(r, `layer '${node.layer}'`, layer.raw));
    if (names.every((n): n is string => n !== undefined)) resolved.set(node, names);
  }
  // A state as a model output (a seq2seq inference encoder's): spec outputs are layers, so a linear
  // Activation named after the state passes it on.
  const passOn: Obj = {};
  const outputs = graph.outputs.map((r) => {
    if (inputNames.has(r.layer)) {
      problems.push({ code: 'NN704', message: `model output '${r.layer}' is a model input; spec outputs are layers`, at: 0 });
      return undefined;
    }
    const raw = graph.layers.find((l) => l.name === r.layer)?.raw ?? {};
    const ref = nodeOf(r, 'model output', raw);
    if (ref === undefined || !ref.includes(':')) return ref;
    const name = specName(ref.replace(':', '_'), taken);
    passOn[name] = { type: 'Activation', activation: 'linear', inputs: ref };
    notes.push({ message: `model output ${ref} is a state, not a layer: the spec passes it on through '${name}' (a linear Activation, no parameters)`, at: json.at(raw) });
    return name;
  });
  // In the file's order, whichever stage found them.
  problems.sort((a, b) => a.at - b.at);
  if (problems.length > 0 || outputs.some((o) => o === undefined)) return { problems, notes, origin };

  let previous: string | undefined;
  const single = Object.keys(inputs).length === 1 ? Object.keys(inputs)[0] : undefined;
  for (const node of topological(nodes, resolved, new Set(Object.keys(inputs)))) {
    const all = resolved.get(node)!;
    const refs = all.slice(0, all.length - node.states);
    const states = all.slice(all.length - node.states);
    const implied = previous ?? single;
    const connection: Obj = refs.length === 1 && refs[0] === implied ? {} : { inputs: refs.length === 1 ? refs[0] : refs };
    if (states.length > 0) connection.initial_state = states.length === 1 ? states[0] : states;
    const first = nameOf.get(node.layer)!;
    layerEntries[node.name] = node.call === 0 ? { ...entries.get(node.layer), ...connection } : { shares: first, ...connection };
    previous = node.name;
  }
  Object.assign(layerEntries, passOn);

  const meta = graph.metadata;
  // A fixed batch size: kept as training.batch_size where a stateful layer needs it (export writes
  // it back into the inputs), reported otherwise.
  const stateful = [...entries.entries()].filter(([, e]) => e.stateful === true || (e.layer as Obj | undefined)?.stateful === true).map(([name]) => name);
  const fixed = graph.inputs.find((i) => i.batch)?.batch;
  const keep = fixed !== undefined && stateful.length > 0 && meta?.training === undefined ? { batch_size: fixed.size } : undefined;
  for (const input of graph.inputs) {
    if (!input.batch) continue;
    const what = keep ? `kept as training.batch_size, the batch size the stateful layer '${stateful[0]}' needs` : `spec inputs take any batch size, so it is not kept (train with --batch-size ${input.batch.size} to use it)`;
    notes.push({ message: `input '${input.name}' fixes the batch size at ${input.batch.size}; ${what}`, at: input.batch.at });
  }
  const spec: Obj = {
    nnspec: 1,
    name: specName(graph.name || 'model', new Set()),
    ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
    inputs,
    layers: layerEntries,
    outputs: outputs as string[],
    ...(meta?.training && typeof meta.training === 'object' ? { training: meta.training } : keep ? { training: keep } : {}),
  };
  return { spec, problems, notes, origin };
}

/**
 * Whether a layer computes differently in training and inference (dropout, noise, batch
 * statistics, random augmentation), so that a call's `training` argument changes what it does.
 */
function phaseDependent(entry: Obj): boolean {
  const type = String(entry.type);
  if (/Dropout|Noise|^Random|BatchNormalization/.test(type)) return true;
  if (Number(entry.dropout ?? 0) > 0 || Number(entry.recurrent_dropout ?? 0) > 0) return true;
  const inner = entry.layer;
  return inner !== null && typeof inner === 'object' && phaseDependent(inner as Obj);
}

/** Kahn's algorithm, taking the ready node of lowest priority each time (the JSON's order, or the exported order). */
function topological(nodes: Node[], resolved: Map<Node, string[]>, inputs: Set<string>): Node[] {
  const done = new Set(inputs);
  const left = nodes.filter((n) => resolved.has(n));
  const out: Node[] = [];
  const before = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    return false;
  };
  while (left.length > 0) {
    let pick = -1;
    left.forEach((n, i) => {
      if (resolved.get(n)!.every((r) => done.has(r.replace(/:.*$/, ''))) && (pick === -1 || before(n.priority, left[pick]!.priority))) pick = i;
    });
    // A cycle cannot come from Keras; should one appear, the rest keeps its order and the spec's validation reports it.
    if (pick === -1) pick = 0;
    const [node] = left.splice(pick, 1);
    done.add(node!.name);
    out.push(node!);
  }
  return out;
}

