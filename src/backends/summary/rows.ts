/** The summary's data, once: one row per node in topological order, and the totals. Renderers only format it. */
import type { Graph, GraphNode } from '../../compiler/graph.js';
import type { Shape } from '../../layers/shape.js';

export interface SummaryRow {
  name: string;
  type: string;
  /** The layer this node reuses, for a `shares:` node. */
  shares?: string;
  output_shape: Shape;
  params: number;
  trainable_params: number;
  connected_to: string[];
  /** Format 2: the block this row is an instance of (the row stands for all its layers, as Keras shows a nested model). */
  block?: string;
  /** The instance's parameters, defaults included. */
  block_params?: Record<string, unknown>;
  /** How many layers the instance expands to. */
  block_layers?: number;
  /** False for a frozen instance (`trainable: false`). */
  trainable?: boolean;
}

export interface Summary {
  name: string;
  inputs: { name: string; shape: Shape; dtype: string }[];
  outputs: { name: string; shape: Shape; dtype: string }[];
  layers: SummaryRow[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  /** True when every layer has one input, the one above it: Keras omits "Connected to" then. */
  sequential: boolean;
}

function row(node: GraphNode): SummaryRow {
  const layer = node.layer;
  const first = !layer || layer.nodes[0] === node;
  const r: SummaryRow = {
    name: node.name,
    type: layer ? layer.kind.type : 'InputLayer',
    output_shape: node.output!.shape,
    params: layer && first ? layer.params : 0,
    trainable_params: layer && first ? layer.trainableParams : 0,
    // Keras's name[node index][tensor index]: the tensor index picks a state of a return_state layer.
    connected_to: node.inputs.map((i, k) => `${i}[0][${node.taps?.[k] ?? 0}]`),
  };
  if (layer && !first) r.shares = layer.name;
  return r;
}

export interface SummaryOptions {
  /** One row per expanded layer instead of one per block instance. */
  expand?: boolean;
}

/** One row for each outermost block instance, in the place of its first layer. */
function instanceRows(graph: Graph, rows: SummaryRow[]): SummaryRow[] {
  const top = (graph.instances ?? []).filter((i) => i.parent === undefined);
  const owner = new Map<string, (typeof top)[number]>();
  for (const inst of top) for (const l of inst.layers) owner.set(l, inst);
  const out: SummaryRow[] = [];
  const done = new Set<string>();
  for (const r of rows) {
    const inst = owner.get(r.name);
    if (!inst) {
      out.push(r.connected_to.length ? { ...r, connected_to: r.connected_to.map((c) => outside(c, owner)) } : r);
      continue;
    }
    if (done.has(inst.name)) continue;
    done.add(inst.name);
    const members = rows.filter((m) => owner.get(m.name) === inst);
    const inputs = [...new Set(members.flatMap((m) => m.connected_to).filter((c) => owner.get(c.replace(/\[\d+\]\[\d+\]$/, '')) !== inst))];
    const last = rows.find((m) => m.name === inst.outputs[0]) ?? members[members.length - 1]!;
    out.push({
      name: inst.name,
      type: inst.block,
      output_shape: last.output_shape,
      params: members.reduce((n, m) => n + m.params, 0),
      trainable_params: members.reduce((n, m) => n + m.trainable_params, 0),
      connected_to: inputs.map((c) => outside(c, owner)),
      block: inst.block,
      block_params: inst.params,
      block_layers: members.length,
      ...(inst.trainable ? {} : { trainable: false }),
    });
  }
  return out;
}

/** A connection to a layer inside an instance reads as the instance's output. */
function outside(c: string, owner: Map<string, { name: string }>): string {
  const inst = owner.get(c.replace(/\[\d+\]\[\d+\]$/, ''));
  return inst ? `${inst.name}[0][0]` : c;
}

export function summarize(graph: Graph, options: SummaryOptions = {}): Summary {
  const tensor = (n: GraphNode) => ({ name: n.name, shape: n.output!.shape, dtype: n.output!.dtype });
  const layerNodes = graph.order.filter((n) => n.layer);
  const sequential = graph.inputs.length === 1 && graph.outputs.length === 1 && graph.order.every((n, i) => i === 0 || (n.inputs.length === 1 && n.inputs[0] === graph.order[i - 1]!.name));
  return {
    name: graph.name,
    inputs: graph.inputs.map(tensor),
    outputs: graph.outputs.map((o) => tensor(graph.nodes.get(o)!)),
    layers: graph.instances?.length && !options.expand ? instanceRows(graph, graph.order.map(row)) : graph.order.map(row),
    total_params: graph.totalParams,
    trainable_params: graph.trainableParams,
    non_trainable_params: graph.totalParams - graph.trainableParams,
    sequential: sequential && layerNodes.every((n) => n.layer!.nodes.length === 1),
  };
}

export const thousands = (n: number) => n.toLocaleString('en-US');

/** Keras 3 `readable_memory_size`: float32 weights, 1024-based units, two decimals. */
export function readableSize(params: number, bytesPerParam = 4): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = params * bytesPerParam;
  for (const unit of units) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

export function totalsLines(s: Summary): string[] {
  return [
    `Total params: ${thousands(s.total_params)} (${readableSize(s.total_params)})`,
    `Trainable params: ${thousands(s.trainable_params)} (${readableSize(s.trainable_params)})`,
    `Non-trainable params: ${thousands(s.non_trainable_params)} (${readableSize(s.non_trainable_params)})`,
  ];
}

export function typeLabel(r: SummaryRow): string {
  if (r.block) {
    const params = Object.entries(r.block_params ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return `${r.block}${params.length ? ': ' + params.join(', ') : ''}${r.trainable === false ? ', frozen' : ''}`;
  }
  return r.shares ? `${r.type}, shares ${r.shares}` : r.type;
}

export function paramLabel(r: SummaryRow): string {
  return r.shares ? '(shared)' : thousands(r.params);
}
