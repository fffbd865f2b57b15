/**
 * MultiHeadAttention, Attention and AdditiveAttention for TensorFlow.js, which has none: one
 * layer class built from tfjs ops (tfjs autodiff gives the gradients). Called on the node's
 * inputs in role order, [query, value, key?, attention_mask?]. Weights are Keras's, by Keras's
 * names and shapes (`query/kernel` [dim, heads, key_dim], ...; `scale`, `concat_score_weight`).
 * The config is the spec layer's Keras arguments, so a saved model.json reads back as the layer.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { LayerConfig } from '../../../layers/kind.js';
import { kernelArgs } from '../args.js';
import type { Tf, TfLayer } from '../env.js';
import { perTf } from './emitter.js';
import { carriesMask } from './global-pooling.js';

type Tensor = tfTypes.Tensor;
type Shape = (number | null)[];
type Symbolic = InstanceType<Tf['SymbolicTensor']>;

/** Keras's large negative number for float32 (its Softmax layer's mask and Attention's padding bias). */
const LARGE = 1e9;

export interface AttentionArgs {
  name?: string;
  /** The spec layer's configuration (type and Keras arguments). */
  config: LayerConfig;
}

/** The tfjs Initializer, Regularizer and Constraint objects of Keras kernel arguments, as tfjs's Dense parses them. */
interface KernelObjects {
  kernelInitializer: unknown;
  biasInitializer: unknown;
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

/**
 * Two one-input layers the attention layer puts before itself in tfjs's graph: one outputs its
 * input's Keras mask as float 0/1 [batch, steps], the other copies its input (a distinct tensor).
 */
const helpers = perTf((tf) => {
  class NnspecMaskOf extends tf.layers.Layer {
    static className = 'NnspecMaskOf';
    constructor(args: { name?: string }) {
      super(args);
      this.supportsMasking = true;
    }
    override computeOutputShape(s: Shape | Shape[]): Shape {
      return (s as Shape).slice(0, -1);
    }
    override computeMask(): Tensor {
      return null as unknown as Tensor;
    }
    override call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor }): Tensor {
      return tf.tidy(() => tf.cast(kwargs.mask!, 'float32'));
    }
  }
  class NnspecCopy extends tf.layers.Layer {
    static className = 'NnspecCopy';
    constructor(args: { name?: string }) {
      super(args);
      this.supportsMasking = true;
    }
    override computeMask(): Tensor {
      return null as unknown as Tensor;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.clone(Array.isArray(inputs) ? inputs[0]! : inputs);
    }
  }
  tf.serialization.registerClass(NnspecMaskOf as never);
  tf.serialization.registerClass(NnspecCopy as never);
  let count = 0;
  return {
    maskOf: (owner: string) => new NnspecMaskOf({ name: `${owner}_mask_${count++}` }),
    copy: (owner: string) => new NnspecCopy({ name: `${owner}_copy_${count++}` }),
  };
});

export const attentionClass = perTf((tf): new (args: AttentionArgs) => TfLayer => {
  const causal = (t: number, s: number): Tensor => tf.tidy(() => tf.cast(tf.greaterEqual(tf.range(0, t).reshape([t, 1]), tf.range(0, s).reshape([1, s])), 'float32').reshape([1, t, s]));

  /** Keras casts attention_mask to bool: 1 where nonzero. A step function, so no gradient flows back (tfjs has none for NotEqual). */
  const isNonZero = tf.customGrad(((x: Tensor, save: (ts: Tensor[]) => void) => {
    save([x]);
    return { value: tf.cast(tf.notEqual(x, 0), 'float32'), gradFunc: (_dy: Tensor, saved: Tensor[]) => [tf.zerosLike(saved[0]!)] };
  }) as never) as unknown as (x: Tensor) => Tensor;

  class NnspecAttention extends tf.layers.Layer {
    static className = 'NnspecAttention';
    readonly config: LayerConfig;
    private kernels: KernelObjects;
    private vars = new Map<string, tfTypes.LayerVariable>();
    /** Which inputs carry a Keras mask at some call site (tfjs leaves stale masks in call arguments, so a mask there proves nothing). */
    private masked: boolean[] = [];

    constructor(args: AttentionArgs) {
      super({ name: args.name });
      this.config = args.config;
      this.supportsMasking = true;
      // Keras's kernel arguments, parsed as tfjs's Dense parses them (MultiHeadAttention's projections are dense layers).
      const kernelConfig = args.config.type === 'MultiHeadAttention' ? kernelArgs(args.config) : {};
      this.kernels = tf.layers.dense({ units: 1, ...kernelConfig }) as unknown as KernelObjects;
    }

    private add(name: string, shape: number[], init: unknown, kind: 'kernel' | 'bias' | 'none' = 'none'): void {
      const k = this.kernels;
      const reg = kind === 'kernel' ? k.kernelRegularizer : kind === 'bias' ? k.biasRegularizer : undefined;
      const con = kind === 'kernel' ? k.kernelConstraint : kind === 'bias' ? k.biasConstraint : undefined;
      this.vars.set(name, this.addWeight(name, shape, 'float32', init as never, reg as never, true, con as never));
    }

    private w(name: string): Tensor {
      return this.vars.get(name)!.read();
    }

    override build(inputShape: Shape | Shape[]): void {
      const shapes = inputShape as Shape[];
      const c = this.config;
      const dims = shapes.map((s) => s[s.length - 1] as number);
      const init = (kind: 'kernel' | 'bias') => (kind === 'kernel' ? this.kernels.kernelInitializer : this.kernels.biasInitializer);
      if (c.type === 'MultiHeadAttention') {
        const heads = c.num_heads as number;
        const keyDim = c.key_dim as number;
        const valueDim = (c.value_dim as number | null) ?? keyDim;
        const out = c.output_shape === null ? [dims[0]!] : typeof c.output_shape === 'number' ? [c.output_shape] : (c.output_shape as number[]);
        const dense = (name: string, kernel: number[], bias: number[]) => {
          this.add(`${name}/kernel`, kernel, init('kernel'), 'kernel');
          if (c.use_bias) this.add(`${name}/bias`, bias, init('bias'), 'bias');
        };
        dense('query', [dims[0]!, heads, keyDim], [heads, keyDim]);
        dense('key', [dims[2] ?? dims[1]!, heads, keyDim], [heads, keyDim]);
        dense('value', [dims[1]!, heads, valueDim], [heads, valueDim]);
        dense('attention_output', [heads, valueDim, ...out], out);
      } else if (c.type === 'Attention') {
        if (c.use_scale) this.add('scale', [], tf.initializers.ones());
        if (c.score_mode === 'concat') this.add('concat_score_weight', [], tf.initializers.ones());
      } else if (c.use_scale) {
        this.add('scale', [dims[0]!], tf.initializers.glorotUniform({}));
      }
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const [q, v] = inputShape as Shape[];
      const c = this.config;
      if (c.type !== 'MultiHeadAttention') return [q![0]!, q![1]!, v![2]!];
      const out = c.output_shape === null ? [q![2]!] : typeof c.output_shape === 'number' ? [c.output_shape] : (c.output_shape as number[]);
      return [q![0]!, q![1]!, ...out];
    }

    /** Keras: the output carries the query's mask (tfjs hands computeMask every input's mask). */
    override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor {
      const m = Array.isArray(mask) && this.masked[0] ? mask[0] : undefined;
      return (m ?? null) as unknown as Tensor;
    }

    /**
     * On symbolic tensors (building the model): the inputs become [query, value, key (the value
     * when not given), attention_mask?, then the mask of each masked one of query, value, key as
     * a tensor of its own]. tfjs's executor hands `call` the first input's mask only, so each mask
     * comes through a one-input layer that outputs it; and it disposes a tensor listed twice in one
     * call's inputs too early, so a repeated input (self-attention) goes through a copy.
     */
    override apply(inputs: Tensor | Tensor[] | Symbolic | Symbolic[], kwargs?: Record<string, unknown>) {
      const list = (Array.isArray(inputs) ? inputs : [inputs]) as Symbolic[];
      if (!(list[0] instanceof tf.SymbolicTensor) || list.length > 4) return super.apply(inputs, kwargs);
      const three = [list[0]!, list[1]!, list[2] ?? list[1]!];
      const rest = list.slice(3);
      three.forEach((x, i) => {
        if (carriesMask(x)) this.masked[i] = true;
      });
      const seen = new Set<Symbolic>();
      const distinct = [...three, ...rest].map((x) => {
        if (!seen.has(x)) {
          seen.add(x);
          return x;
        }
        return helpers(tf).copy(this.name).apply(x) as Symbolic;
      });
      const masks = three.flatMap((x, i) => (this.masked[i] ? [helpers(tf).maskOf(this.name).apply(x) as Symbolic] : []));
      return super.apply([...distinct, ...masks], kwargs);
    }

    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      return tf.tidy(() => {
        const all = inputs as Tensor[];
        const maskCount = this.masked.filter(Boolean).length;
        const xs = all.slice(0, all.length - maskCount);
        const given = all.slice(all.length - maskCount);
        let next = 0;
        const masks = [0, 1, 2].map((i) => (this.masked[i] ? given[next++] : undefined));
        const training = kwargs?.training === true;
        return this.config.type === 'MultiHeadAttention' ? this.multiHead(xs, masks, training) : this.single(xs, masks, training);
      });
    }

    /** softmax(scores + (1 - mask) · -1e9) on the last axis, then dropout in training. */
    private attend(scores: Tensor, mask: Tensor | undefined, training: boolean): Tensor {
      const biased = mask ? tf.add(scores, tf.mul(tf.sub(1, mask), -LARGE)) : scores;
      const probs = tf.softmax(biased, -1);
      const rate = this.config.dropout as number;
      return training && rate > 0 ? tf.dropout(probs, rate) : probs;
    }

    private product(masks: (Tensor | undefined)[]): Tensor | undefined {
      const present = masks.filter((m): m is Tensor => m !== undefined);
      return present.length === 0 ? undefined : present.slice(1).reduce((a, b) => tf.mul(a, b), present[0]!);
    }

    /** x [B, L, d] through an EinsumDense kernel [d, H, k] (+ bias [H, k]) → [B, H, L, k]. */
    private project(x: Tensor, name: string): Tensor {
      const kernel = this.w(`${name}/kernel`);
      const [d, h, k] = kernel.shape as [number, number, number];
      const [b, l] = x.shape as [number, number];
      let y = tf.matMul(tf.reshape(x, [b * l, d]) as tfTypes.Tensor2D, tf.reshape(kernel, [d, h * k]) as tfTypes.Tensor2D) as Tensor;
      if (this.config.use_bias) y = tf.add(y, tf.reshape(this.w(`${name}/bias`), [h * k]));
      return tf.transpose(tf.reshape(y, [b, l, h, k]), [0, 2, 1, 3]);
    }

    private multiHead(xs: Tensor[], masks: (Tensor | undefined)[], training: boolean): Tensor {
      const c = this.config;
      const [q, v] = [xs[0]!, xs[1]!];
      const k = xs[2] ?? v;
      const query = tf.mul(this.project(q, 'query'), 1 / Math.sqrt(c.key_dim as number));
      const key = this.project(k, 'key');
      const value = this.project(v, 'value');
      const scores = tf.matMul(query, key, false, true); // [B, H, T, S]
      const [t, s] = [q.shape[1]!, v.shape[1]!];
      const mask = this.product([
        masks[0] ? tf.expandDims(masks[0], -1) : undefined,
        masks[1] ? tf.expandDims(masks[1], 1) : undefined,
        masks[2] ? tf.expandDims(masks[2], 1) : undefined,
        c.use_causal_mask ? causal(t, s) : undefined,
        xs[3] ? isNonZero(xs[3]) : undefined,
      ]);
      const probs = this.attend(scores, mask ? tf.expandDims(mask, 1) : undefined, training);
      const heads = tf.transpose(tf.matMul(probs, value), [0, 2, 1, 3]); // [B, T, H, vd]
      const kernel = this.w('attention_output/kernel');
      const [h, vd, ...out] = kernel.shape as number[];
      const width = out.reduce((a, b) => a * b, 1);
      const b = q.shape[0]!;
      let y = tf.matMul(tf.reshape(heads, [b * t, h! * vd!]) as tfTypes.Tensor2D, tf.reshape(kernel, [h! * vd!, width]) as tfTypes.Tensor2D) as Tensor;
      if (c.use_bias) y = tf.add(y, tf.reshape(this.w('attention_output/bias'), [width]));
      return tf.reshape(y, [b, t, ...out]);
    }

    /** Attention and AdditiveAttention. */
    private single(xs: Tensor[], masks: (Tensor | undefined)[], training: boolean): Tensor {
      const c = this.config;
      const [q, v] = [xs[0]!, xs[1]!];
      const k = xs[2] ?? v;
      let scores: Tensor;
      const tanhOfSum = (scale?: Tensor) => {
        const sum = tf.add(tf.expandDims(q, 2), tf.expandDims(k, 1));
        return tf.tanh(scale ? tf.mul(scale, sum) : sum);
      };
      if (c.type === 'AdditiveAttention') {
        const t = tanhOfSum();
        scores = tf.sum(c.use_scale ? tf.mul(this.w('scale'), t) : t, -1);
      } else if (c.score_mode === 'dot') {
        scores = tf.matMul(q, k, false, true);
        if (c.use_scale) scores = tf.mul(scores, this.w('scale'));
      } else {
        scores = tf.mul(this.w('concat_score_weight'), tf.sum(tanhOfSum(c.use_scale ? this.w('scale') : undefined), -1));
      }
      const mask = this.product([masks[1] ? tf.expandDims(masks[1], 1) : undefined, c.use_causal_mask ? causal(q.shape[1]!, v.shape[1]!) : undefined]);
      let result = tf.matMul(this.attend(scores, mask, training), v);
      if (masks[0]) result = tf.mul(result, tf.expandDims(masks[0], -1));
      return result;
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...(this.config as tfTypes.serialization.ConfigDict), ...super.getConfig() };
    }

    static override fromConfig<T extends tfTypes.serialization.Serializable>(cls: tfTypes.serialization.SerializableConstructor<T>, config: tfTypes.serialization.ConfigDict): T {
      const { name, trainable: _t, batchInputShape: _b, dtype: _d, ...rest } = config as Record<string, unknown>;
      return new cls({ name, config: rest } as never);
    }
  }
  tf.serialization.registerClass(NnspecAttention as never);
  return NnspecAttention as unknown as new (args: AttentionArgs) => TfLayer;
});
