/** Keras's Subtract, which TensorFlow.js lacks, registered for model.json (de)serialization. */
import { broadcast } from '../../../layers/shape.js';
import type { Tf } from '../env.js';
import { perTf } from './emitter.js';
import { mergedMask } from './merge-masks.js';

type Shape = (number | null)[];
interface Classes {
  Subtract: new (args: { name?: string }) => InstanceType<Tf['layers']['Layer']>;
}

export const subtractClass = perTf((tf): Classes => {
  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';
    constructor(args: { name?: string }) {
      super(args);
      this.supportsMasking = true;
    }
    override computeMask(_inputs: never, mask?: never): never {
      return mergedMask(tf, mask) as never;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const [a, b] = inputShape as Shape[];
      return [null, ...(broadcast(a!.slice(1), b!.slice(1)) ?? a!.slice(1))];
    }
    override call(inputs: unknown): ReturnType<Tf['sub']> {
      const [a, b] = inputs as [Parameters<Tf['sub']>[0], Parameters<Tf['sub']>[1]];
      return tf.sub(a, b);
    }
  }
  tf.serialization.registerClass(Subtract);
  return { Subtract: Subtract as unknown as Classes['Subtract'] };
});
