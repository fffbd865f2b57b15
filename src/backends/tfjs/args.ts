/** Keras-style spec arguments → TensorFlow.js layer arguments (camelCase, tfjs serializations). */
import type { Constraint, Initializer, Regularizer } from '../../layers/params.js';
import { NNSPEC_ACTIVATIONS } from './layers/activation-functions.js';

const INITIALIZER_NAMES: Record<string, string> = {
  zeros: 'zeros', ones: 'ones', constant: 'constant', random_normal: 'randomNormal', random_uniform: 'randomUniform',
  truncated_normal: 'truncatedNormal', glorot_uniform: 'glorotUniform', glorot_normal: 'glorotNormal', he_uniform: 'heUniform',
  he_normal: 'heNormal', lecun_uniform: 'leCunUniform', lecun_normal: 'leCunNormal', orthogonal: 'orthogonal', identity: 'identity',
  variance_scaling: 'varianceScaling',
};

const ACTIVATION_NAMES: Record<string, string> = {
  ...NNSPEC_ACTIVATIONS, log_softmax: 'logSoftmax', silu: 'swish', gelu: 'gelu',
};

function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** An initializer as tfjs accepts it: a class name string or {className, config}. */
export function initializer(init: Initializer, seed?: number): unknown {
  const spec = typeof init === 'string' ? { type: init } : init;
  const { type, ...args } = spec as { type: string } & Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) config[camel(k)] = v;
  if (seed !== undefined && config.seed === undefined && !['zeros', 'ones', 'constant', 'identity'].includes(type)) config.seed = seed;
  const className = INITIALIZER_NAMES[type] ?? type;
  return Object.keys(config).length === 0 ? className : { className: className[0]!.toUpperCase() + className.slice(1), config };
}

export function regularizer(reg: Regularizer | null | undefined): unknown {
  if (reg === null || reg === undefined) return undefined;
  const spec: { type: string; l1?: number; l2?: number } = typeof reg === 'string' ? { type: reg } : reg;
  const l1 = spec.l1 ?? (spec.type === 'l2' ? 0 : 0.01);
  const l2 = spec.l2 ?? (spec.type === 'l1' ? 0 : 0.01);
  return { className: 'L1L2', config: { l1: spec.type === 'l2' ? 0 : l1, l2: spec.type === 'l1' ? 0 : l2 } };
}

export function constraint(c: Constraint | null | undefined): unknown {
  if (c === null || c === undefined) return undefined;
  const spec = typeof c === 'string' ? { type: c } : c;
  const names: Record<string, string> = { max_norm: 'MaxNorm', min_max_norm: 'MinMaxNorm', non_neg: 'NonNeg', unit_norm: 'UnitNorm' };
  const { type, ...args } = spec as { type: string } & Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) config[camel(k)] = v;
  return { className: names[type] ?? type, config };
}

export function activation(name: string | null | undefined): string | undefined {
  if (name === null || name === undefined) return 'linear';
  return ACTIVATION_NAMES[name] ?? name;
}

/**
 * The kernel/bias arguments shared by Dense, Conv and friends. `activity_regularizer` is not
 * passed: tfjs refuses to call any layer that has one; the trainer adds that penalty itself
 * from the layer's output (see activityRegularized in build.ts).
 */
export function kernelArgs(config: Record<string, unknown>): Record<string, unknown> {
  return {
    useBias: config.use_bias,
    kernelInitializer: initializer(config.kernel_initializer as Initializer),
    biasInitializer: initializer(config.bias_initializer as Initializer),
    kernelRegularizer: regularizer(config.kernel_regularizer as Regularizer | null),
    biasRegularizer: regularizer(config.bias_regularizer as Regularizer | null),
    kernelConstraint: constraint(config.kernel_constraint as Constraint | null),
    biasConstraint: constraint(config.bias_constraint as Constraint | null),
  };
}

/** Drops undefined values so tfjs applies its own handling only where nnspec has no opinion. */
export function defined<T extends Record<string, unknown>>(args: T): T {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as T;
}
