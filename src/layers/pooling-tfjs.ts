/**
 * Keras global pooling as one TensorFlow.js layer. tfjs's own global pooling layers have no
 * keepdims, no channels_first in 1D, and throw when given a mask (after Embedding with mask_zero),
 * where Keras's GlobalAveragePooling1D averages the unmasked steps only. Made per tf module (tfjs is
 * injected, never imported) and registered under its own name.
 */
import type { Tf, TfLayer } from '../backends/tfjs/env.js';
import type { Dim } from './shape.js';

type Tensor = ReturnType<Tf['add']>;

export interface GlobalPoolingArgs {
  name?: string;
  mode: 'max' | 'average';
  /** Number of spatial axes: 1 or 2. */
  rank: number;
  dataFormat: 'channelsFirst' | 'channelsLast';
  keepdims: boolean;
}

const made = new WeakMap<object, new (args: GlobalPoolingArgs) => TfLayer>();

export function globalPoolingClass(tf: Tf): new (args: GlobalPoolingArgs) => TfLayer {
  const cached = made.get(tf);
  if (cached) return cached;

  class NnspecGlobalPooling extends tf.layers.Layer {
    static className = 'NnspecGlobalPooling';
    readonly args: Omit<GlobalPoolingArgs, 'name'>;
    constructor(args: GlobalPoolingArgs) {
      super({ name: args.name });
      this.args = { mode: args.mode, rank: args.rank, dataFormat: args.dataFormat, keepdims: args.keepdims };
      this.supportsMasking = true;
    }
    private get axes(): number[] {
      const first = this.args.dataFormat === 'channelsFirst' ? 2 : 1;
      return Array.from({ length: this.args.rank }, (_, i) => first + i);
    }
    override computeOutputShape(inputShape: Dim[] | Dim[][]): Dim[] {
      const s = inputShape as Dim[];
      const axes = this.axes;
      return this.args.keepdims ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
    }
    /** Keras: pooling over the steps consumes the mask. */
    override computeMask(): Tensor {
      return null as unknown as Tensor;
    }
    override call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor }): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const { mode, keepdims } = this.args;
        if (mode === 'max') return tf.max(x, this.axes, keepdims);
        const mask = kwargs?.mask;
        if (!mask || this.args.rank !== 1) return tf.mean(x, this.axes, keepdims);
        // Keras: the mean over unmasked steps only (mask is (batch, steps)).
        const weights = tf.expandDims(tf.cast(mask, x.dtype), this.args.dataFormat === 'channelsFirst' ? 1 : 2);
        return tf.div(tf.sum(tf.mul(x, weights), this.axes, keepdims), tf.sum(weights, this.axes, keepdims));
      });
    }
    override getConfig() {
      return { ...this.args, ...super.getConfig() };
    }
  }
  tf.serialization.registerClass(NnspecGlobalPooling);
  const cls = NnspecGlobalPooling as unknown as new (args: GlobalPoolingArgs) => TfLayer;
  made.set(tf, cls);
  return cls;
}
