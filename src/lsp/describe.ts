/** The words the editor shows about a node or an argument: shapes, parameters, connections, Keras docs. */
import type { GraphNode } from '../compiler/graph.js';
import type { Param } from '../layers/params.js';
import { formatShape } from '../layers/shape.js';
import type { Analysis } from './analysis.js';

const count = (n: number) => n.toLocaleString('en-US');

export function shapeOf(node: GraphNode | undefined): string {
  return node?.output ? formatShape(node.output.shape) : '?';
}

/** Markdown for a model input or a layer call site. */
export function describeNode(a: Analysis, node: GraphNode): string {
  const graph = a.result.graph!;
  const lines: string[] = [];
  if (!node.layer) {
    lines.push(`**${node.name}** · model input`, '', `Shape: \`${shapeOf(node)}\` · dtype \`${node.output?.dtype ?? '?'}\``);
  } else {
    const { layer } = node;
    const shared = layer.nodes.length > 1 ? ` · call ${node.callIndex + 1} of ${layer.nodes.length} of layer \`${layer.name}\`` : '';
    lines.push(`**${node.name}** · ${layer.config.type}${shared}`, '');
    lines.push(`Output shape: \`${shapeOf(node)}\``);
    const frozen = layer.params - layer.trainableParams;
    lines.push(`Params: ${count(layer.params)}${frozen ? ` (${count(frozen)} non-trainable)` : ''}${layer.nodes.length > 1 && node.callIndex > 0 ? ' (counted once, at the first call)' : ''}`);
    if (layer.weights?.length) lines.push(`Weights: ${layer.weights.map((w) => `${w.name} \`(${w.shape.join(', ')})\`${w.trainable ? '' : ' frozen'}`).join(', ')}`);
  }
  if (node.inputs.length) lines.push(`Inputs: ${node.inputs.map((n) => `${n} \`${shapeOf(graph.nodes.get(n))}\``).join(', ')}`);
  const feeds = a.consumers.get(node.name) ?? [];
  if (feeds.length) lines.push(`Feeds: ${feeds.join(', ')}`);
  if (graph.outputs.includes(node.name)) lines.push('Model output');
  return lines.join('  \n');
}

/** Markdown for one Keras argument of a layer type. */
export function describeParam(type: string, name: string, param: Param<unknown>): string {
  const schema = param.schema as { description?: string; enum?: string[] };
  const lines = [`**${name}** · argument of ${type}`, '', schema.description ?? ''];
  lines.push(param.required ? 'Required (no Keras default).' : `Default: \`${JSON.stringify(param.default)}\``);
  if (schema.enum) lines.push(`One of: ${schema.enum.map((e) => `\`${e}\``).join(', ')}`);
  return lines.join('  \n');
}
