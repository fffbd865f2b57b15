/**
 * GroupNormalization for TensorFlow.js, which has none: one class built from tfjs ops (autodiff
 * gives the gradients), weights gamma and beta [channels] as Keras names and orders them. Its
 * config is the spec layer's Keras arguments, so a saved model.json reads back as the layer.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { GroupNormalization } from '../../../layers/group-normalization.js';
import type { LayerConfig } from '../../../layers/kind.js';
import { constraint, defined, initializer, regularizer } from '../args.js';
import type { Tf, TfLayer } from '../env.js';
import { emitter, perTf, type TfjsFamily } from './emitter.js';

type Tensor = tfTypes.Tensor;
type Shape = (number | null)[];

/** The tfjs Initializer, Regularizer and Constraint objects of gamma and beta, as tfjs's BatchNormalization parses them. */
interface GammaBetaObjects {
  gammaInitializer: unknown;
  betaInitializer: unknown;
  gammaRegularizer?: unknown;
  betaRegularizer?: unknown;
  gammaConstraint?: unknown;
  betaConstraint?: unknown;
}

export const groupNormalizationClass = perTf((tf: Tf): new (args: { name?: string; config: LayerConfig }) => TfLayer => {
  class NnspecGroupNormalization extends tf.layers.Layer {
    static className = 'NnspecGroupNormalization';
    readonly config: LayerConfig;
    private readonly objects: GammaBetaObjects;
    private gamma?: tfTypes.LayerVariable;
    private beta?: tfTypes.LayerVariable;

    constructor(args: { name?: string; config: LayerConfig }) {
      super({ name: args.name });
      // Keys as Keras spells them: tfjs camelCases a saved config's keys when it loads it.
      const c = Object.fromEntries(Object.entries(args.config).map(([k, v]) => [k.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`), v])) as LayerConfig;
      this.config = c;
      this.supportsMasking = true;
      this.objects = tf.layers.batchNormalization(
        defined({
          gammaInitializer: initializer(c.gamma_initializer as never),
          betaInitializer: initializer(c.beta_initializer as never),
          gammaRegularizer: regularizer(c.gamma_regularizer as never),
          betaRegularizer: regularizer(c.beta_regularizer as never),
          gammaConstraint: constraint(c.gamma_constraint as never),
          betaConstraint: constraint(c.beta_constraint as never),
        }) as never,
      ) as unknown as GammaBetaObjects;
    }

    private axisOf(rank: number): number {
      const axis = this.config.axis as number;
      return axis < 0 ? axis + rank : axis;
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const channels = shape[this.axisOf(shape.length)] as number;
      const o = this.objects;
      if (this.config.scale) this.gamma = this.addWeight('gamma', [channels], 'float32', o.gammaInitializer as never, o.gammaRegularizer as never, true, o.gammaConstraint as never);
      if (this.config.center) this.beta = this.addWeight('beta', [channels], 'float32', o.betaInitializer as never, o.betaRegularizer as never, true, o.betaConstraint as never);
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const shape = x.shape;
        const axis = this.axisOf(shape.length);
        const channels = shape[axis]!;
        const groups = (this.config.groups as number) === -1 ? channels : (this.config.groups as number);
        // [..., C, ...] → [..., G, C/G, ...]; statistics over every axis but the batch and the group.
        const grouped = tf.reshape(x, [...shape.slice(0, axis), groups, channels / groups, ...shape.slice(axis + 1)]);
        const reduce = grouped.shape.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
        const { mean, variance } = tf.moments(grouped, reduce, true);
        let y = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.config.epsilon as number))), shape);
        const paramShape = shape.map((d, i) => (i === axis ? d : 1));
        if (this.gamma) y = tf.mul(y, tf.reshape(this.gamma.read(), paramShape));
        if (this.beta) y = tf.add(y, tf.reshape(this.beta.read(), paramShape));
        return y;
      });
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...(this.config as tfTypes.serialization.ConfigDict), ...super.getConfig() };
    }

    static override fromConfig<T extends tfTypes.serialization.Serializable>(cls: tfTypes.serialization.SerializableConstructor<T>, config: tfTypes.serialization.ConfigDict): T {
      const { name, trainable: _t, batchInputShape: _b, dtype: _d, ...rest } = config as Record<string, unknown>;
      return new cls({ name, config: rest } as never);
    }
  }
  tf.serialization.registerClass(NnspecGroupNormalization as never);
  return NnspecGroupNormalization as unknown as new (args: { name?: string; config: LayerConfig }) => TfLayer;
});

export const groupNormalization: TfjsFamily = {
  classes: groupNormalizationClass,
  emitters: [emitter(GroupNormalization, (c, { tf, name }) => new (groupNormalizationClass(tf))({ name, config: c as unknown as LayerConfig }))],
  saved: {
    NnspecGroupNormalization: (config) => {
      const { type: _type, ...rest } = config;
      return { type: 'GroupNormalization', config: rest };
    },
  },
};
