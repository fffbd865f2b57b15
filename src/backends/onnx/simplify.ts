/**
 * Rewrites of the forward graph before it is differentiated, each exact (the same numbers, the
 * same gradients), so that the backward pass is built from fewer and smaller ops:
 * - a Transpose of a Transpose reads the first one's input with the composed permutation, and is
 *   that input when the composition is the identity (the NHWC ↔ NCHW changes each convolution and
 *   pooling layer makes around itself): neither transpose then gets a gradient transpose;
 * - MaxPool(Relu(z)) becomes Relu(MaxPool(z)) when the pool is the relu's only reader: relu is
 *   monotone, so the values are equal, and the pool picks the same element wherever the gradient
 *   is not zero anyway (a window whose maximum is ≤ 0 has relu gradient 0 either way); relu's
 *   gradient then runs on the pooled tensor (a quarter of the elements for 2×2).
 * Rewired nodes stay in `g.nodes`, unread; `prune` drops them once every output is declared.
 */
import type { OnnxGraph, OpNode, Value } from './graph.js';

/**
 * Applies the rewrites in place. `roots` are the values read after this point that are not graph
 * outputs yet (the loss, the moving statistics' new values): a node they read is kept as it is.
 */
export function simplify(g: OnnxGraph, roots: readonly Value[]): void {
  foldTransposes(g);
  poolBeforeRelu(g, roots);
}

function producers(nodes: readonly OpNode[]): Map<string, OpNode> {
  const map = new Map<string, OpNode>();
  for (const n of nodes) for (const o of n.outputs) map.set(o.name, n);
  return map;
}

const permOf = (n: OpNode): readonly number[] => (n.attrs.perm as readonly number[] | undefined) ?? n.inputs[0]!.shape.map((_, i, a) => a.length - 1 - i);

/**
 * One walk in topological order: each node first reads through the replacements made so far, then
 * a Transpose whose input comes from a Transpose (as rewritten) is folded into one.
 */
function foldTransposes(g: OnnxGraph): void {
  const replace = new Map<string, Value>();
  const by = new Map<string, OpNode>();
  for (let i = 0; i < g.nodes.length; i++) {
    let n = g.nodes[i]!;
    if (n.inputs.some((v) => v && replace.has(v.name))) n = g.nodes[i] = { ...n, inputs: n.inputs.map((v) => (v && replace.get(v.name)) ?? v) };
    const inner = n.type === 'Transpose' ? by.get(n.inputs[0]!.name) : undefined;
    if (n.type === 'Transpose') {
      // out[i] = mid[p2[i]] = in[p1[p2[i]]]; a lone identity Transpose has p1 the identity.
      const p1 = inner?.type === 'Transpose' ? permOf(inner) : permOf(n).map((_, k) => k);
      const source = inner?.type === 'Transpose' ? inner.inputs[0]! : n.inputs[0]!;
      const perm = permOf(n).map((p) => p1[p]!);
      if (perm.every((p, k) => p === k)) {
        replace.set(n.outputs[0]!.name, source);
        continue;
      }
      if (inner?.type === 'Transpose') n = g.nodes[i] = { ...n, inputs: [source], attrs: { ...n.attrs, perm } };
    }
    for (const o of n.outputs) by.set(o.name, n);
  }
}

/** How many times each value is read by nodes that lead to `roots` or to a graph output (and by those). */
function liveReads(g: OnnxGraph, roots: readonly Value[]): Map<string, number> {
  const ends = [...roots, ...g.outputs];
  const live = new Set<string>(ends.map((v) => v.name));
  const reads = new Map<string, number>();
  const read = (name: string) => reads.set(name, (reads.get(name) ?? 0) + 1);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => live.has(o.name))) continue;
    for (const v of n.inputs) {
      if (!v) continue;
      live.add(v.name);
      read(v.name);
    }
  }
  for (const r of ends) read(r.name);
  return reads;
}

function poolBeforeRelu(g: OnnxGraph, roots: readonly Value[]): void {
  const by = producers(g.nodes);
  const reads = liveReads(g, roots);
  for (let i = 0; i < g.nodes.length; i++) {
    const pool = g.nodes[i]!;
    // With Indices (a second output), the indices would name positions of z, not of relu(z).
    if (pool.type !== 'MaxPool' || pool.outputs.length !== 1) continue;
    const relu = by.get(pool.inputs[0]!.name);
    if (relu?.type !== 'Relu' || reads.get(relu.outputs[0]!.name) !== 1) continue;
    const pooled = g.op1('MaxPool', [relu.inputs[0]!], pool.attrs);
    const poolNode = g.nodes.pop()!;
    // The Relu writes the pool's output value, so its readers need no change.
    g.nodes[i] = poolNode;
    g.nodes.splice(i + 1, 0, { ...relu, inputs: [pooled], outputs: pool.outputs, name: g.fresh('n_Relu') });
    i++;
  }
}

/** Drops the nodes and initializers that no graph output depends on. */
export function prune(g: OnnxGraph): void {
  const live = new Set(g.outputs.map((v) => v.name));
  const keep = new Array<boolean>(g.nodes.length).fill(false);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => live.has(o.name))) continue;
    keep[i] = true;
    for (const v of n.inputs) if (v) live.add(v.name);
  }
  const kept = g.nodes.filter((_, i) => keep[i]);
  g.nodes.length = 0;
  g.nodes.push(...kept);
  for (const name of [...g.initializers.keys()]) if (!live.has(name)) g.initializers.delete(name);
}
