/**
 * Inputs read as integer ids: the layers whose definition says their input holds ids below one of
 * their arguments (Embedding: input_dim), called on the input directly or through a wrapper.
 */
import type { Graph } from '../compiler/graph.js';
import type { LayerConfig } from '../layers/kind.js';
import { layerKind } from '../layers/registry.js';

export interface IdReader {
  /** The node calling the layer. */
  node: string;
  config: LayerConfig;
  /** The argument bounding the ids, and its value: ids lie in [0, limit). */
  below: string;
  limit: number;
}

export function idReaders(graph: Graph, input: string): IdReader[] {
  const out: IdReader[] = [];
  for (const node of graph.order) {
    if (!node.layer || !node.inputs.includes(input)) continue;
    // A wrapper (TimeDistributed) hands its input to the wrapped layer.
    let config: LayerConfig | undefined = node.layer.config;
    while (config) {
      const ids = layerKind(config.type)?.data?.ids;
      if (ids) {
        out.push({ node: node.name, config, below: ids.below, limit: config[ids.below] as number });
        break;
      }
      config = config.layer as LayerConfig | undefined;
    }
  }
  return out;
}
