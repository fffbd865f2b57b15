/**
 * TensorFlow.js gaps in the resizing layers. UpSampling2D's bilinear mode in tfjs samples without
 * half-pixel centers (TF1's resize), where Keras 3 on every backend uses half-pixel centers, so
 * the images differ; NnspecUpSampling2D resizes as Keras does. Made per tf module (tfjs is injected,
 * never imported) and registered under its own name.
 */
import type { Tf, TfLayer } from '../backends/tfjs/env.js';
import type { Dim } from './shape.js';

type Tensor = ReturnType<Tf['add']>;
type Args = Record<string, unknown>;

interface UpSamplingFields {
  size: number[];
  dataFormat: 'channelsFirst' | 'channelsLast';
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
        const [, h, w] = x.shape as number[];
        const y = tf.image.resizeBilinear(x as never, [h! * f.size[0]!, w! * f.size[1]!], false, true);
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
