/**
 * Bidirectional as Keras computes it over a masked sequence with `return_sequences`: Keras zeroes
 * both directions' outputs at masked steps (it sets the wrapped RNNs' zero_output_for_mask), where
 * tfjs's Bidirectional repeats each direction's previous output there. Extends tfjs's class
 * (weights, build and config are tfjs's); only the call changes. Saved under tfjs's class name
 * when it returns only the last step (the same function); otherwise as NnspecBidirectional.
 */
import type { Tf, TfLayer } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;
type Ctor = new (args: Args) => TfLayer;

export const wrapperClasses = perTf((tf: Tf) => {
  const Bidirectional = tfjsClass<Ctor>(tf, 'Bidirectional');

  class NnspecBidirectional extends (Bidirectional as unknown as new (args: Args) => TfLayer & { returnSequences: boolean }) {
    static className = 'NnspecBidirectional';
    override getClassName(): string {
      return this.returnSequences ? NnspecBidirectional.className : 'Bidirectional';
    }
    override call(inputs: Tensor | Tensor[], kwargs: Args): Tensor | Tensor[] {
      const out = super.call(inputs, kwargs) as Tensor | Tensor[];
      const mask = kwargs['mask'] as Tensor | Tensor[] | undefined;
      const m = Array.isArray(mask) ? mask[0] : mask;
      if (!this.returnSequences || m == null) return out;
      return tf.tidy(() => {
        // [batch, steps] → [batch, steps, 1], 1 where the step is kept.
        const keep = tf.expandDims(tf.cast(m, 'float32'), -1);
        const zeroed = (y: Tensor) => tf.mul(y, keep);
        return Array.isArray(out) ? out.map(zeroed) : zeroed(out);
      });
    }
  }

  tf.serialization.registerClass(NnspecBidirectional as never);
  return { Bidirectional: NnspecBidirectional as unknown as Ctor };
});
