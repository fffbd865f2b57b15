/**
 * TensorFlow.js convolution layers for what tfjs lacks or gets wrong:
 * - dilation_rate > 1: tfjs cannot train it (its conv gradients refuse dilations), and its
 *   DepthwiseConv2D and Conv2DTranspose ignore it. These classes convolve with the kernel spread
 *   out with zeros between taps, the same function, so gradients reach the real kernel;
 * - Conv1D 'causal' (tfjs throws when called) and channels_first (tfjs returns channels last);
 * - Conv2DTranspose output_padding (tfjs has none);
 * - SeparableConv2D channels_first with a bias (tfjs adds the bias on the wrong axis and throws).
 * Each extends the tfjs layer of the same Keras name, so weights, initializers and build are
 * tfjs's own; only the output shape and the call change. Registered under their own names, so a
 * saved model.json never loads as the tfjs layer with an argument dropped.
 */
import { convOutputLength, deconvOutputLength, type Dim } from '../../../layers/shape.js';
import type { Tf, TfLayer } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';

type Tensor = ReturnType<Tf['add']>;
type Shape = Dim[];
type Args = Record<string, unknown>;
type Ctor = new (args: Args) => TfLayer;

/** The fields of tfjs's BaseConv these subclasses read (protected in tfjs's typings). */
interface ConvFields {
  kernelSize: number[];
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: number[];
  activation: { apply(x: Tensor): Tensor };
  bias: { read(): Tensor } | null;
  filters: number;
  kernel: { read(): Tensor };
  depthwiseKernel: { read(): Tensor };
  pointwiseKernel: { read(): Tensor };
  depthMultiplier: number;
}

interface Classes {
  Conv1D: Ctor;
  Conv2D: Ctor;
  Conv2DTranspose: Ctor;
  DepthwiseConv2D: Ctor;
  SeparableConv2D: Ctor;
}

const fields = (layer: object) => layer as unknown as ConvFields;
const one = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);
const same = (f: ConvFields) => (f.padding === 'same' ? 'same' : 'valid');

/** Channels last for the tfjs ops, which only take NWC/NHWC here. */
function toChannelsLast(tf: Tf, f: ConvFields, x: Tensor): Tensor {
  if (f.dataFormat !== 'channelsFirst') return x;
  return tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [0, 2, 3, 1]);
}

/** Bias, activation, and the move back to channels first: the common tail of every call here. */
function finish(tf: Tf, f: ConvFields, y: Tensor): Tensor {
  let out = f.bias ? tf.add(y, f.bias.read()) : y;
  out = f.activation.apply(out);
  if (f.dataFormat !== 'channelsFirst') return out;
  return tf.transpose(out, out.rank === 3 ? [0, 2, 1] : [0, 3, 1, 2]);
}

/**
 * Spreads a kernel's leading spatial axes by `dilation`, zeros between taps: [k, ...] becomes
 * [(k-1)*d+1, ...]. Convolving with it equals the dilated convolution, and its gradient flows
 * back to the taps through pad, reshape and slice.
 */
export function dilateKernel(tf: Tf, kernel: Tensor, dilation: number[]): Tensor {
  let k = kernel;
  dilation.forEach((d, axis) => {
    if (d === 1) return;
    const shape = k.shape as number[];
    const n = shape[axis]!;
    const inserted = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
    const pads = inserted.map((_, i): [number, number] => (i === axis + 1 ? [0, d - 1] : [0, 0]));
    const spread = tf.reshape(tf.pad(tf.reshape(k, inserted), pads), [...shape.slice(0, axis), n * d, ...shape.slice(axis + 1)]);
    k = tf.slice(spread, shape.map(() => 0), shape.map((s, i) => (i === axis ? (n - 1) * d + 1 : s)));
  });
  return k;
}

export const convClasses = perTf((tf): Classes => {
  class NnspecConv1D extends tfjsClass<Ctor>(tf, 'Conv1D') {
    static className = 'NnspecConv1D';
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = fields(this);
      const first = f.dataFormat === 'channelsFirst';
      const steps = convOutputLength(s[first ? 2 : 1]!, f.kernelSize[0]!, f.padding, f.strides[0]!, f.dilationRate[0]!);
      return first ? [s[0]!, f.filters, steps] : [s[0]!, steps, f.filters];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = fields(this);
        let x = toChannelsLast(tf, f, one(inputs));
        // Keras: causal is 'valid' after padding (kernel - 1) * dilation steps on the left only.
        if (f.padding === 'causal') x = tf.pad(x, [[0, 0], [f.dilationRate[0]! * (f.kernelSize[0]! - 1), 0], [0, 0]]);
        const kernel = dilateKernel(tf, f.kernel.read(), f.dilationRate);
        return finish(tf, f, tf.conv1d(x as never, kernel as never, f.strides[0]!, same(f), 'NWC'));
      });
    }
    override getConfig() {
      // tfjs's Conv1D drops dataFormat from its config.
      return { ...super.getConfig(), dataFormat: fields(this).dataFormat };
    }
  }

  class NnspecConv2D extends tfjsClass<Ctor>(tf, 'Conv2D') {
    static className = 'NnspecConv2D';
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = fields(this);
        const x = toChannelsLast(tf, f, one(inputs));
        const kernel = dilateKernel(tf, f.kernel.read(), f.dilationRate);
        return finish(tf, f, tf.conv2d(x as never, kernel as never, f.strides as [number, number], same(f), 'NHWC'));
      });
    }
  }

  class NnspecConv2DTranspose extends tfjsClass<Ctor>(tf, 'Conv2DTranspose') {
    static className = 'NnspecConv2DTranspose';
    readonly outputPadding: number[] | null;
    constructor(args: Args) {
      super(args);
      this.outputPadding = (args.outputPadding as number[] | null | undefined) ?? null;
    }
    /** Keras's output size of spatial axis i for an input of size n. */
    private outLength(n: Dim, i: number): Dim {
      const f = fields(this);
      return deconvOutputLength(n, f.kernelSize[i]!, same(f), f.strides[i]!, f.dilationRate[i]!, this.outputPadding?.[i] ?? null);
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = fields(this);
      if (f.dataFormat === 'channelsFirst') return [s[0]!, f.filters, this.outLength(s[2]!, 0), this.outLength(s[3]!, 1)];
      return [s[0]!, this.outLength(s[1]!, 0), this.outLength(s[2]!, 1), f.filters];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = fields(this);
        const x = toChannelsLast(tf, f, one(inputs));
        const [batch, h, w] = x.shape as number[];
        const shape: [number, number, number, number] = [batch!, this.outLength(h!, 0)!, this.outLength(w!, 1)!, f.filters];
        // As Keras's TensorFlow backend: the transpose of a conv whose input has the Keras output size.
        const kernel = dilateKernel(tf, f.kernel.read(), f.dilationRate);
        return finish(tf, f, tf.conv2dTranspose(x as never, kernel as never, shape, f.strides as [number, number], same(f)));
      });
    }
    override getConfig() {
      // tfjs's Conv2DTranspose drops dilationRate from its config.
      return { ...super.getConfig(), dilationRate: fields(this).dilationRate, outputPadding: this.outputPadding };
    }
  }

  class NnspecDepthwiseConv2D extends tfjsClass<Ctor>(tf, 'DepthwiseConv2D') {
    static className = 'NnspecDepthwiseConv2D';
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = fields(this);
      const first = f.dataFormat === 'channelsFirst';
      const [h, w, ch] = first ? [s[2]!, s[3]!, s[1]!] : [s[1]!, s[2]!, s[3]!];
      const out = [h, w].map((n, i) => convOutputLength(n, f.kernelSize[i]!, same(f), f.strides[i]!, f.dilationRate[i]!));
      const channels = ch === null ? null : ch * f.depthMultiplier;
      return first ? [s[0]!, channels, ...out] : [s[0]!, ...out, channels];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = fields(this);
        const x = toChannelsLast(tf, f, one(inputs));
        const kernel = dilateKernel(tf, f.depthwiseKernel.read(), f.dilationRate);
        return finish(tf, f, tf.depthwiseConv2d(x as never, kernel as never, f.strides as [number, number], same(f), 'NHWC'));
      });
    }
  }

  class NnspecSeparableConv2D extends tfjsClass<Ctor>(tf, 'SeparableConv2D') {
    static className = 'NnspecSeparableConv2D';
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = fields(this);
        const x = toChannelsLast(tf, f, one(inputs));
        const depthwise = dilateKernel(tf, f.depthwiseKernel.read(), f.dilationRate);
        const y = tf.separableConv2d(x as never, depthwise as never, f.pointwiseKernel.read() as never, f.strides as [number, number], same(f), [1, 1], 'NHWC');
        return finish(tf, f, y);
      });
    }
  }

  const classes: Classes = {
    Conv1D: NnspecConv1D,
    Conv2D: NnspecConv2D,
    Conv2DTranspose: NnspecConv2DTranspose,
    DepthwiseConv2D: NnspecDepthwiseConv2D,
    SeparableConv2D: NnspecSeparableConv2D,
  };
  for (const cls of Object.values(classes)) tf.serialization.registerClass(cls as never);
  return classes;
});
