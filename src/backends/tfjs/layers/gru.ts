/**
 * Keras's default GRU (reset_after=True, the cuDNN convention) for TensorFlow.js, whose own
 * GRUCell throws for resetAfter. With reset_after the reset gate scales the recurrent projection,
 * bias included, instead of the state:
 *
 *   z = σ(x·W_z + b_z + h·U_z + b'_z)      r = σ(x·W_r + b_r + h·U_r + b'_r)
 *   h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h))      h_new = z ⊙ h + (1 − z) ⊙ h̃
 *
 * Weights are shaped and named as Keras's: kernel [f, 3u], recurrent_kernel [u, 3u], and bias
 * [2, 3u] whose row 0 is the input bias b and row 1 the recurrent bias b'; column blocks z, r, h.
 *
 * The cell subclasses tfjs's GRUCell to reuse its argument parsing and serialization, and owns
 * build (the two-row bias) and call. The layer subclasses tf.layers.RNN (rather than being
 * tf.layers.rnn({cell})) so that dropout masks are drawn afresh at every call, as in tfjs's GRU;
 * a plain RNN would keep the first batch's masks forever. Both are registered, so model.json
 * round-trips and Bidirectional can copy the layer.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { perTf, tfjsClass } from './emitter.js';

type Tensor = tfTypes.Tensor;
type Shape = (number | null)[];
type GRUCell = ReturnType<Tf['layers']['gruCell']>;
type CellArgs = Parameters<Tf['layers']['gruCell']>[0];
export type ResetAfterGRUArgs = Parameters<Tf['layers']['gru']>[0];

export interface ResetAfterGruClasses {
  ResetAfterGRUCell: new (args: CellArgs) => GRUCell;
  ResetAfterGRU: new (args: ResetAfterGRUArgs) => tfTypes.layers.RNN;
}

export const resetAfterGru = perTf((tf): ResetAfterGruClasses => {
  // tfjs exports GRUCell only as a factory; the class itself is in the serialization registry.
  const TfjsGRUCell = tfjsClass<new (args: CellArgs) => GRUCell>(tf, 'GRUCell');

  /** Keras draws one mask per gate when recurrent_dropout is set (its implementation 1), else one for all. */
  const dropoutMasks = (like: Tensor, rate: number, count: number): Tensor[] =>
    Array.from({ length: count }, () => tf.keep(tf.dropout(tf.onesLike(like), rate)));

  /** x·W (+ b) split into the z, r, h blocks; with one input per gate, each takes its own block of W. */
  function project(xs: Tensor[], w: Tensor, b: Tensor | undefined): Tensor[] {
    if (xs.length === 1) {
      const m = tf.matMul(xs[0]! as tfTypes.Tensor2D, w as tfTypes.Tensor2D);
      return tf.split(b ? tf.add(m, b) : m, 3, -1);
    }
    const ws = tf.split(w, 3, -1);
    const bs = b ? tf.split(b, 3, -1) : [];
    return xs.map((x, i) => {
      const m = tf.matMul(x as tfTypes.Tensor2D, ws[i]! as tfTypes.Tensor2D);
      return b ? tf.add(m, bs[i]!) : m;
    });
  }

  class ResetAfterGRUCell extends TfjsGRUCell {
    static className = 'ResetAfterGRUCell';

    constructor(args: CellArgs) {
      super({ ...args, resetAfter: false });
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const u = this.units;
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1]!, 3 * u], undefined, this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], undefined, this.recurrentInitializer, this.recurrentRegularizer, true, this.recurrentConstraint);
      if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], undefined, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor[] {
      return tf.tidy(() => {
        const [x, hPrev] = inputs as [Tensor, Tensor];
        const training = kwargs['training'] === true;
        const count = this.recurrentDropout > 0 ? 3 : 1;
        if (training && this.dropout > 0 && this.dropout < 1 && this.dropoutMask == null) this.dropoutMask = dropoutMasks(x, this.dropout, count);
        if (training && this.recurrentDropout > 0 && this.recurrentDropout < 1 && this.recurrentDropoutMask == null) {
          this.recurrentDropoutMask = dropoutMasks(hPrev, this.recurrentDropout, count);
        }
        const xs = this.dropoutMask ? (this.dropoutMask as Tensor[]).map((m) => tf.mul(x, m)) : [x];
        const hs = this.recurrentDropoutMask ? (this.recurrentDropoutMask as Tensor[]).map((m) => tf.mul(hPrev, m)) : [hPrev];
        const [inputBias, recurrentBias] = this.useBias ? tf.unstack(this.bias.read()) : [];
        const [xz, xr, xh] = project(xs, this.kernel.read(), inputBias);
        const [hz, hr, hh] = project(hs, this.recurrentKernel.read(), recurrentBias);
        const z = this.recurrentActivation.apply(tf.add(xz!, hz!));
        const r = this.recurrentActivation.apply(tf.add(xr!, hr!));
        const candidate = this.activation.apply(tf.add(xh!, tf.mul(r, hh!)));
        const h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate));
        return [h, h];
      });
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), resetAfter: true };
    }
  }

  class ResetAfterGRU extends tf.layers.RNN {
    static override className = 'ResetAfterGRU';

    constructor(args: ResetAfterGRUArgs) {
      super({ ...args, cell: new ResetAfterGRUCell(args) });
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      return tf.tidy(() => {
        const cell = this.cell as { dropoutMask: Tensor | Tensor[] | null; recurrentDropoutMask: Tensor | Tensor[] | null };
        for (const key of ['dropoutMask', 'recurrentDropoutMask'] as const) {
          if (cell[key] != null) tf.dispose(cell[key]!);
          cell[key] = null;
        }
        return super.call(inputs, { mask: kwargs?.mask, training: kwargs?.training, initialState: kwargs?.initialState });
      });
    }

    /** The cell's arguments are flat in the layer's config (as for tfjs's GRU), not under `cell`. */
    static override fromConfig<T extends tfTypes.serialization.Serializable>(
      cls: tfTypes.serialization.SerializableConstructor<T>,
      config: tfTypes.serialization.ConfigDict,
    ): T {
      return new cls(config);
    }
  }

  tf.serialization.registerClass(ResetAfterGRUCell as unknown as tfTypes.serialization.SerializableConstructor<tfTypes.serialization.Serializable>);
  tf.serialization.registerClass(ResetAfterGRU);
  return { ResetAfterGRUCell, ResetAfterGRU };
});
