/**
 * Keras's mask for the element-wise merges (Add, Multiply, Average, Maximum, Minimum, Subtract):
 * the logical AND of the inputs' masks that exist (keras/src/layers/merging/base_merge.py,
 * compute_mask). TensorFlow.js's Merge.computeMask keeps only the first mask, with an extra leading
 * axis, and drops the others, so `mask_zero` → Add → an attention layer failed with a broadcast
 * error. The subclasses keep tfjs's class names and configs (so model.json is tfjs's own) and are
 * registered over them, so a saved model loads with the right masks too.
 */
import type { Tf } from '../env.js';
import { perTf } from './emitter.js';

type Tensor = ReturnType<Tf['logicalAnd']>;
type LayerClass = new (args: { name?: string }) => InstanceType<Tf['layers']['Layer']>;

/** The AND of the masks given (null when there are none). */
export function mergedMask(tf: Tf, mask: unknown): Tensor | null {
  if (mask == null) return null;
  const masks = (Array.isArray(mask) ? mask : [mask]).filter((m): m is Tensor => m != null);
  if (masks.length === 0) return null;
  if (masks.length === 1) return tf.cast(masks[0]!, 'bool') as Tensor;
  return tf.tidy(() => masks.slice(1).reduce((a, b) => tf.logicalAnd(a, b), tf.cast(masks[0]!, 'bool') as Tensor));
}

/** tfjs's merge classes with Keras's mask, by Keras class name (registered once per tf module). */
export const maskedMerges = perTf((tf: Tf): Record<'Add' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum', LayerClass> => {
  const make = (factory: (args: { name?: string }) => object): LayerClass => {
    const Base = Object.getPrototypeOf(factory({})).constructor as LayerClass & { className: string };
    const Masked = class extends Base {
      static override className = Base.className;
      override computeMask(_inputs: never, mask?: never): never {
        return mergedMask(tf, mask) as never;
      }
    };
    tf.serialization.registerClass(Masked as never);
    return Masked as unknown as LayerClass;
  };
  return {
    Add: make((a) => tf.layers.add(a)),
    Multiply: make((a) => tf.layers.multiply(a)),
    Average: make((a) => tf.layers.average(a)),
    Maximum: make((a) => tf.layers.maximum(a)),
    Minimum: make((a) => tf.layers.minimum(a)),
  };
});
