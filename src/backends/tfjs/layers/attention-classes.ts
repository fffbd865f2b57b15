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
 * A one-input layer the attention layer puts before itself in tfjs's graph for each masked input:
 * it outputs its input's Keras mask as float 0/1 [batch, steps] (tfjs hands `call` the first
 * input's mask only).
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
  tf.serialization.registerClass(NnspecMaskOf as never);
  let count = 0;
  return {
    maskOf: (owner: string) => new NnspecMaskOf({ name: `${owner}_mask_${count++}` }),
  };
});

/**
 * The layer type in a saved config: tfjs's model.json snake_cases string values on saving
 * ('multi_head_attention') and camelCases them on loading ('multiHeadAttention').
 */
export function attentionType(saved: unknown): string {
  const key = String(saved).replace(/_/g, '').toLowerCase();
  return ['MultiHeadAttention', 'Attention', 'AdditiveAttention'].find((t) => t.toLowerCase() === key) ?? String(saved);
}

/** A config read back from model.json, whose keys tfjs camelCased on loading (numHeads), with Keras's keys again. */
export function snakeKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** A list of shapes or tensors, given as one or as a list (tfjs passes a single input bare; a shape is a list of sizes). */
function listOf<T>(x: T | T[]): T[] {
  if (!Array.isArray(x)) return [x];
  const first: unknown = x[0];
  return first === null || typeof first === 'number' ? [x as unknown as T] : (x as T[]);
}

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
    /**
     * How the call's tfjs inputs map to the roles, set when the layer is first applied and saved
     * in its config: `roles` gives the position of query, value, key (and attention_mask) among
     * the distinct input tensors (self-attention passes one tensor once: tfjs's executor disposes
     * a tensor listed twice in one call's inputs too early); `masks` gives, for query, value and
     * key, the position of its mask among the mask tensors that follow them, or -1.
     */
    private wiring?: { roles: number[]; masks: number[] };

    constructor(args: AttentionArgs) {
      super({ name: args.name });
      const { input_roles: roles, input_masks: masks, ...config } = snakeKeys(args.config) as LayerConfig & { input_roles?: number[]; input_masks?: number[] };
      this.config = { ...config, type: attentionType(config.type) } as LayerConfig;
      if (roles && masks) this.wiring = { roles, masks };
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

    /** The input shapes (or tensors) in role order, [query, value, key, attention_mask?], from tfjs's distinct inputs. */
    private byRole<T>(list: T[]): T[] {
      return this.wiring!.roles.map((r) => list[r]!);
    }

    override build(inputShape: Shape | Shape[]): void {
      const shapes = this.byRole(listOf<Shape>(inputShape as Shape | Shape[]));
      const c = this.config;
      const dims = shapes.slice(0, 3).map((s) => s[s.length - 1] as number);
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
      const [q, v] = this.byRole(listOf<Shape>(inputShape as Shape | Shape[]));
      const c = this.config;
      if (c.type !== 'MultiHeadAttention') return [q![0]!, q![1]!, v![2]!];
      const out = c.output_shape === null ? [q![2]!] : typeof c.output_shape === 'number' ? [c.output_shape] : (c.output_shape as number[]);
      return [q![0]!, q![1]!, ...out];
    }

    /** Keras: the output carries the query's mask (tfjs hands computeMask every input's mask). */
    override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor {
      const w = this.wiring;
      const m = w && w.masks[0]! >= 0 ? (Array.isArray(mask) ? mask[w.roles[0]!] : mask) : undefined;
      return (m ?? null) as unknown as Tensor;
    }

    /**
     * On symbolic tensors, the first time (building the model): the inputs [query, value, key?,
     * attention_mask?] become the distinct tensors among them, then the mask of each masked one of
     * query, value and key as a tensor of its own (see `wiring`). A layer read back from a saved
     * model.json has its wiring and is applied to those tensors as saved.
     */
    override apply(inputs: Tensor | Tensor[] | Symbolic | Symbolic[], kwargs?: Record<string, unknown>) {
      const list = (Array.isArray(inputs) ? inputs : [inputs]) as Symbolic[];
      if (this.wiring || !(list[0] instanceof tf.SymbolicTensor)) return super.apply(inputs, kwargs);
      const byRole = [list[0]!, list[1]!, list[2] ?? list[1]!, ...list.slice(3)];
      const distinct = [...new Set(byRole)];
      const roles = byRole.map((x) => distinct.indexOf(x));
      const maskOf = new Map<Symbolic, number>();
      const maskTensors: Symbolic[] = [];
      const masks = byRole.slice(0, 3).map((x) => {
        if (!carriesMask(x)) return -1;
        if (!maskOf.has(x)) {
          maskOf.set(x, maskTensors.length);
          maskTensors.push(helpers(tf).maskOf(this.name).apply(x) as Symbolic);
        }
        return maskOf.get(x)!;
      });
      this.wiring = { roles, masks };
      return super.apply([...distinct, ...maskTensors], kwargs);
    }

    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      return tf.tidy(() => {
        const all = listOf(inputs);
        const w = this.wiring!;
        const count = Math.max(...w.roles) + 1;
        const xs = this.byRole(all.slice(0, count));
        const masks = w.masks.map((m) => (m >= 0 ? all[count + m] : undefined));
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
      const wiring: tfTypes.serialization.ConfigDict = this.wiring ? { input_roles: this.wiring.roles, input_masks: this.wiring.masks } : {};
      return { ...(this.config as tfTypes.serialization.ConfigDict), ...wiring, ...super.getConfig() };
    }

    static override fromConfig<T extends tfTypes.serialization.Serializable>(cls: tfTypes.serialization.SerializableConstructor<T>, config: tfTypes.serialization.ConfigDict): T {
      const { name, trainable: _t, batchInputShape: _b, dtype: _d, ...rest } = config as Record<string, unknown>;
      return new cls({ name, config: rest } as never);
    }
  }
  tf.serialization.registerClass(NnspecAttention as never);
  return NnspecAttention as unknown as new (args: AttentionArgs) => TfLayer;
});
