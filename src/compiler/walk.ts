import type { Graph, GraphNode } from './graph.js';

/**
 * The one topological walker every backend uses: calls `fn` once per node in order with the
 * values already computed for its inputs, and returns every node's value by name. Where a node
 * returns several outputs (walkOutputs), an input gets the output it taps (`encoder:state_h`);
 * `walk` gives each node one value, so its inputs are their nodes' values.
 */
export function walk<T>(graph: Graph, fn: (node: GraphNode, inputs: T[]) => T): Map<string, T> {
  const values = new Map<string, T>();
  for (const node of graph.order) {
    const inputs = node.inputs.map((name) => {
      const v = values.get(name);
      if (v === undefined && !values.has(name)) throw new Error(`internal: '${name}' is not computed before '${node.name}'`);
      return v as T;
    });
    values.set(node.name, fn(node, inputs));
  }
  return values;
}

/** As walk, for values of calls that may return several outputs: each input is the output it taps. */
export function walkOutputs<T>(graph: Graph, fn: (node: GraphNode, inputs: T[]) => T[]): Map<string, T[]> {
  const values = new Map<string, T[]>();
  for (const node of graph.order) {
    const inputs = node.inputs.map((name, i) => {
      const outs = values.get(name);
      const tap = node.taps?.[i] ?? 0;
      if (!outs || tap >= outs.length) throw new Error(`internal: output ${tap} of '${name}' is not computed before '${node.name}'`);
      return outs[tap]!;
    });
    values.set(node.name, fn(node, inputs));
  }
  return values;
}
