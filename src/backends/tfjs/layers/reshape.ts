/** TensorFlow.js emitters for Flatten, Reshape, Permute and RepeatVector. */
import { Flatten, Permute, RepeatVector, Reshape, reshaped } from '../../../layers/reshape.js';
import { knownProduct, type Dim } from '../../../layers/shape.js';
import type { Tf, TfLayer } from '../env.js';
import { emitter, perTf, tfFormat, type TfjsFamily } from './emitter.js';

type FlattenClass = new (args: { name?: string; dataFormat?: 'channelsFirst' | 'channelsLast' }) => TfLayer;
type ReshapeClass = new (args: { name?: string; targetShape: number[] }) => TfLayer;
type ShapeArg = Dim[] | Dim[][];

function single(shape: ShapeArg): Dim[] {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as Dim[];
}

/**
 * tfjs Reshape counts the batch axis as an unknown input size, so a -1 is never resolved in its
 * symbolic shapes (Keras gives (None, 3, 2, 2) where tfjs gives (None, None, 2, 2)) and a layer
 * after it that needs the size fails. The subclass keeps tfjs's class and reshape, with Keras's rule.
 */
const kerasReshape = perTf((tf: Tf): ReshapeClass => {
  const Base = Object.getPrototypeOf(tf.layers.reshape({ targetShape: [1] })).constructor as new (args: object) => TfLayer;
  class KerasReshape extends Base {
    private readonly target: number[];
    constructor(args: { targetShape: number[] }) {
      // tfjs rewrites negative sizes in its argument in place, so it gets a copy.
      super({ ...args, targetShape: [...args.targetShape] });
      this.target = [...args.targetShape];
    }
    override computeOutputShape(inputShape: ShapeArg): Dim[] {
      const shape = single(inputShape);
      return [shape[0]!, ...reshaped(knownProduct(shape.slice(1)), this.target)];
    }
  }
  return KerasReshape as unknown as ReshapeClass;
});

/**
 * tfjs Flatten refuses inputs of rank < 3 and unknown sizes, which Keras 3 accepts; this subclass
 * keeps the class (so model.json still says Flatten) with Keras 3's shape rule and a reshape that
 * handles both.
 */
const kerasFlatten = perTf((tf: Tf): FlattenClass => {
  const Base = Object.getPrototypeOf(tf.layers.flatten()).constructor as new (args: object) => TfLayer & { dataFormat?: string };
  type Tensor = ReturnType<Tf['reshape']>;
  class KerasFlatten extends Base {
    constructor(args: object) {
      super(args);
      this.inputSpec = [{ minNDim: 1 }];
    }
    override computeOutputShape(inputShape: ShapeArg): Dim[] {
      const shape = single(inputShape);
      const rest = shape.slice(1);
      return [shape[0]!, rest.length === 0 ? 1 : knownProduct(rest)];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        let x = Array.isArray(inputs) ? inputs[0]! : inputs;
        if (this.dataFormat === 'channelsFirst' && x.rank > 2) x = tf.transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
        return tf.reshape(x, [x.shape[0]!, -1]);
      });
    }
  }
  return KerasFlatten as unknown as FlattenClass;
});

export const reshape: TfjsFamily = {
  emitters: [
    emitter(Flatten, (c, { tf, name }) => new (kerasFlatten(tf))({ name, dataFormat: tfFormat(c.data_format) })),
    emitter(Reshape, (c, { tf, name }) => new (kerasReshape(tf))({ name, targetShape: [...c.target_shape] })),
    emitter(Permute, (c, { tf, name }) => tf.layers.permute({ name, dims: [...c.dims] })),
    emitter(RepeatVector, (c, { tf, name }) => tf.layers.repeatVector({ name, n: c.n })),
  ],
};
