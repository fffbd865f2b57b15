/**
 * TensorFlow.js convolution layers for the Keras arguments tfjs lacks: Conv1D's 'causal' padding
 * (tfjs throws NotImplementedError when called) and channels_first (tfjs returns channels last),
 * Conv2DTranspose's output_padding and dilation_rate (tfjs ignores both), DepthwiseConv2D's
 * dilation_rate (tfjs ignores it), SeparableConv2D's channels_first with a bias (tfjs adds the bias
 * on the wrong axis and throws). Each extends the tfjs layer of the same Keras name, so weights,
 * initializers and build are tfjs's own; only the output shape and the call change. Classes are
 * made per tf module (tfjs is injected, never imported) and registered under their own names, so a
 * saved model.json never loads as the tfjs layer with an argument dropped.
 */
import type { Tf, TfLayer } from '../backends/tfjs/env.js';
import { convOutputLength, deconvOutputLength, type Dim } from './shape.js';

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
  Conv2DTranspose: Ctor;
  DepthwiseConv2D: Ctor;
  SeparableConv2D: Ctor;
}

const made = new WeakMap<object, Classes>();

/** The tfjs class registered under a Keras name (nnspec's own classes use Nnspec* names, so this is tfjs's). */
function tfjsClass(tf: Tf, className: string): Ctor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`internal: TensorFlow.js has no layer class ${className}`);
  return entry[0] as unknown as Ctor;
}

function one(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/** Bias, activation, and the move back to channels first: the common tail of every call here. */
function finish(tf: Tf, f: ConvFields, y: Tensor, channelsFirstOrder: number[]): Tensor {
  let out = f.bias ? tf.add(y, f.bias.read()) : y;
  out = f.activation.apply(out);
  return f.dataFormat === 'channelsFirst' ? tf.transpose(out, channelsFirstOrder) : out;
}

/** Spreads a [kh, kw, ...] kernel to [(kh-1)*dh+1, (kw-1)*dw+1, ...] with zeros between taps: a dilated kernel. */
function dilateKernel(tf: Tf, kernel: Tensor, dilation: number[]): Tensor {
  const [kh, kw, a, b] = kernel.shape as [number, number, number, number];
  const [dh, dw] = dilation as [number, number];
  if (dh === 1 && dw === 1) return kernel;
  const spread = tf.pad(tf.reshape(kernel, [kh, 1, kw, 1, a, b]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, a, b]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]);
}

export function convClasses(tf: Tf): Classes {
  const cached = made.get(tf);
  if (cached) return cached;

  const Conv1DBase = tfjsClass(tf, 'Conv1D');
  class NnspecConv1D extends Conv1DBase {
    static className = 'NnspecConv1D';
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = this as unknown as ConvFields;
      const first = f.dataFormat === 'channelsFirst';
      const steps = convOutputLength(s[first ? 2 : 1]!, f.kernelSize[0]!, f.padding, f.strides[0]!, f.dilationRate[0]!);
      return first ? [s[0]!, f.filters, steps] : [s[0]!, steps, f.filters];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = this as unknown as ConvFields;
        let x = one(inputs);
        if (f.dataFormat === 'channelsFirst') x = tf.transpose(x, [0, 2, 1]);
        // Keras: causal is 'valid' after padding (kernel - 1) * dilation steps on the left only.
        if (f.padding === 'causal') x = tf.pad(x, [[0, 0], [f.dilationRate[0]! * (f.kernelSize[0]! - 1), 0], [0, 0]]);
        const y = tf.conv1d(x as never, f.kernel.read() as never, f.strides[0]!, f.padding === 'same' ? 'same' : 'valid', 'NWC', f.dilationRate[0]!);
        return finish(tf, f, y, [0, 2, 1]);
      });
    }
    override getConfig() {
      // tfjs's Conv1D drops dataFormat from its config.
      return { ...super.getConfig(), dataFormat: (this as unknown as ConvFields).dataFormat };
    }
  }

  const TransposeBase = tfjsClass(tf, 'Conv2DTranspose');
  class NnspecConv2DTranspose extends TransposeBase {
    static className = 'NnspecConv2DTranspose';
    readonly outputPadding: number[] | null;
    constructor(args: Args) {
      super(args);
      this.outputPadding = (args.outputPadding as number[] | null | undefined) ?? null;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = this as unknown as ConvFields;
      const first = f.dataFormat === 'channelsFirst';
      const [h, w] = first ? [s[2]!, s[3]!] : [s[1]!, s[2]!];
      const out = [h, w].map((n, i) => deconvOutputLength(n, f.kernelSize[i]!, f.padding as 'valid' | 'same', f.strides[i]!, f.dilationRate[i]!, this.outputPadding?.[i] ?? null));
      return first ? [s[0]!, f.filters, ...out] : [s[0]!, ...out, f.filters];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = this as unknown as ConvFields;
        let x = one(inputs);
        if (f.dataFormat === 'channelsFirst') x = tf.transpose(x, [0, 2, 3, 1]);
        const [batch, h, w] = x.shape as number[];
        const out = [h!, w!].map((n, i) => deconvOutputLength(n, f.kernelSize[i]!, f.padding as 'valid' | 'same', f.strides[i]!, f.dilationRate[i]!, this.outputPadding?.[i] ?? null) as number);
        // As Keras's TensorFlow backend: the transpose of a conv whose input has the Keras output size.
        const kernel = dilateKernel(tf, f.kernel.read(), f.dilationRate);
        const y = tf.conv2dTranspose(x as never, kernel as never, [batch!, out[0]!, out[1]!, f.filters], f.strides as [number, number], f.padding as 'valid' | 'same');
        return finish(tf, f, y, [0, 3, 1, 2]);
      });
    }
    override getConfig() {
      // tfjs's Conv2DTranspose drops dilationRate from its config.
      const f = this as unknown as ConvFields;
      return { ...super.getConfig(), dilationRate: f.dilationRate, outputPadding: this.outputPadding };
    }
  }

  const DepthwiseBase = tfjsClass(tf, 'DepthwiseConv2D');
  class NnspecDepthwiseConv2D extends DepthwiseBase {
    static className = 'NnspecDepthwiseConv2D';
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const f = this as unknown as ConvFields;
      const first = f.dataFormat === 'channelsFirst';
      const [h, w, ch] = first ? [s[2]!, s[3]!, s[1]!] : [s[1]!, s[2]!, s[3]!];
      const out = [h, w].map((n, i) => convOutputLength(n, f.kernelSize[i]!, f.padding as 'valid' | 'same', f.strides[i]!, f.dilationRate[i]!));
      const channels = ch === null ? null : ch * f.depthMultiplier;
      return first ? [s[0]!, channels, ...out] : [s[0]!, ...out, channels];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = this as unknown as ConvFields;
        let x = one(inputs);
        if (f.dataFormat === 'channelsFirst') x = tf.transpose(x, [0, 2, 3, 1]);
        const padding = f.padding === 'same' ? 'same' : 'valid';
        const y = tf.depthwiseConv2d(x as never, f.depthwiseKernel.read() as never, f.strides as [number, number], padding, 'NHWC', f.dilationRate as [number, number]);
        return finish(tf, f, y, [0, 3, 1, 2]);
      });
    }
  }

  const SeparableBase = tfjsClass(tf, 'SeparableConv2D');
  class NnspecSeparableConv2D extends SeparableBase {
    static className = 'NnspecSeparableConv2D';
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const f = this as unknown as ConvFields;
        let x = one(inputs);
        if (f.dataFormat === 'channelsFirst') x = tf.transpose(x, [0, 2, 3, 1]);
        const padding = f.padding === 'same' ? 'same' : 'valid';
        const y = tf.separableConv2d(x as never, f.depthwiseKernel.read() as never, f.pointwiseKernel.read() as never, f.strides as [number, number], padding, f.dilationRate as [number, number], 'NHWC');
        return finish(tf, f, y, [0, 3, 1, 2]);
      });
    }
  }

  const all = [NnspecConv1D, NnspecConv2DTranspose, NnspecDepthwiseConv2D, NnspecSeparableConv2D];
  for (const cls of all) tf.serialization.registerClass(cls as never);
  const classes: Classes = {
    Conv1D: NnspecConv1D,
    Conv2DTranspose: NnspecConv2DTranspose,
    DepthwiseConv2D: NnspecDepthwiseConv2D,
    SeparableConv2D: NnspecSeparableConv2D,
  };
  made.set(tf, classes);
  return classes;
}
