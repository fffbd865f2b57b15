/**
 * Keras global pooling as one TensorFlow.js layer. tfjs's own global pooling layers have no
 * keepdims, no channels_first in 1D, and ignore masks, where Keras's GlobalAveragePooling1D
 * averages the unmasked steps only (after Embedding with mask_zero, or Masking). Registered under
 * its own name.
 */
import type { Dim } from '../../../layers/shape.js';
import type { Tf, TfLayer } from '../env.js';
import { perTf } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type Symbolic = InstanceType<Tf['SymbolicTensor']>;

/** The tfjs layer fields read to follow a mask upstream. */
interface MaskSource {
  supportsMasking: boolean;
  returnSequences?: boolean;
  inboundNodes: { inputTensors: Symbolic[] }[];
  getClassName(): string;
}

/**
 * Whether tfjs's executor will hand this tensor a mask: a chain of mask-supporting layers from an
 * Embedding with mask_zero or a Masking layer. Needed because the executor also leaves a stale
 * mask in the call arguments of every later layer (tfjs 4.22), so a mask in `call` proves nothing.
 */
export function carriesMask(t: Symbolic): boolean {
  const layer = t.sourceLayer as unknown as MaskSource;
  if (!layer?.supportsMasking) return false;
  const name = layer.getClassName();
  if (name === 'Embedding' || name === 'Masking') return true;
  if (name === 'NnspecGlobalPooling' || layer.returnSequences === false) return false;
  return (layer.inboundNodes[t.nodeIndex]?.inputTensors ?? []).some(carriesMask);
}

export interface GlobalPoolingArgs {
  name?: string;
  mode: 'max' | 'average';
  /** Number of spatial axes: 1 or 2. */
  rank: number;
  dataFormat: 'channelsFirst' | 'channelsLast';
  keepdims: boolean;
}

export const globalPoolingClass = perTf((tf): new (args: GlobalPoolingArgs) => TfLayer => {
  class NnspecGlobalPooling extends tf.layers.Layer {
    static className = 'NnspecGlobalPooling';
    readonly args: Omit<GlobalPoolingArgs, 'name'>;
    /** Whether some call site's input carries a mask (set when applied to symbolic tensors). */
    private masked = false;
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
    override apply(inputs: Tensor | Tensor[] | Symbolic | Symbolic[], kwargs?: Record<string, unknown>) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x instanceof tf.SymbolicTensor && carriesMask(x)) this.masked = true;
      return super.apply(inputs, kwargs);
    }
    override call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor }): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const { mode, keepdims } = this.args;
        if (mode === 'max') return tf.max(x, this.axes, keepdims);
        const mask = this.masked ? kwargs?.mask : undefined;
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
  return NnspecGlobalPooling as unknown as new (args: GlobalPoolingArgs) => TfLayer;
});
