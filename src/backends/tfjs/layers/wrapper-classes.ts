/**
 * Bidirectional as Keras computes it over a masked sequence with `return_sequences`: Keras zeroes
 * both directions' outputs at masked steps (it sets the wrapped RNNs' zero_output_for_mask), where
 * tfjs's Bidirectional repeats each direction's previous output there. Extends tfjs's class
 * (weights, build and config are tfjs's); only the call changes. Saved under tfjs's class name
 * where tfjs computes the same (the last step only, or no mask); otherwise as NnspecBidirectional.
 */
import type { Tf, TfLayer } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';
import { carriesMask } from './global-pooling.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;
type Ctor = new (args: Args) => TfLayer;
type Symbolic = Parameters<typeof carriesMask>[0];

export const wrapperClasses = perTf((tf: Tf) => {
  const Bidirectional = tfjsClass<Ctor>(tf, 'Bidirectional');

  class NnspecBidirectional extends (Bidirectional as unknown as new (args: Args) => TfLayer & { returnSequences: boolean }) {
    static className = 'NnspecBidirectional';
    /** Called on a masked sequence (known when the model is built). */
    masked = false;
    override getClassName(): string {
      return this.returnSequences && this.masked ? NnspecBidirectional.className : 'Bidirectional';
    }
    override apply(inputs: Tensor | Tensor[] | Symbolic | Symbolic[], kwargs?: Args) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x instanceof tf.SymbolicTensor && carriesMask(x)) this.masked = true;
      return super.apply(inputs as never, kwargs);
    }
    override call(inputs: Tensor | Tensor[], kwargs: Args): Tensor | Tensor[] {
      // Called on [sequence, ...initial states] by tfjs's graph runner, whose `initialState` argument
      // still holds the build's symbolic tensors: the concrete states in the list win (as recurrent.ts).
      if (Array.isArray(inputs) && inputs.length > 1) {
        const masks = kwargs['mask'];
        return this.call(inputs[0]!, { ...kwargs, mask: Array.isArray(masks) ? masks[0] : masks, initialState: inputs.slice(1) });
      }
      const out = super.call(inputs, kwargs) as Tensor | Tensor[];
      const mask = kwargs['mask'] as Tensor | Tensor[] | undefined;
      const m = Array.isArray(mask) ? mask[0] : mask;
      // A mask in the call proves nothing (tfjs leaves stale ones; see carriesMask): only a masked input counts.
      if (!this.returnSequences || !this.masked || m == null) return out;
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
