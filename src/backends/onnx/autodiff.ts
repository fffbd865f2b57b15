/**
 * Reverse-mode differentiation over an emitted ONNX graph.
 *
 * `gradients(g, loss, wrt)` appends the backward graph to `g` and returns, for each value of
 * `wrt`, the value holding d loss / d wrt (undefined when the loss does not depend on it). It
 * walks the nodes that exist when it is called, newest first: every node appended to `g` went in
 * after its inputs existed, so `g.nodes` is already in topological order.
 *
 * Two passes decide what gets differentiated:
 * - forward: a value *depends on wrt* if it is a wrt value, or a float output of a node with an
 *   input that depends on wrt (integer and bool values carry no gradient: indices, shapes, masks);
 * - backward: a node is visited only once one of its outputs has received a gradient from the
 *   loss, and its rule is asked only for the inputs that depend on wrt (`needs`).
 * A value used by several nodes receives one contribution from each; they are summed (Add, or
 * one Sum for three or more).
 *
 * Each node's gradient comes from its op's rule (ops/: shape rule and VJP side by side). A rule
 * returns undefined for an input whose gradient is identically zero (Sign, Floor, random ops).
 */
import type { OnnxGraph, OpNode, Value } from './graph.js';
import { opRule } from './ops/index.js';
import { constOf } from './ops/rule.js';

const FLOAT = new Set(['float32', 'float64']);

export function isFloat(v: Value): boolean {
  return FLOAT.has(v.dtype);
}

export function gradients(g: OnnxGraph, loss: Value, wrt: readonly Value[]): (Value | undefined)[] {
  if (loss.shape.reduce((a, b) => a * b, 1) !== 1) throw new Error(`internal: gradients of ${loss.name} [${loss.shape.join(',')}]: the loss must hold one number`);
  if (!isFloat(loss)) throw new Error(`internal: gradients of ${loss.name}: the loss must be float, not ${loss.dtype}`);
  const nodes = g.nodes.slice();
  const depends = dependsOn(nodes, wrt);

  const pending = new Map<string, Value[]>([[loss.name, [constOf(g, loss.dtype, loss.shape, 1)]]]);
  const total = (v: Value): Value | undefined => {
    const parts = pending.get(v.name);
    if (!parts) return undefined;
    // One variadic Sum rather than a chain of Adds: a weight shared by 100 unrolled timesteps
    // gets one node, not 99 (per-node overhead dominates small recurrent steps).
    const sum = parts.length === 1 ? parts[0]! : parts.length === 2 ? g.op1('Add', parts) : g.op1('Sum', parts);
    pending.set(v.name, [sum]);
    return sum;
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!node.outputs.some((o) => pending.has(o.name))) continue;
    const needs = node.inputs.map((x) => x !== undefined && depends.has(x.name));
    if (!needs.some(Boolean)) continue;
    const rule = opRule(node.type);
    if (!rule?.vjp) throw new Error(`internal: no gradient rule for ONNX ${node.type} (node ${node.name}), needed for ${describeNeeds(node, needs)}`);
    const dy = node.outputs.map(total);
    const dx = rule.vjp({ g, node, dy, needs });
    node.inputs.forEach((x, k) => {
      const d = dx[k];
      if (!needs[k] || !d) return;
      if (d.shape.join() !== x!.shape.join()) {
        throw new Error(`internal: the ${node.type} gradient rule gave [${d.shape.join(',')}] for input ${k} (${x!.name}) of shape [${x!.shape.join(',')}]`);
      }
      const parts = pending.get(x!.name);
      if (parts) parts.push(d);
      else pending.set(x!.name, [d]);
    });
  }
  return wrt.map(total);
}

/** Names of the values that depend on some wrt value through float values only. */
function dependsOn(nodes: readonly OpNode[], wrt: readonly Value[]): Set<string> {
  const set = new Set(wrt.filter(isFloat).map((v) => v.name));
  for (const node of nodes) {
    if (!node.inputs.some((x) => x !== undefined && set.has(x.name))) continue;
    for (const o of node.outputs) if (isFloat(o)) set.add(o.name);
  }
  return set;
}

function describeNeeds(node: OpNode, needs: readonly boolean[]): string {
  return node.inputs.flatMap((x, k) => (needs[k] ? [`input ${k} (${x!.name})`] : [])).join(', ');
}
