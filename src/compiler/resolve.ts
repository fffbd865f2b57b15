/**
 * Resolve: names → nodes and layers. Connects every layer to its inputs (explicit `inputs:`,
 * the layer directly above, or the only model input), links `shares:` nodes to their layer,
 * and applies Keras defaults to each configuration.
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { LAYER_KINDS, layerKind, withDefaults } from '../layers/registry.js';
import { keySpan, pointer, type SpecDocument } from '../spec/document.js';
import type { Spec } from '../spec/types.js';
import { isBroken, splitRef, type GraphNode, type Layer } from './graph.js';

export interface Resolved {
  inputs: GraphNode[];
  layerNodes: GraphNode[];
  nodes: Map<string, GraphNode>;
}


export function resolve(spec: Spec, doc: SpecDocument, broken: Set<string>, sink: DiagnosticSink): Resolved {
  const nodes = new Map<string, GraphNode>();
  const inputs: GraphNode[] = [];
  for (const name of Object.keys(spec.inputs)) {
    const node: GraphNode = { name, inputs: [], callIndex: 0, ptr: pointer(['inputs', name]) };
    if (isBroken(broken, node.ptr)) node.broken = true;
    nodes.set(name, node);
    inputs.push(node);
  }
  const entries = Object.entries(spec.layers);
  const allNames = [...Object.keys(spec.inputs), ...entries.map(([n]) => n)];
  const layerNodes: GraphNode[] = [];
  const layers = new Map<string, Layer>();

  // First, every node and every layer that has its own configuration.
  for (const [name, entry] of entries) {
    const ptr = pointer(['layers', name]);
    if (nodes.has(name)) {
      sink.error('NN302', `layer '${name}' has the same name as a model input`, keySpan(doc, ptr), 'every input and layer needs its own name');
      continue;
    }
    const node: GraphNode = { name, inputs: [], callIndex: 0, ptr };
    if (isBroken(broken, ptr)) node.broken = true;
    if ('type' in entry && typeof entry.type === 'string' && !('shares' in entry)) {
      const kind = layerKind(entry.type);
      if (kind) {
        const { inputs: _i, initial_state: _s, ...config } = entry as typeof entry & { initial_state?: unknown };
        const layer: Layer = { name, kind, config: withDefaults(config), params: 0, trainableParams: 0, nodes: [] };
        layers.set(name, layer);
        node.layer = layer;
      } else {
        node.broken = true;
      }
    }
    nodes.set(name, node);
    layerNodes.push(node);
  }

  // Then shares links and connections.
  const brokenConfig = brokenConfigs(broken);
  entries.forEach(([name, entry], index) => {
    const node = nodes.get(name);
    if (!node || node.ptr !== pointer(['layers', name])) return;
    if ('shares' in entry && typeof entry.shares === 'string') linkShare(node, entry.shares, spec, doc, layers, allNames, brokenConfig, sink);
    const explicit = (entry as { inputs?: unknown }).inputs;
    if (explicit !== undefined) {
      const refs = connections(explicit, node.ptr);
      if (isRoleMap(explicit)) {
        for (const { ref, ptr } of refs) {
          if (nodes.has(ref)) continue;
          const where = doc.places.get(ptr);
          sink.error('NN300', `layer '${name}' takes input '${ref}', which is not a model input or layer${didYouMean(ref, allNames.filter((n) => n !== name))}`, where?.value ?? keySpan(doc, ptr));
          node.broken = true;
        }
      }
      node.inputs = isRoleMap(explicit) ? byRole(node, explicit, doc, sink) : refs.map(({ ref, ptr }, i) => connect(node, ref, ptr, i, nodes, allNames, doc, sink));
    } else if (index === 0) {
      if (inputs.length === 1) node.inputs = [inputs[0]!.name];
      else {
        sink.error('NN301', `layer '${name}' has no \`inputs:\` and the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')})`, keySpan(doc, node.ptr), 'say which input feeds it, e.g. `inputs: ' + (inputs[0]?.name ?? 'x') + '`');
        node.broken = true;
      }
    } else {
      node.inputs = [entries[index - 1]![0]];
    }
    checkArity(node, explicit !== undefined, doc, sink);
    const states = (entry as { initial_state?: unknown }).initial_state;
    if (states !== undefined) connectStates(node, states, nodes, allNames, doc, sink);
  });
  return { inputs, layerNodes, nodes };
}

/** `inputs: {query: a, value: b}`: the inputs named by role. */
function isRoleMap(explicit: unknown): explicit is Record<string, unknown> {
  return typeof explicit === 'object' && explicit !== null && !Array.isArray(explicit);
}

/** The names an `inputs:` value refers to, each with its place: a name, a list of names, or a mapping of roles to names. */
function connections(explicit: unknown, nodePtr: string): { ref: string; ptr: string }[] {
  const at = `${nodePtr}/inputs`;
  if (typeof explicit === 'string') return [{ ref: explicit, ptr: at }];
  const entries: [string | number, unknown][] = Array.isArray(explicit) ? explicit.map((x, i) => [i, x]) : isRoleMap(explicit) ? Object.entries(explicit) : [];
  return entries.flatMap(([k, ref]) => (typeof ref === 'string' ? [{ ref, ptr: `${at}/${pointer([k]).slice(1)}` }] : []));
}

/**
 * The inputs of a node fed by role, in its layer's call order (query, value, key, attention_mask):
 * a left-out optional role before a given one takes the input its kind says (key: the value's).
 * Reports a layer without roles, an unknown role and a missing required one.
 */
function byRole(node: GraphNode, given: Record<string, unknown>, doc: SpecDocument, sink: DiagnosticSink): string[] {
  const names = Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const kind = node.layer?.kind;
  if (!kind || node.broken) return Object.values(names);
  const at = `${node.ptr}/inputs`;
  const fail = (message: string, ptr: string, hint?: string): string[] => {
    sink.error('NN305', message, keySpan(doc, ptr), hint);
    node.broken = true;
    return Object.values(names);
  };
  const roles = kind.roles;
  if (!roles) {
    const withRoles = [...LAYER_KINDS.values()].filter((k) => k.roles).map((k) => k.type);
    return fail(`${kind.type} '${node.name}' takes its inputs as a name or a list, not by role`, at, `write \`inputs: [${Object.values(names).join(', ')}]\`; roles are for ${withRoles.join(', ')}`);
  }
  const described = `${kind.type} '${node.name}'`;
  for (const role of Object.keys(given)) {
    if (!roles.names.includes(role)) {
      return fail(`${described} has no input role '${role}'; its roles are ${roles.names.join(', ')}${didYouMean(role, roles.names)}`, `${at}/${pointer([role]).slice(1)}`);
    }
  }
  const missing = roles.names.slice(0, kind.arity.min).filter((r) => names[r] === undefined);
  if (missing.length > 0) {
    const example = `{${roles.names.slice(0, kind.arity.min).map((r) => `${r}: ${names[r] ?? names[roles.names[0]!] ?? 'x'}`).join(', ')}}`;
    return fail(`${described} needs ${missing.map((r) => `a ${r}`).join(' and ')} in \`inputs:\`; got ${Object.keys(given).join(', ') || 'none'}`, at, `e.g. \`inputs: ${example}\` (the same name twice for self-attention)`);
  }
  const last = Math.max(...roles.names.map((r, i) => (names[r] === undefined ? -1 : i)));
  return roles.names.slice(0, last + 1).map((r) => names[r] ?? names[roles.fill?.[r] ?? ''] ?? '');
}

/**
 * The layers part of whose own configuration the schema refused (anything under the entry but
 * `inputs:`, which belongs to the call site), as pointers. A node sharing such a layer is broken
 * with it: its configuration is the target's, already reported there.
 */
function brokenConfigs(broken: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const b of broken) {
    const parts = b.split('/');
    if (parts[1] !== 'layers' || parts.length < 3 || parts[3] === 'inputs' || parts[3] === 'initial_state') continue;
    out.add(parts.slice(0, 3).join('/'));
  }
  return out;
}

function linkShare(node: GraphNode, target: string, spec: Spec, doc: SpecDocument, layers: Map<string, Layer>, allNames: string[], brokenConfig: ReadonlySet<string>, sink: DiagnosticSink): void {
  const at = doc.places.get(`${node.ptr}/shares`)?.value ?? keySpan(doc, node.ptr);
  let root = target;
  const seen = new Set([node.name]);
  while (spec.layers[root] && 'shares' in spec.layers[root]! && !seen.has(root)) {
    seen.add(root);
    root = (spec.layers[root] as { shares: string }).shares;
  }
  const layer = layers.get(root);
  if (layer) {
    node.layer = layer;
    if (brokenConfig.has(pointer(['layers', root]))) node.broken = true;
    return;
  }
  node.broken = true;
  if (seen.has(root) || root === node.name) sink.error('NN303', `layer '${node.name}' shares itself through a chain of \`shares:\``, at, 'a sharing node names a layer that has its own `type:`');
  else if (spec.inputs[root]) sink.error('NN303', `layer '${node.name}' shares '${root}', which is a model input, not a layer`, at, 'to feed the input to this node, use `inputs:`');
  else if (spec.layers[root]) return; // the target's own entry is invalid and is reported there
  else sink.error('NN300', `layer '${node.name}' shares '${target}', which is not a layer${didYouMean(target, allNames.filter((n) => n !== node.name))}`, at);
}

/** One input reference (`dense_1`, `encoder:state_h`): the node's name, with the output part kept in `node.refs`. */
function connect(node: GraphNode, ref: string, ptr: string, i: number, nodes: Map<string, GraphNode>, allNames: string[], doc: SpecDocument, sink: DiagnosticSink): string {
  // Names are letters, digits, _ . -: a colon only separates the output.
  const { name, output } = splitRef(ref);
  if (output !== undefined) (node.refs ??= [])[i] = { output, ptr };
  if (nodes.has(name)) return name;
  const where = doc.places.get(ptr)?.value ?? keySpan(doc, ptr);
  const what = output === undefined ? `input '${ref}', which` : `'${ref}' (output ${output} of '${name}'), but '${name}'`;
  sink.error('NN300', `layer '${node.name}' takes ${what} is not a model input or layer${didYouMean(name, allNames.filter((n) => n !== node.name))}`, where);
  node.broken = true;
  return name;
}

/**
 * `initial_state: [enc:state_h, enc:state_c]`: the recurrent layer's starting states, taken as
 * inputs after the sequence (as Keras's functional graph records them); the shape rule checks them.
 */
function connectStates(node: GraphNode, states: unknown, nodes: Map<string, GraphNode>, allNames: string[], doc: SpecDocument, sink: DiagnosticSink): void {
  const refs = typeof states === 'string' ? [states] : Array.isArray(states) ? states.filter((x): x is string => typeof x === 'string') : [];
  const first = node.inputs.length;
  refs.forEach((ref, k) => {
    const ptr = typeof states === 'string' ? `${node.ptr}/initial_state` : `${node.ptr}/initial_state/${k}`;
    node.inputs.push(connect(node, ref, ptr, first + k, nodes, allNames, doc, sink));
  });
  node.states = refs.length;
}

function checkArity(node: GraphNode, explicit: boolean, doc: SpecDocument, sink: DiagnosticSink): void {
  const kind = node.layer?.kind;
  if (!kind || node.broken) return;
  const n = node.inputs.length;
  const { min, max } = kind.arity;
  if (n >= min && n <= max) return;
  const wants = min === max ? `exactly ${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
  const got = explicit ? `got ${n}` : `got 1 (the ${node.inputs.length ? `layer directly above, '${node.inputs[0]}'` : 'model input'}, since \`inputs:\` is not given)`;
  const at = explicit ? keySpan(doc, `${node.ptr}/inputs`) : keySpan(doc, node.ptr);
  sink.error('NN304', `${kind.type} '${node.name}' takes ${wants} input${min === 1 && max === 1 ? '' : 's'}; ${got}`, at, min > 1 ? 'list the layers to combine, e.g. `inputs: [a, b]`' : undefined);
  node.broken = true;
}
