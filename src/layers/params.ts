import { ACTIVATIONS, CONSTRAINTS, INITIALIZERS, REGULARIZERS } from './vocabulary.js';

/** A JSON Schema fragment (draft-07). */
export type JsonSchema = Record<string, unknown>;

/**
 * One Keras constructor argument: its schema fragment, its Keras default, whether it is required.
 * `T` is the TypeScript type a layer's shape rule sees after defaults are applied.
 */
export interface Param<T> {
  schema: JsonSchema;
  default?: T;
  required?: boolean;
  /** phantom: carries T for ConfigOf */
  readonly _type?: T;
}

export type ParamMap = Record<string, Param<unknown>>;
export type ConfigOf<P extends ParamMap> = { [K in keyof P]: P[K] extends Param<infer T> ? T : never };

function param<T>(schema: JsonSchema, description: string, def?: T): Param<T> {
  const s: JsonSchema = { description, ...schema };
  if (def !== undefined) s.default = def;
  return def === undefined ? { schema: s, required: true } : { schema: s, default: def };
}

/** A required argument (no Keras default). */
export function required<T>(p: Param<T>): Param<T> {
  const { default: _d, ...schema } = p.schema;
  return { schema, required: true };
}

/** An argument whose default is `null`/None in Keras. */
export function optional<T>(p: Param<T>): Param<T | null> {
  const { default: _d, ...rest } = p.schema;
  return { schema: { ...rest, default: null, anyOf: [withoutDescription(p.schema), { type: 'null' }] }, default: null } as Param<T | null>;
}

function withoutDescription(s: JsonSchema): JsonSchema {
  const { description: _d, default: _f, ...rest } = s;
  return rest;
}

export const p = {
  int: (description: string, def?: number, min = 1) => param<number>({ type: 'integer', minimum: min }, description, def),
  number: (description: string, def?: number, range: { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number } = {}) =>
    param<number>({ type: 'number', ...range }, description, def),
  bool: (description: string, def?: boolean) => param<boolean>({ type: 'boolean' }, description, def),
  enum: <const E extends string>(values: readonly E[], description: string, def?: E) => param<E>({ type: 'string', enum: [...values] }, description, def),
  /** An int or a tuple of `n` ints (Keras `standardize_tuple`). */
  intOrTuple: (n: number, description: string, def?: number | number[], min = 1) =>
    param<number | number[]>({ anyOf: [{ type: 'integer', minimum: min }, { type: 'array', items: { type: 'integer', minimum: min }, minItems: n, maxItems: n }] }, description, def),
  ints: (description: string, def?: number[], min = 1) => param<number[]>({ type: 'array', items: { type: 'integer', minimum: min } }, description, def),
  activation: (def = 'linear', description = 'Activation function applied to the output (Keras name).') =>
    param<string | null>({ anyOf: [{ type: 'string', enum: [...ACTIVATIONS] }, { type: 'null' }] }, description, def),
  initializer: (def: string, description: string) => param<Initializer>({ $ref: '#/definitions/Initializer' }, description, def),
  regularizer: (description: string) => param<Regularizer | null>({ $ref: '#/definitions/Regularizer' }, description, null),
  constraint: (description: string) => param<Constraint | null>({ $ref: '#/definitions/Constraint' }, description, null),
  any: <T>(schema: JsonSchema, description: string, def?: T) => param<T>(schema, description, def),
  /** One axis or a list of axes (negative counts from the end). */
  axes: (description: string, def?: number) => param<number | number[]>({ anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }] }, description, def),
};

export type Initializer = string | ({ type: (typeof INITIALIZERS)[number] } & Record<string, unknown>);
export type Regularizer = string | ({ type: (typeof REGULARIZERS)[number]; l1?: number; l2?: number });
export type Constraint = string | ({ type: (typeof CONSTRAINTS)[number] } & Record<string, unknown>);

/** Schema definitions that parameter fragments refer to. */
export const PARAM_DEFINITIONS: Record<string, JsonSchema> = {
  Initializer: {
    description: 'A Keras initializer: its name, or {type: name, ...arguments}.',
    anyOf: [
      { type: 'string', enum: [...INITIALIZERS] },
      {
        type: 'object',
        required: ['type'],
        properties: {
          type: { type: 'string', enum: [...INITIALIZERS] },
          value: { type: 'number' },
          mean: { type: 'number' },
          stddev: { type: 'number', minimum: 0 },
          minval: { type: 'number' },
          maxval: { type: 'number' },
          gain: { type: 'number' },
          scale: { type: 'number', exclusiveMinimum: 0 },
          mode: { type: 'string', enum: ['fan_in', 'fan_out', 'fan_avg'] },
          distribution: { type: 'string', enum: ['truncated_normal', 'untruncated_normal', 'uniform'] },
          seed: { type: ['integer', 'null'] },
        },
        additionalProperties: false,
      },
    ],
  },
  Regularizer: {
    description: 'A weight regularizer: l1, l2 or l1_l2, as a name or {type, l1, l2}.',
    anyOf: [
      { type: 'null' },
      { type: 'string', enum: [...REGULARIZERS] },
      {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string', enum: [...REGULARIZERS] }, l1: { type: 'number', minimum: 0 }, l2: { type: 'number', minimum: 0 } },
        additionalProperties: false,
      },
    ],
  },
  Constraint: {
    description: 'A weight constraint: its name, or {type: name, ...arguments}.',
    anyOf: [
      { type: 'null' },
      { type: 'string', enum: [...CONSTRAINTS] },
      {
        type: 'object',
        required: ['type'],
        properties: {
          type: { type: 'string', enum: [...CONSTRAINTS] },
          max_value: { type: 'number', exclusiveMinimum: 0 },
          min_value: { type: 'number', minimum: 0 },
          rate: { type: 'number', minimum: 0, maximum: 1 },
          axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] },
        },
        additionalProperties: false,
      },
    ],
  },
};

/** The weight arguments most Keras layers with a kernel take. */
export const kernelParams = {
  use_bias: p.bool('Whether the layer uses a bias vector.', true),
  kernel_initializer: p.initializer('glorot_uniform', 'Initializer for the kernel weights.'),
  bias_initializer: p.initializer('zeros', 'Initializer for the bias vector.'),
  kernel_regularizer: p.regularizer('Regularizer applied to the kernel weights.'),
  bias_regularizer: p.regularizer('Regularizer applied to the bias vector.'),
  activity_regularizer: p.regularizer('Regularizer applied to the output of the layer.'),
  kernel_constraint: p.constraint('Constraint applied to the kernel weights.'),
  bias_constraint: p.constraint('Constraint applied to the bias vector.'),
};

/** Arguments every Keras layer takes, whatever its type. */
export const COMMON_PARAMS = {
  trainable: p.bool("Whether training updates the layer's weights (Keras `trainable`); false freezes them: they count as non-trainable.", true),
};
