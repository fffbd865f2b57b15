/**
 * The training section's callbacks (`training.callbacks`) and learning-rate schedules
 * (`optimizer.learning_rate: {type: cosine_decay, ...}`): Keras 3's serialised names, arguments
 * and defaults (keras/src/callbacks, keras/src/optimizers/schedules), the schema pieces built from
 * them, and the checks the schema cannot make (located diagnostics, before any training).
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { keySpan, valueSpan, type SpecDocument } from './document.js';
import type { Spec } from './types.js';

type JsonSchema = Record<string, unknown>;

const num = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'number', description, ...extra });
const steps = (description: string): JsonSchema => ({ type: 'number', exclusiveMinimum: 0, description });
const initial = num('The learning rate at step 0.', { minimum: 0 });

/** Each schedule's arguments (Keras's, with their defaults where Keras has one). */
export const SCHEDULE_ARGUMENTS = {
  exponential_decay: {
    required: ['initial_learning_rate', 'decay_steps', 'decay_rate'],
    properties: {
      initial_learning_rate: initial,
      decay_steps: steps('Steps over which the rate is multiplied by decay_rate.'),
      decay_rate: num('initial_learning_rate × decay_rate ^ (step / decay_steps).', { minimum: 0 }),
      staircase: { type: 'boolean', default: false, description: 'Decay at whole multiples of decay_steps only (integer division).' },
    },
  },
  piecewise_constant_decay: {
    required: ['boundaries', 'values'],
    properties: {
      boundaries: { type: 'array', items: { type: 'number' }, minItems: 1, description: 'Steps where the rate changes, increasing: values[i] while step <= boundaries[i].' },
      values: { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 2, description: 'The rates, one more than boundaries.' },
    },
  },
  polynomial_decay: {
    required: ['initial_learning_rate', 'decay_steps'],
    properties: {
      initial_learning_rate: initial,
      decay_steps: steps('Steps to reach end_learning_rate.'),
      end_learning_rate: num('The rate after decay_steps.', { minimum: 0, default: 0.0001 }),
      power: num('The polynomial\'s power (1: linear).', { default: 1 }),
      cycle: { type: 'boolean', default: false, description: 'Start again (over a multiple of decay_steps) instead of staying at end_learning_rate.' },
    },
  },
  inverse_time_decay: {
    required: ['initial_learning_rate', 'decay_steps', 'decay_rate'],
    properties: {
      initial_learning_rate: initial,
      decay_steps: steps('initial_learning_rate / (1 + decay_rate × step / decay_steps).'),
      decay_rate: num('How fast the rate falls.', { minimum: 0 }),
      staircase: { type: 'boolean', default: false, description: 'Decay at whole multiples of decay_steps only.' },
    },
  },
  cosine_decay: {
    required: ['initial_learning_rate', 'decay_steps'],
    properties: {
      initial_learning_rate: initial,
      decay_steps: steps('Steps of the cosine from its start (warmup_target, else initial_learning_rate) down to alpha × that.'),
      alpha: num('The floor, as a fraction of the rate the decay starts from.', { minimum: 0, maximum: 1, default: 0 }),
      warmup_target: { type: ['number', 'null'], minimum: 0, default: null, description: 'Rise linearly from initial_learning_rate to this over warmup_steps, then decay from it.' },
      warmup_steps: { type: 'number', minimum: 0, default: 0, description: 'Steps of the linear warmup (with warmup_target).' },
    },
  },
  cosine_decay_restarts: {
    required: ['initial_learning_rate', 'first_decay_steps'],
    properties: {
      initial_learning_rate: initial,
      first_decay_steps: steps('Steps of the first cosine period.'),
      t_mul: num('Each period is t_mul times the previous one.', { exclusiveMinimum: 0, default: 2 }),
      m_mul: num('Each restart starts at m_mul times the previous start.', { minimum: 0, default: 1 }),
      alpha: num('The floor, as a fraction of initial_learning_rate.', { minimum: 0, maximum: 1, default: 0 }),
    },
  },
} satisfies Record<string, { required: string[]; properties: Record<string, JsonSchema> }>;

export const SCHEDULE_NAMES = Object.keys(SCHEDULE_ARGUMENTS);

const monitor = (dflt: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  default: dflt,
  description: 'The logged quantity watched: loss, val_loss, a metric (accuracy, val_accuracy, <output>_loss, ...).',
});
const mode: JsonSchema = { enum: ['auto', 'min', 'max'], default: 'auto', description: 'min: lower is better; max: higher is better; auto: from the name (losses and errors min, accuracies max).' };

/** Each callback's arguments, Keras's names and defaults. */
export const CALLBACK_ARGUMENTS: Record<string, Record<string, JsonSchema>> = {
  early_stopping: {
    monitor: monitor('val_loss'),
    min_delta: num('A change smaller than this is no improvement.', { minimum: 0, default: 0 }),
    patience: { type: 'integer', minimum: 0, default: 0, description: 'Epochs without improvement before stopping (0: the first epoch that does not improve, never the first epoch).' },
    mode,
    baseline: { type: ['number', 'null'], default: null, description: 'Stop unless the monitored value beats this within patience epochs.' },
    restore_best_weights: { type: 'boolean', default: false, description: 'End with the weights of the best epoch instead of the last.' },
    start_from_epoch: { type: 'integer', minimum: 0, default: 0, description: 'Epochs of warm-up before watching begins.' },
  },
  reduce_lr_on_plateau: {
    monitor: monitor('val_loss'),
    factor: num('new learning rate = learning rate × factor.', { minimum: 0, exclusiveMaximum: 1, default: 0.1 }),
    patience: { type: 'integer', minimum: 0, default: 10, description: 'Epochs without improvement before the rate is reduced.' },
    mode,
    min_delta: num('A change smaller than this is no improvement.', { minimum: 0, default: 0.0001 }),
    cooldown: { type: 'integer', minimum: 0, default: 0, description: 'Epochs after a reduction during which no further reduction happens.' },
    min_lr: num('The rate is never reduced below this.', { minimum: 0, default: 0 }),
  },
  model_checkpoint: {
    monitor: monitor('val_loss'),
    save_best_only: { type: 'boolean', default: false, description: 'Write the run\'s model only when the monitored value improves, so the run keeps its best epoch.' },
    mode,
    save_freq: {
      anyOf: [{ const: 'epoch' }, { type: 'integer', minimum: 1 }],
      default: 'epoch',
      description: '"epoch": save after every epoch; an integer N: after every N batches (mid-epoch saves resume exactly).',
    },
    initial_value_threshold: { type: ['number', 'null'], default: null, description: 'With save_best_only: save only once the monitored value beats this.' },
  },
};

function objectOf(properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

const CALLBACK_DESCRIPTIONS: Record<string, string> = {
  early_stopping: 'keras.callbacks.EarlyStopping: stop training when the monitored quantity stops improving.',
  reduce_lr_on_plateau: 'keras.callbacks.ReduceLROnPlateau: multiply the learning rate by factor when the monitored quantity stops improving.',
  model_checkpoint: 'keras.callbacks.ModelCheckpoint: when (and whether) the run\'s model is written, by the monitored quantity.',
};

/** `learning_rate:` a number or a schedule. */
export function learningRateSchema(dflt: number): JsonSchema {
  return {
    description: 'Step size of each update: a number, or a schedule {type: exponential_decay | piecewise_constant_decay | polynomial_decay | inverse_time_decay | cosine_decay | cosine_decay_restarts, ...} evaluated at every optimizer step.',
    default: dflt,
    if: { type: 'object' },
    then: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: Object.entries(SCHEDULE_ARGUMENTS).map(([name, a]) => objectOf({ type: { const: name }, ...a.properties }, ['type', ...a.required])),
    },
    else: { type: 'number', minimum: 0 },
  };
}

export function callbacksSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Keras callbacks by their snake_case names: early_stopping, reduce_lr_on_plateau, model_checkpoint, terminate_on_nan.',
    properties: {
      ...Object.fromEntries(Object.entries(CALLBACK_ARGUMENTS).map(([name, props]) => [name, objectOf(props, [], CALLBACK_DESCRIPTIONS[name])])),
      terminate_on_nan: {
        description: 'Stop when a loss becomes NaN or infinite (always on in nnspec: the bad update is never applied).',
        anyOf: [{ const: true }, { type: 'object', additionalProperties: false }],
      },
    },
    additionalProperties: false,
  };
}

/**
 * What the schema cannot say: a schedule Keras's constructor refuses, ReduceLROnPlateau on a
 * scheduled learning rate (Keras cannot set it), and Keras 2's `lr` (taken as learning_rate).
 */
export function checkCallbacks(spec: Spec, doc: SpecDocument, sink: DiagnosticSink): void {
  const opt = spec.training?.optimizer;
  if (!opt || typeof opt !== 'object') return;
  const args = opt as Record<string, unknown>;
  if ('lr' in args) {
    if ('learning_rate' in args) sink.error('NN620', 'the optimizer gives both lr and learning_rate', keySpan(doc, '/training/optimizer/lr'), 'lr is Keras 2\'s name for learning_rate; keep learning_rate');
    else sink.warning('NN621', 'lr is Keras 2\'s name: taken as learning_rate', keySpan(doc, '/training/optimizer/lr'), 'write learning_rate (Keras 3\'s name)');
  }
  const lrKey = 'learning_rate' in args ? 'learning_rate' : 'lr';
  const lr = args[lrKey];
  if (!lr || typeof lr !== 'object') return;
  const s = lr as Record<string, unknown>;
  const problem = scheduleProblem(s);
  if (problem) sink.error('NN620', `${String(s.type)}: ${problem.message}`, valueSpan(doc, `/training/optimizer/${lrKey}/${problem.key}`), 'see keras.optimizers.schedules');
  if (spec.training?.callbacks?.reduce_lr_on_plateau) {
    sink.error('NN620', `reduce_lr_on_plateau cannot change a scheduled learning rate (${String(s.type)})`, keySpan(doc, '/training/callbacks/reduce_lr_on_plateau'), 'give the optimizer a number as learning_rate, or drop reduce_lr_on_plateau (Keras refuses this too)');
  }
}

/** Why a schedule cannot be built, as Keras's constructors refuse it (undefined when it can). */
export function scheduleProblem(s: Record<string, unknown>): { key: string; message: string } | undefined {
  const stepsKey = s.type === 'cosine_decay_restarts' ? 'first_decay_steps' : 'decay_steps';
  if (s.type !== 'piecewise_constant_decay' && !((s[stepsKey] as number) > 0)) return { key: stepsKey, message: `${stepsKey} must be greater than 0 (got ${String(s[stepsKey])})` };
  if (s.type === 'piecewise_constant_decay') {
    const b = s.boundaries as number[];
    const v = s.values as number[];
    if (b.length !== v.length - 1) return { key: 'values', message: `values must have one more entry than boundaries (${b.length} boundar${b.length === 1 ? 'y' : 'ies'}, ${v.length} value${v.length === 1 ? '' : 's'})` };
    for (let i = 1; i < b.length; i++) if (!(b[i]! > b[i - 1]!)) return { key: 'boundaries', message: `boundaries must increase strictly (${b[i - 1]} then ${b[i]})` };
  }
  return undefined;
}
