/**
 * UpSampling2D's bilinear mode: in tfjs it samples without
 * half-pixel centers (TF1's resize), where Keras 3 on every backend uses half-pixel centers, so
 * the images differ; and tfjs's resizeBilinear gradient ignores halfPixelCenters, so resizing
 * with it would train on wrong gradients. NnspecUpSampling2D interpolates with two small matrix
 * products instead: Keras's values, exact gradients, on every backend. Registered under its own name.
 */
import { bilinearWeights } from '../../../layers/bilinear.js';
import type { Tf, TfLayer } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;

interface UpSamplingFields {
  size: number[];
  dataFormat: 'channelsFirst' | 'channelsLast';
}

/** Resizes axis 1 or 2 of an NHWC tensor by `factor` as weights · x along that axis. */
function resizeAxis(tf: Tf, x: Tensor, axis: 1 | 2, factor: number): Tensor {
  if (factor === 1) return x;
  const shape = x.shape as number[];
  const n = shape[axis]!;
  const front = axis === 1 ? [1, 0, 2, 3] : [2, 0, 1, 3];
  const moved = tf.transpose(x, front);
  const flat = tf.reshape(moved, [n, -1]);
  const resized = tf.matMul(tf.tensor2d(bilinearWeights(n, factor)), flat as never);
  const unflat = tf.reshape(resized, [n * factor, ...(moved.shape as number[]).slice(1)]);
  return tf.transpose(unflat, axis === 1 ? [1, 0, 2, 3] : [1, 2, 0, 3]);
}

export const bilinearUpSamplingClass = perTf((tf): new (args: Args) => TfLayer => {
  const Base = tfjsClass<new (args: Args) => TfLayer>(tf, 'UpSampling2D');
  class NnspecUpSampling2D extends Base {
    static className = 'NnspecUpSampling2D';
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = this as unknown as UpSamplingFields;
        let x = Array.isArray(inputs) ? inputs[0]! : inputs;
        if (f.dataFormat === 'channelsFirst') x = tf.transpose(x, [0, 2, 3, 1]);
        const y = resizeAxis(tf, resizeAxis(tf, x, 1, f.size[0]!), 2, f.size[1]!);
        return f.dataFormat === 'channelsFirst' ? tf.transpose(y, [0, 3, 1, 2]) : y;
      });
    }
  }
  tf.serialization.registerClass(NnspecUpSampling2D as never);
  return NnspecUpSampling2D;
});
