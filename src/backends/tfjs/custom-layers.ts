/**
 * Keras layers that TensorFlow.js lacks, written as tfjs layers. Classes are made per tf module
 * (tfjs is injected, never imported here) and registered for model.json (de)serialization.
 */
import { broadcast } from '../../layers/shape.js';
import type { Tf } from './env.js';

type Shape = (number | null)[];
interface Classes {
  Subtract: new (args: { name?: string }) => InstanceType<Tf['layers']['Layer']>;
}

const made = new WeakMap<object, Classes>();

export function customLayers(tf: Tf): Classes {
  const cached = made.get(tf);
  if (cached) return cached;

  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';
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
  const classes: Classes = { Subtract: Subtract as unknown as Classes['Subtract'] };
  made.set(tf, classes);
  return classes;
}
