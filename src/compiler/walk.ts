import type { Graph, GraphNode } from './graph.js';

/**
 * The one topological walker every backend uses: calls `fn` once per node in order with the
 * values already computed for its inputs, and returns every node's value by name.
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
