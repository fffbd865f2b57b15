/**
 * The picture's data, taken once from the compiled DAG: one box per node (name, layer type,
 * output shape, role, status), the data-flow edges, and the links between the call sites of a
 * shared layer. Renderers (svg, dot, mermaid) only format it; shapes come from inference.
 */
import type { Graph, GraphNode } from '../../compiler/graph.js';
import type { LocatedDiagnostic } from '../../diagnostics/diagnostic.js';
import { formatShape } from '../../layers/shape.js';
import { IdMaker } from './ids.js';
import type { SourceFacts } from './source.js';

export type NodeRole = 'input' | 'layer' | 'missing';

/**
 * ok: inferred. error: the node's own entry or shape rule failed. skipped: not inferred
 * because an input failed. warning: inferred, with a warning on its entry.
 */
export type NodeStatus = 'ok' | 'warning' | 'error' | 'skipped';

export interface DiagramNode {
  /** Unique and safe as an id in SVG, DOT and Mermaid. */
  id: string;
  name: string;
  role: NodeRole;
  /** Listed in `outputs:`. */
  output: boolean;
  /** Layer class ('InputLayer' for model inputs), or undefined when the entry has none. */
  type?: string;
  /** The layer this call site reuses (a `shares:` node). */
  shares?: string;
  /** Index of the shared layer this node is a call site of: every site gets the same colour. */
  group?: number;
  /** Formatted output shape, e.g. "(None, 32)"; undefined when not inferred. */
  shape?: string;
  dtype?: string;
  status: NodeStatus;
  /** Diagnostics located in the node's entry. */
  problems: Problem[];
}

export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** The source is a name that is neither an input nor a layer. */
  missing: boolean;
}

/** From the call site that declares a shared layer to a site that reuses it. */
export interface ShareLink {
  from: string;
  to: string;
  layer: string;
}

/** A block instance (format 2), drawn as a cluster around its layers. */
export interface DiagramBlock {
  /** Unique and safe as an id, like a node's. */
  id: string;
  /** "conv2_block1: conv_block(filters=64, ...)". */
  label: string;
  /** Ids of the instance's own layers (not those of nested instances). */
  members: string[];
  /** Ids of the instances inside it. */
  children: string[];
  /** Top-level instances have none. */
  parent?: string;
}

export interface Diagram {
  name: string;
  nodes: DiagramNode[];
  /** Block instances, outermost first (empty for a format 1 spec). */
  blocks?: DiagramBlock[];
  edges: DiagramEdge[];
  shares: ShareLink[];
  /** Diagnostics that belong to no node, as "error NN600: message". */
  notes: string[];
  errors: number;
}

export function problemText(d: Problem): string {
  return `${d.severity} ${d.code}: ${d.message}`;
}

const problem = (d: LocatedDiagnostic): Problem => ({ severity: d.severity, code: d.code, message: d.message });

export function buildDiagram(graph: Graph, facts: SourceFacts): Diagram {
  const ids = new IdMaker();
  const byName = new Map<string, DiagramNode>();
  const outputs = new Set(facts.outputs);
  const groups = sharedGroups(graph);
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const missing = new Map<string, DiagramNode>();
  const missingNode = (name: string, output: boolean): DiagramNode => {
    let m = missing.get(name);
    if (!m) {
      m = { id: ids.make('missing_', name), name, role: 'missing', output, status: 'error', problems: [] };
      missing.set(name, m);
    }
    return m;
  };

  for (const node of graph.order) {
    const d = diagramNode(node, graph, facts, ids.make('n_', node.name), outputs.has(node.name), groups);
    nodes.push(d);
    byName.set(node.name, d);
  }
  for (const node of graph.order) {
    for (const input of node.inputs) {
      const from = byName.get(input) ?? missingNode(input, false);
      edges.push({ from: from.id, to: byName.get(node.name)!.id, missing: from.role === 'missing' });
    }
  }
  for (const name of facts.outputs) if (!byName.has(name)) missingNode(name, true);

  const shares: ShareLink[] = [];
  for (const node of graph.order) {
    const layer = node.layer;
    if (!layer || layer.name === node.name) continue;
    const declaring = byName.get(layer.name);
    if (declaring) shares.push({ from: declaring.id, to: byName.get(node.name)!.id, layer: layer.name });
  }

  const all = [...nodes, ...missing.values()];
  const notes = facts.general.map(problemText);
  const errors = [...facts.problems.values(), facts.general].flat().filter((d) => d.severity === 'error').length;
  const blocks = blockClusters(graph, byName, ids);
  return { name: graph.name, nodes: all, edges, shares, notes, errors, ...(blocks.length ? { blocks } : {}) };
}

function blockClusters(graph: Graph, byName: Map<string, DiagramNode>, ids: IdMaker): DiagramBlock[] {
  const instances = graph.instances ?? [];
  const idOf = new Map(instances.map((i) => [i.name, ids.make('block_', i.name)]));
  return instances.map((inst) => {
    const children = instances.filter((c) => c.parent === inst.name);
    const nested = new Set(children.flatMap((c) => c.layers));
    const params = Object.entries(inst.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
    return {
      id: idOf.get(inst.name)!,
      label: `${inst.name}: ${inst.block}(${params})${inst.trainable ? '' : ' frozen'}`,
      members: inst.layers.filter((l) => !nested.has(l)).flatMap((l) => byName.get(l)?.id ?? []),
      children: children.map((c) => idOf.get(c.name)!),
      ...(inst.parent !== undefined ? { parent: idOf.get(inst.parent)! } : {}),
    };
  });
}

/** Layers called at more than one site, numbered in order of first call. */
function sharedGroups(graph: Graph): Map<string, number> {
  const sites = new Map<string, number>();
  for (const node of graph.order) if (node.layer) sites.set(node.layer.name, (sites.get(node.layer.name) ?? 0) + 1);
  const groups = new Map<string, number>();
  for (const [name, n] of sites) if (n > 1) groups.set(name, groups.size);
  return groups;
}

function diagramNode(node: GraphNode, graph: Graph, facts: SourceFacts, id: string, output: boolean, groups: Map<string, number>): DiagramNode {
  const isInput = graph.inputs.includes(node);
  const declared = facts.declared.get(node.name);
  const layer = node.layer;
  const problems = facts.problems.get(node.name) ?? [];
  const d: DiagramNode = { id, name: node.name, role: isInput ? 'input' : 'layer', output, status: status(node, graph, problems), problems: problems.map(problem) };
  const type = isInput ? 'InputLayer' : (layer?.kind.type ?? declared?.type);
  if (type !== undefined) d.type = type;
  const shares = layer ? (layer.name !== node.name ? layer.name : undefined) : declared?.shares;
  if (shares !== undefined) d.shares = shares;
  const group = layer ? groups.get(layer.name) : undefined;
  if (group !== undefined) d.group = group;
  if (node.output) {
    d.shape = formatShape(node.output.shape);
    d.dtype = node.output.dtype;
  }
  return d;
}

function status(node: GraphNode, graph: Graph, problems: readonly LocatedDiagnostic[]): NodeStatus {
  if (node.broken || problems.some((p) => p.severity === 'error')) return 'error';
  if (!node.output) {
    // Inference skips a node silently when an input failed: only a node whose inputs all have shapes failed itself.
    const fed = node.inputs.every((name) => graph.nodes.get(name)?.output !== undefined);
    return fed ? 'error' : 'skipped';
  }
  return problems.length > 0 ? 'warning' : 'ok';
}
