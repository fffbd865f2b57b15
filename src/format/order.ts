/** The canonical key order of a spec: the order the README documents, a layer's Keras arguments in Keras's order. */
import { layerKind } from '../layers/registry.js';
import { COMMON_PARAMS } from '../layers/params.js';

export const TOP_ORDER = ['nnspec', 'name', 'description', 'blocks', 'inputs', 'layers', 'outputs', 'training'];
/** A block (format 2): what it is, its interface, then its layers. */
export const BLOCK_ORDER = ['description', 'from', 'inputs', 'params', 'layers', 'outputs'];
export const INPUT_ORDER = ['shape', 'dtype', 'description'];
export const TRAINING_ORDER = ['optimizer', 'loss', 'loss_weights', 'metrics', 'batch_size', 'epochs', 'validation_split', 'shuffle', 'seed'];

/** `type`/`shares` first, the layer's arguments in its definition's order, `trainable`, then `inputs` last (it reads as the wiring). */
export function layerOrder(type: string | undefined): { first: string[]; last: string[] } {
  const kind = type ? layerKind(type) : undefined;
  const params = kind ? [...Object.keys(kind.params), ...Object.keys(COMMON_PARAMS)] : [];
  return { first: ['type', 'shares', 'block', ...params], last: ['inputs'] };
}

/** Sorts keys by their place in `first`, unknown keys after them in their own order, `last` at the end. */
export function rank(keys: readonly string[], first: readonly string[], last: readonly string[] = []): string[] {
  const pos = (k: string) => {
    const f = first.indexOf(k);
    if (f >= 0) return f;
    const l = last.indexOf(k);
    return l >= 0 ? first.length + 1_000_000 + l : first.length;
  };
  return keys.map((k, i) => ({ k, i })).sort((a, b) => pos(a.k) - pos(b.k) || a.i - b.i).map((x) => x.k);
}
