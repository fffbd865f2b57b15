/**
 * Builds the published JSON Schema of spec formats 1 and 2 from the layer registry and the
 * vocabulary. `schemas/nnspec.schema.json` is this function's output (`npm run schema`).
 */
import { LAYER_KINDS } from '../layers/registry.js';
import { STATE_TYPES } from '../layers/recurrent.js';
import { COMMON_PARAMS, PARAM_DEFINITIONS, type JsonSchema } from '../layers/params.js';
import { lossVariants, metricVariants } from './objective-args.js';
import { LOSSES, METRICS, OPTIMIZERS } from './vocabulary.js';
import { callbacksSchema, learningRateSchema } from './callbacks.js';

export const NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$';
/** A layer's name inside a block may start with a digit (`1_conv`): the instance's name goes before it. */
export const BLOCK_LAYER_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
/** A block parameter referenced in a block's layer: `filters: $filters`. */
export const PARAM_REF_PATTERN = '^\\$[A-Za-z_][A-Za-z0-9_]*$';
/** Keys of a layer entry that are connections, not Keras arguments. */
const CONNECTION_KEYS = ['inputs'] as const;

const nameRef = { type: 'string', pattern: NAME_PATTERN };
/** A reference to a node's output: its name, or `name:output` for one of several (`encoder:state_h`, `encoder:1`). */
export const TENSOR_REF_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,127}(:[A-Za-z0-9_]+)?$';
const tensorRef = { type: 'string', pattern: TENSOR_REF_PATTERN };
const initialStateSchema = {
  description: 'The recurrent layer\'s starting states, as Keras\'s initial_state: another recurrent layer\'s final states, e.g. `[encoder:state_h, encoder:state_c]` for an LSTM (one state for GRU and SimpleRNN; Bidirectional: the forward states, then the backward ones).',
  anyOf: [tensorRef, { type: 'array', items: tensorRef, minItems: 1 }],
};
/** `inputs: {query: dec, value: enc}`: a layer whose inputs have roles (MultiHeadAttention), fed by role. */
const byRole = (ref: JsonSchema): JsonSchema => ({ type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z_]+$' }, additionalProperties: ref });
const inputsSchema = {
  description: 'The node(s) feeding this layer: a model input or layer name, a list of them, or (MultiHeadAttention, Attention) a mapping of roles to them, `{query: a, value: b}`. Omitted: the layer directly above (or the only model input).',
  anyOf: [tensorRef, { type: 'array', items: tensorRef, minItems: 1 }, byRole(nameRef)],
};

function layerSchema(type: string, nested: boolean): JsonSchema {
  const kind = LAYER_KINDS.get(type)!;
  const properties: Record<string, JsonSchema> = { type: { const: type, description: kind.description } };
  if (!nested) properties.inputs = inputsSchema;
  if (!nested && STATE_TYPES.has(type)) properties.initial_state = initialStateSchema;
  const required = ['type'];
  for (const [name, param] of Object.entries({ ...kind.params, ...COMMON_PARAMS })) {
    properties[name] = param.schema;
    if (param.required) required.push(name);
  }
  return { type: 'object', description: kind.description, properties, required, additionalProperties: false };
}

const paramRef = { type: 'string', pattern: PARAM_REF_PATTERN, description: 'A parameter of the enclosing block, e.g. `$filters`.' };

/**
 * A layer inside a block: its keys as at the top level (for editors' completion and hover), its
 * values unchecked here, since any may be a parameter reference (`$filters`): they are checked
 * once the block is expanded, at the block's line with the use as a second place. Checking them
 * here as well (each argument's schema or a reference) doubled the validator's size and start-up.
 */
function blockLayerSchema(type: string): JsonSchema {
  const layer = layerSchema(type, false);
  const ref = { type: 'string', pattern: BLOCK_LAYER_PATTERN };
  const inputs = { description: 'The node(s) feeding this layer: a block input or a layer of the block, a list of them, or a mapping of roles to them. Omitted: the layer directly above (or the block\'s only input).', anyOf: [ref, { type: 'array', items: ref, minItems: 1 }, byRole(ref)] };
  const properties = Object.fromEntries(
    Object.entries(layer.properties as Record<string, JsonSchema>).map(([k, v]) => [k, k === 'type' ? v : k === 'inputs' ? inputs : { description: v.description }]),
  );
  return { ...layer, properties, required: ['type'] };
}

/** Format 2's blocks: the definitions, a use of one, and the layers inside one. */
function blockDefinitions(types: string[]): Record<string, JsonSchema> {
  const blockRef = { type: 'string', pattern: BLOCK_LAYER_PATTERN };
  const paramValue = { description: 'A value of one of the block\'s parameters, by the parameter\'s name.' };
  const use = (inBlock: boolean): JsonSchema => ({
    type: 'object',
    description: 'A use of a block as a layer: `{block: name, <parameter>: value, ...}`; the block\'s layers are named `<this name>_<layer name>`.',
    properties: {
      block: { ...nameRef, description: 'The block (declared under `blocks:`) this layer instantiates.' },
      inputs: {
        description: 'The node(s) feeding the block\'s inputs, in the order the block declares them. Omitted: the layer directly above.',
        anyOf: [inBlock ? blockRef : nameRef, { type: 'array', items: inBlock ? blockRef : nameRef, minItems: 1 }],
      },
      repeat: { description: 'Stack this many instances, each fed by the one before; named from this name on (`conv2_block2` then `conv2_block3`).', anyOf: [{ type: 'integer', minimum: 1, maximum: 1000 }, ...(inBlock ? [paramRef] : [])] },
      trainable: { description: 'false freezes every layer of the instance (its BatchNormalization layers then run in inference mode, as in Keras).', anyOf: [{ type: 'boolean' }, ...(inBlock ? [paramRef] : [])] },
      weights: { type: 'string', minLength: 1, description: 'A run directory (relative to the spec) whose weights the instance starts from when training begins: a run of the `from:` spec, or of any model whose layers have the block\'s layer names.' },
    },
    required: ['block'],
    additionalProperties: paramValue,
  });
  const defs: Record<string, JsonSchema> = {};
  for (const t of types) defs[`BlockLayer_${t}`] = blockLayerSchema(t);
  defs.BlockUse = use(false);
  defs.InnerBlockUse = use(true);
  defs.BlockLayer = discriminated(types, 'BlockLayer_');
  defs.BlockSharedNode = {
    type: 'object',
    description: 'Another call site of a layer of the same block instance.',
    properties: { shares: { ...blockRef, description: 'The layer whose weights this node reuses.' }, inputs: { description: 'The node(s) feeding this call site: block inputs or layers of the block.', anyOf: [blockRef, { type: 'array', items: blockRef, minItems: 1 }] } },
    required: ['shares'],
    additionalProperties: false,
  };
  defs.BlockNode = {
    if: { type: 'object', required: ['shares'] },
    then: { $ref: '#/definitions/BlockSharedNode' },
    else: { if: { type: 'object', required: ['block'] }, then: { $ref: '#/definitions/InnerBlockUse' }, else: { $ref: '#/definitions/BlockLayer' } },
  };
  const paramType = { enum: ['integer', 'number', 'boolean', 'string', 'list', 'any'], description: 'What the parameter holds.' };
  defs.BlockParam = {
    description: 'A parameter: its type (`integer`), or `{type: integer, default: 2, description: ...}`. Without a default, every use must give it.',
    anyOf: [
      paramType,
      { type: 'object', properties: { type: paramType, default: { description: 'The value when a use does not give one.' }, description: { type: 'string', description: 'What the parameter means, for readers (and hover).' } }, required: ['type'], additionalProperties: false },
    ],
  };
  defs.Block = {
    type: 'object',
    description: 'A reusable, parameterised piece of graph (a Keras function called several times), or a whole spec from another file (`from:`).',
    properties: {
      description: { type: 'string', description: 'What the block does, for readers of the spec.' },
      from: { type: 'string', minLength: 1, description: 'Another spec file (path relative to this one) whose model is this block: its inputs, layers and outputs. A model used as a layer.' },
      inputs: { description: 'The block\'s named inputs, in order; its layers refer to them by name.', anyOf: [nameRef, { type: 'array', items: nameRef, minItems: 1 }] },
      params: { type: 'object', description: 'The block\'s parameters, referenced in its layers as `$name`.', propertyNames: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: { $ref: '#/definitions/BlockParam' } },
      layers: { type: 'object', description: 'The block\'s layers, in order; named `<instance>_<name>` when expanded.', minProperties: 1, propertyNames: blockRef, additionalProperties: { $ref: '#/definitions/BlockNode' } },
      outputs: { description: 'The block\'s output layer(s).', anyOf: [blockRef, { type: 'array', items: blockRef, minItems: 1 }] },
    },
    if: { required: ['from'] },
    then: { not: { anyOf: [{ required: ['layers'] }, { required: ['inputs'] }, { required: ['outputs'] }, { required: ['params'] }] } },
    else: { required: ['inputs', 'layers', 'outputs'] },
    additionalProperties: false,
  };
  return defs;
}

/** What each argument of an initializer, regularizer or constraint object means (shown on hover in editors). */
const VALUE_ARGUMENTS: Record<string, string> = {
  type: 'The Keras name of the initializer, regularizer or constraint.',
  value: 'constant: the value every weight starts at.',
  mean: 'random_normal, truncated_normal: mean of the distribution.',
  stddev: 'random_normal, truncated_normal: standard deviation of the distribution.',
  minval: 'random_uniform: lower bound of the range.',
  maxval: 'random_uniform: upper bound of the range.',
  gain: 'orthogonal, identity: multiplicative factor applied to the matrix.',
  scale: 'variance_scaling: scaling factor of the variance.',
  mode: 'variance_scaling: fan_in, fan_out or fan_avg (the number of units the variance is divided by).',
  distribution: 'variance_scaling: truncated_normal, untruncated_normal or uniform.',
  seed: 'Random seed, so that the initial values repeat.',
  l1: 'L1 regularization factor: adds l1 * sum(|w|) to the loss.',
  l2: 'L2 regularization factor: adds l2 * sum(w²) to the loss.',
  max_value: 'max_norm: largest norm allowed; min_max_norm: upper bound of the norm.',
  min_value: 'min_max_norm: lower bound of the norm.',
  rate: 'min_max_norm: how fast the norm moves into range (1 enforces it at once).',
  axis: 'The axis (or axes) along which the norm is computed: 0 for each output unit of a Dense kernel.',
};

/** What each optimizer argument means (Keras names and defaults). */
const OPTIMIZER_ARGUMENTS: Record<string, string> = {
  type: 'The optimizer: sgd, rmsprop, adam, adamw, adagrad, adadelta or adamax.',
  learning_rate: 'Step size of each update.',
  momentum: 'Momentum factor: how much of the previous update is kept.',
  nesterov: 'sgd: whether to use Nesterov momentum.',
  rho: 'Decay rate of the moving average of squared gradients.',
  epsilon: 'Small constant added to the denominator for numerical stability.',
  centered: 'rmsprop: whether to normalize by the estimated variance of the gradient (slower, sometimes more stable).',
  beta_1: 'Decay rate of the first-moment (mean) estimate.',
  beta_2: 'Decay rate of the second-moment (uncentered variance) estimate.',
  amsgrad: 'Whether to use the AMSGrad variant (the maximum of past second moments).',
  weight_decay: 'adamw: decoupled weight decay factor.',
  initial_accumulator_value: 'adagrad: starting value of the per-weight accumulators.',
  clipnorm: 'Clip each gradient so that its norm is at most this.',
  clipvalue: 'Clip each gradient element to [-clipvalue, clipvalue].',
};

/** A copy of `schema` with `descriptions` given to its object branches' properties that have none. */
function describeProperties(schema: JsonSchema, descriptions: Record<string, string>): JsonSchema {
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches) return { ...schema, [schema.anyOf ? 'anyOf' : 'oneOf']: branches.map((b) => describeProperties(b, descriptions)) };
  if (!schema.properties) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties as Record<string, JsonSchema>).map(([k, v]) => [k, v.description || !descriptions[k] ? v : { description: descriptions[k], ...v }]),
  );
  return { ...schema, properties };
}

function discriminated(types: string[], defPrefix: string): JsonSchema {
  return {
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: types.map((t) => ({ $ref: `#/definitions/${defPrefix}${t}` })),
  };
}

/** Losses/metrics/loss_weights: one for all outputs, a list in `outputs` order, or a map by output name. */
function perOutput(item: JsonSchema, description: string, allowSingle = true): JsonSchema {
  const variants: JsonSchema[] = [{ type: 'array', items: item }, { type: 'object', propertyNames: nameRef, additionalProperties: item }];
  if (allowSingle) variants.unshift(item);
  return { description, anyOf: variants };
}

/** A name, or an object discriminated by `type` whose variants take each name's Keras arguments. */
function objectiveItem(name: JsonSchema, variants: JsonSchema[]): JsonSchema {
  return { if: { type: 'object' }, then: { type: 'object', required: ['type'], discriminator: { propertyName: 'type' }, oneOf: variants }, else: name };
}

export function buildSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = Object.fromEntries(Object.entries(PARAM_DEFINITIONS).map(([k, v]) => [k, describeProperties(v, VALUE_ARGUMENTS)]));
  const types = [...LAYER_KINDS.keys()];
  for (const t of types) definitions[`Layer_${t}`] = layerSchema(t, false);
  const wrappable = types.filter((t) => !LAYER_KINDS.get(t)!.wrapper && LAYER_KINDS.get(t)!.arity.max === 1);
  for (const t of wrappable) definitions[`Inner_${t}`] = layerSchema(t, true);
  definitions.Layer = discriminated(types, 'Layer_');
  definitions.InnerLayer = { description: 'A layer configuration wrapped by Bidirectional or TimeDistributed (no `inputs`).', ...discriminated(wrappable, 'Inner_') };
  definitions.SharedNode = {
    type: 'object',
    description: 'Another call site of an existing layer: same weights, new inputs. Has no type or configuration of its own.',
    properties: { shares: { ...nameRef, description: 'The layer whose weights this node reuses.' }, inputs: inputsSchema },
    required: ['shares'],
    additionalProperties: false,
  };
  definitions.Node = {
    if: { type: 'object', required: ['shares'] },
    then: { $ref: '#/definitions/SharedNode' },
    else: { if: { type: 'object', required: ['block'] }, then: { $ref: '#/definitions/BlockUse' }, else: { $ref: '#/definitions/Layer' } },
  };
  Object.assign(definitions, blockDefinitions(types));
  definitions.Input = {
    type: 'object',
    description: 'A model input. `shape` excludes the batch dimension; null is a dimension of any size.',
    properties: {
      shape: { type: 'array', description: 'Dimensions without the batch dimension; null = any length.', items: { type: ['integer', 'null'], minimum: 1 } },
      dtype: { enum: ['float32', 'int32'], default: 'float32', description: 'Element type: float32 (default) or int32 (ids for Embedding).' },
      description: { type: 'string', description: 'What the input holds, for readers of the spec.' },
    },
    required: ['shape'],
    additionalProperties: false,
  };
  const lossName = { type: 'string', enum: LOSSES };
  const metricName = { type: 'string', enum: METRICS };
  // A loss or metric is a name or {type: name, ...Keras arguments}; an object with `type` is one, not a map by output.
  const lossItem = objectiveItem(lossName, lossVariants());
  const metricItem = objectiveItem(metricName, metricVariants());
  const optimizerVariants = Object.entries(OPTIMIZERS).map(([name, args]) =>
    describeProperties(
      {
        type: 'object',
        properties: {
          type: { const: name },
          ...Object.fromEntries(Object.entries(args).map(([k, v]) => [k, k === 'learning_rate' ? learningRateSchema(v as number) : typeof v === 'boolean' ? { type: 'boolean', default: v } : { type: 'number', minimum: 0, default: v }])),
          lr: { ...learningRateSchema(args.learning_rate), description: 'Keras 2\'s name for learning_rate (taken as learning_rate, with a warning).' },
          clipnorm: { type: 'number', exclusiveMinimum: 0 },
          clipvalue: { type: 'number', exclusiveMinimum: 0 },
        },
        required: ['type'],
        additionalProperties: false,
      },
      OPTIMIZER_ARGUMENTS,
    ),
  );
  definitions.Training = {
    type: 'object',
    description: 'How the model is compiled and fitted (Keras `compile` and `fit` arguments).',
    properties: {
      optimizer: {
        description: 'An optimizer name, or {type: name, learning_rate: ..., ...} with Keras argument names.',
        anyOf: [{ type: 'string', enum: Object.keys(OPTIMIZERS) }, { type: 'object', required: ['type'], discriminator: { propertyName: 'type' }, oneOf: optimizerVariants }],
      },
      loss: { if: { type: 'object', required: ['type'] }, then: lossItem, else: { anyOf: [lossName, { type: 'array', items: lossItem }, { type: 'object', propertyNames: nameRef, additionalProperties: lossItem }] }, description: 'A loss for every output (a name, or {type: name, from_logits: ..., ...} with Keras arguments), a list in `outputs` order, or a map keyed by output name.' },
      loss_weights: perOutput({ type: 'number', minimum: 0 }, 'Weights of each output\'s loss in the total: a list in `outputs` order or a map keyed by output name.', false),
      metrics: {
        description: 'Metrics for every output (a list), or a map keyed by output name.',
        anyOf: [{ type: 'array', items: metricItem }, { type: 'object', propertyNames: nameRef, additionalProperties: { anyOf: [metricItem, { type: 'array', items: metricItem }] } }],
      },
      class_weight: {
        type: 'object',
        description: "Keras's class_weight, per output: {output: {class id: weight}}. A sample's loss is multiplied by its class's weight (a class not named weighs 1), times its sample_weight where the data has one.",
        propertyNames: nameRef,
        additionalProperties: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^(0|[1-9][0-9]*)$' },
          additionalProperties: { type: 'number' },
        },
      },
      batch_size: { type: 'integer', minimum: 1, default: 32, description: 'Samples per gradient update.' },
      epochs: { type: 'integer', minimum: 1, default: 1, description: 'Passes over the training data.' },
      validation_split: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0,
        description: 'Fraction of the samples (the last ones, as Keras takes them) held out to measure val_loss after each epoch.',
      },
      shuffle: { type: 'boolean', default: true, description: 'Whether to shuffle the training samples before each epoch.' },
      seed: { type: 'integer', minimum: 0, description: 'Random seed for initializers, shuffling and dropout, so that a run repeats.' },
      callbacks: callbacksSchema(),
    },
    additionalProperties: false,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://nnspec.dev/schemas/nnspec.schema.json',
    title: 'nnspec model spec, formats 1 and 2',
    description: 'A Keras-style functional model: inputs, layers and their connections, outputs, and training settings.',
    type: 'object',
    properties: {
      nnspec: { enum: [1, 2], description: 'Spec format version: 1, or 2 for a spec with `blocks:`.' },
      name: { ...nameRef, description: 'The model name, as Model(name=...).' },
      description: { type: 'string', description: 'What the model does, for readers of the spec.' },
      blocks: { type: 'object', description: 'Format 2: named, parameterised blocks of layers, used as layers with `{block: name}`.', propertyNames: nameRef, additionalProperties: { $ref: '#/definitions/Block' } },
      inputs: { type: 'object', description: 'Named model inputs, in order.', minProperties: 1, propertyNames: nameRef, additionalProperties: { $ref: '#/definitions/Input' } },
      layers: { type: 'object', description: 'Named layers, in order; each is a layer configuration or a `shares:` node.', minProperties: 1, propertyNames: nameRef, additionalProperties: { $ref: '#/definitions/Node' } },
      outputs: { description: 'The layers whose outputs are the model outputs, in order.', anyOf: [nameRef, { type: 'array', items: nameRef, minItems: 1 }] },
      training: { $ref: '#/definitions/Training', description: 'How the model is compiled and fitted (Keras `compile` and `fit` arguments).' },
    },
    required: ['nnspec', 'name', 'inputs', 'layers', 'outputs'],
    additionalProperties: false,
    definitions,
  };
}
