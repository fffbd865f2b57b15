/**
 * TensorFlow.js gaps in the resizing layers. UpSampling2D's bilinear mode in tfjs samples without
 * half-pixel centers (TF1's resize), where Keras 3 on every backend uses half-pixel centers, so
 * the images differ; and tfjs's resizeBilinear gradient ignores halfPixelCenters, so resizing
 * with it would train on wrong gradients. NnspecUpSampling2D interpolates with two small matrix
 * products instead: Keras's values, exact gradients, on every backend. Made per tf module (tfjs is
 * injected, never imported) and registered under its own name.
 */
import type { Tf, TfLayer } from '../backends/tfjs/env.js';
import type { Dim } from './shape.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;

interface UpSamplingFields {
  size: number[];
  dataFormat: 'channelsFirst' | 'channelsLast';
}

/**
 * The (n * factor) x n matrix of TensorFlow's half-pixel bilinear resize: output o samples input
 * position (o + 0.5) / factor - 0.5, between its two neighbours, clamped at the edges.
 */
export function bilinearWeights(n: number, factor: number): number[][] {
  return Array.from({ length: n * factor }, (_, o) => {
    const at = (o + 0.5) / factor - 0.5;
    const below = Math.floor(at);
    const lerp = at - below;
    const row = new Array<number>(n).fill(0);
    row[Math.max(below, 0)]! += 1 - lerp;
    row[Math.min(below + 1, n - 1)]! += lerp;
    return row;
  });
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

const made = new WeakMap<object, new (args: Args) => TfLayer>();

export function bilinearUpSamplingClass(tf: Tf): new (args: Args) => TfLayer {
  const cached = made.get(tf);
  if (cached) return cached;
  const Base = tf.serialization.SerializationMap.getMap().classNameMap['UpSampling2D']![0] as unknown as new (args: Args) => TfLayer;
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
  made.set(tf, NnspecUpSampling2D);
  return NnspecUpSampling2D;
}

/**
 * tfjs's Cropping2D computes `null - crop` for an unknown size (a negative size downstream);
 * Keras keeps it unknown. Only the instance's shape rule is corrected: its class and config stay tfjs's.
 */
export function keepUnknownSizes(layer: TfLayer, dataFormat: 'channelsFirst' | 'channelsLast'): TfLayer {
  const computed = layer.computeOutputShape.bind(layer);
  const spatial = dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  layer.computeOutputShape = (inputShape) => {
    const out = computed(inputShape) as Dim[];
    const given = inputShape as Dim[];
    return out.map((d, i) => (spatial.includes(i) && given[i] === null ? null : d));
  };
  return layer;
}
