/**
 * Validates a parsed spec against the published JSON Schema with ajv, and turns ajv's
 * errors (from their `params`, never their `message`) into located nnspec diagnostics:
 * one per mistake, naming the place the way the spec's author wrote it.
 */
import type { ErrorObject } from 'ajv';
import type { DiagnosticSink, Span } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { keySpan, valueSpan, type SpecDocument } from './document.js';
import { unreadable } from './parse.js';
import { selectErrors } from './schema-errors.js';
import { getValidator } from './validator.js';
import { LOSSES, METRICS } from './vocabulary.js';
import { alternatives, describe, ownerOf, segments, subject, typeNames, vocabulary } from './schema-names.js';

/** Validates and reports; returns the pointers of values that had errors (so later passes can skip them). */
export function checkSchema(doc: SpecDocument, sink: DiagnosticSink): Set<string> {
  const validate = getValidator();
  // Values the parser refused are broken too: a `.inf` read as null must not pass for "any length".
  const already = unreadable(doc);
  const broken = new Set<string>(already);
  if (validate(doc.value)) return broken;
  for (const e of groupRequired(selectErrors(validate.errors ?? []))) {
    broken.add(e.instancePath);
    // The parser reported this value and replaced it by null; "must be an integer, got null" would be noise.
    if (already.has(e.instancePath) && e.keyword !== 'required' && e.keyword !== 'additionalProperties') continue;
    report(doc, e, sink);
  }
  return broken;
}

/** ajv reports each missing key alone; a place missing three keys is one mistake, reported once. */
function groupRequired(errors: ErrorObject[]): ErrorObject[] {
  const first = new Map<string, ErrorObject & { missing: string[] }>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'required') {
      out.push(e);
      continue;
    }
    const key = String((e.params as { missingProperty: string }).missingProperty);
    const seen = first.get(e.instancePath);
    if (seen) seen.missing.push(key);
    else {
      const grouped = { ...e, missing: [key] };
      first.set(e.instancePath, grouped);
      out.push(grouped);
    }
  }
  return out;
}

function report(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const at = valueSpan(doc, ptr);
  switch (e.keyword) {
    case 'additionalProperties':
      return unknownKey(doc, e, sink);
    case 'required': {
      const missing = (e as ErrorObject & { missing: string[] }).missing;
      const keys = missing.map((k) => `'${k}'`);
      const list = keys.length === 1 ? `key ${keys[0]}` : `keys ${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
      sink.error('NN201', `${subject(doc, ptr)} is missing required ${list}`, ownerSpan(doc, ptr), missing.length === 1 ? requiredHint(missing[0]!) : undefined);
      return;
    }
    case 'discriminator':
      return discriminator(doc, e, sink);
    case 'type': {
      const listed = (ptr === '/layers' || ptr === '/inputs') && Array.isArray(e.data) ? `write each entry as \`name: {...}\` under '${ptr.slice(1)}:', not as a '- ' list item` : undefined;
      sink.error('NN202', `${subject(doc, ptr)} must be ${typeNames(params.type)}, got ${describe(e.data)}`, at, listed ?? typeHint(params.type, e.data));
      return;
    }
    case 'anyOf': {
      sink.error('NN202', `${subject(doc, ptr)} must be ${alternatives(e.parentSchema)}, got ${describe(e.data)}`, at, typeHint(undefined, e.data));
      return;
    }
    case 'enum':
      if (ptr === '/nnspec') return badVersion(doc, e.data, sink);
      return badEnum(doc, e, sink);
    case 'const': {
      if (ptr === '/nnspec') return badVersion(doc, e.data, sink);
      sink.error('NN203', `${subject(doc, ptr)} must be ${JSON.stringify(params.allowedValue)}, got ${describe(e.data)}`, at);
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      const isSize = /\/shape\/\d+$/.test(ptr);
      sink.error('NN204', `${subject(doc, ptr)} must be ${op} ${String(params.limit)}, got ${String(e.data)}`, at, isSize ? 'sizes are positive; use null for a dimension of any length' : undefined);
      return;
    }
    case 'minItems':
    case 'maxItems': {
      const n = Number(params.limit);
      const got = Array.isArray(e.data) ? e.data.length : 0;
      const bound = e.keyword === 'minItems' ? 'at least' : 'at most';
      sink.error('NN207', `${subject(doc, ptr)} needs ${bound} ${n} item${n === 1 ? '' : 's'}, got ${got}`, at);
      return;
    }
    case 'minProperties': {
      sink.error('NN207', `${subject(doc, ptr)} is empty; it needs at least one entry`, at, ptr === '/layers' ? 'add a layer, e.g. `dense: {type: Dense, units: 10}`' : ptr === '/inputs' ? 'add an input, e.g. `x: {shape: [16]}`' : undefined);
      return;
    }
    case 'pattern':
      return badName(doc, e, sink);
    default:
      sink.error('NN202', `${subject(doc, ptr)} is invalid: it fails the schema's '${e.keyword}' rule`, at);
  }
}

/** The span of the key that names the value at `ptr`; for the whole spec, its first character. */
function ownerSpan(doc: SpecDocument, ptr: string): Span {
  if (ptr === '') {
    const start = valueSpan(doc, '').start;
    return { start, end: start };
  }
  return keySpan(doc, ptr);
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unknownKey(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const key = String((e.params as { additionalProperty: string }).additionalProperty);
  const at = keySpan(doc, `${ptr}/${escapeKey(key)}`);
  const data = e.data as Record<string, unknown>;
  const where = subject(doc, ptr, 'of');
  if (typeof data?.shares === 'string' && ptr.startsWith('/layers/')) {
    sink.error('NN209', `${where} shares '${data.shares}' and so takes no '${key}' of its own`, at, 'a sharing node reuses the shared layer as it is; remove the key, or give this node its own layer');
    return;
  }
  const allowed = Object.keys((e.parentSchema?.properties ?? {}) as Record<string, unknown>);
  const suggestion = didYouMean(key, allowed);
  const hint = suggestion ? undefined : `${where.charAt(0).toUpperCase()}${where.slice(1)} takes: ${allowed.join(', ')}`;
  sink.error('NN200', `unknown key '${key}' in ${where}${suggestion}`, at, hint);
}

function discriminator(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const params = e.params as { error: string; tag: string; tagValue?: unknown };
  const isOptimizer = ptr.startsWith('/training/optimizer');
  const objective = /^\/training\/(loss|metrics)(\/|$)/.exec(ptr)?.[1];
  if (objective) return objectiveDiscriminator(doc, e, objective === 'loss' ? 'loss' : 'metric', sink);
  const variants = (e.parentSchema?.oneOf ?? []) as { $ref?: string; properties?: { type?: { const?: string } } }[];
  const allowed = variants.map((r) => (r.$ref ? r.$ref.replace(/^.*\/(Layer_|Inner_)?/, '') : r.properties?.type?.const)).filter((x): x is string => typeof x === 'string');
  const where = isOptimizer ? "'training.optimizer'" : subject(doc, ptr).replace(/^\S+ layer/, 'layer');
  if (params.error === 'mapping') {
    const value = String(params.tagValue);
    const what = isOptimizer ? 'optimizer' : 'layer type';
    sink.error(isOptimizer ? 'NN203' : 'NN205', `unknown ${what} '${value}' in ${where}${didYouMean(value, allowed)}`, valueSpan(doc, `${ptr}/${params.tag}`), didYouMean(value, allowed) ? undefined : hintList(what === 'optimizer' ? 'optimizers' : 'layer types', allowed));
    return;
  }
  const data = e.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && params.tag in data) {
    const example = isOptimizer ? 'an optimizer name such as adam' : 'a layer class name such as Dense';
    sink.error('NN202', `'${params.tag}' in ${where} must be ${example}, got ${describe(data[params.tag])}`, valueSpan(doc, `${ptr}/${params.tag}`));
    return;
  }
  if (isOptimizer) sink.error('NN201', `${where} has no 'type'; write the optimizer's name, e.g. \`{type: adam, learning_rate: 0.001}\``, keySpan(doc, ptr));
  else sink.error('NN201', `${where} has no 'type': give it a layer class (e.g. \`type: Dense\`) or reuse a layer with \`shares:\``, keySpan(doc, ptr));
}

/** `{type: ...}` of a loss or metric: an unknown name lists the accepted ones; no type says how to write one. */
function objectiveDiscriminator(doc: SpecDocument, e: ErrorObject, what: 'loss' | 'metric', sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const params = e.params as { error: string; tag: string; tagValue?: unknown };
  const allowed = what === 'loss' ? LOSSES : METRICS;
  const where = `'${segments(ptr).join('.')}'`;
  if (params.error === 'mapping') {
    const value = String(params.tagValue);
    const suggestion = didYouMean(value, allowed);
    sink.error('NN203', `unknown ${what} '${value}' in ${where}${suggestion}`, valueSpan(doc, `${ptr}/type`), suggestion ? undefined : `accepted: ${allowed.join(', ')}`);
    return;
  }
  const data = e.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && 'type' in data) {
    sink.error('NN202', `'type' in ${where} must be a ${what} name such as ${what === 'loss' ? 'categorical_crossentropy' : 'accuracy'}, got ${describe(data.type)}`, valueSpan(doc, `${ptr}/type`));
    return;
  }
  const example = what === 'loss' ? '`{type: categorical_crossentropy, from_logits: true}`' : '`{type: auc, curve: PR}`';
  sink.error('NN201', `${where} has no 'type'; write the ${what}'s name, e.g. ${example}`, keySpan(doc, ptr));
}

function badVersion(doc: SpecDocument, data: unknown, sink: DiagnosticSink): void {
  const message = typeof data === 'number' ? `spec format version ${data} is not supported; this nnspec reads versions 1 and 2` : `'nnspec' must be the format version number 1 or 2, got ${describe(data)}`;
  sink.error('NN206', message, valueSpan(doc, '/nnspec'), 'write `nnspec: 1`, or `nnspec: 2` for a spec with `blocks:`');
}

function badEnum(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
  const value = String(e.data);
  const kind = vocabulary(allowed);
  const at = valueSpan(doc, ptr);
  // Losses and metrics are listed whatever their number: the user is choosing one from Keras's list.
  const hint = allowed.length <= 20 || kind === 'loss' || kind === 'metric' ? `accepted: ${allowed.join(', ')}` : undefined;
  if (kind && typeof e.data === 'string') {
    // `kernel_initializer: {type: he_normall}` is about the initializer, not about a key named 'type'.
    const { owner, rest } = ownerOf(doc, segments(ptr.replace(/\/type$/, '')));
    const field = rest.filter((p) => !/^\d+$/.test(p)).join('.');
    const where = !owner ? `'${field}'` : field === kind ? owner : `'${field}' of ${owner}`;
    const suggestion = didYouMean(value, allowed);
    sink.error('NN203', `unknown ${kind} '${value}' in ${where}${suggestion}`, at, suggestion ? undefined : hint);
    return;
  }
  sink.error('NN203', `${subject(doc, ptr)} cannot be ${typeof e.data === 'string' ? `'${value}'` : describe(e.data)}${didYouMean(value, allowed)}`, at, hint);
}

const NAME_RULE = "use letters, digits, '_', '.' and '-', starting with a letter or '_' (at most 128 characters)";

function badName(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const named = (e as ErrorObject & { propertyName?: string }).propertyName;
  const ptr = e.instancePath;
  if (named !== undefined) {
    // A key of `inputs:` or `layers:` (propertyNames): locate the key itself.
    const what = ptr === '/layers' ? 'layer name' : ptr === '/inputs' ? 'input name' : 'name';
    sink.error('NN208', `${what} '${named}' is not valid: ${NAME_RULE}`, keySpan(doc, `${ptr}/${escapeKey(named)}`));
    return;
  }
  const what = ptr === '/name' ? 'model name' : 'name';
  sink.error('NN208', `${what} '${String(e.data)}' is not valid: ${NAME_RULE}`, valueSpan(doc, ptr));
}

function hintList(what: string, names: string[]): string {
  return `${what}: ${names.join(', ')}`;
}

function requiredHint(key: string): string | undefined {
  const hints: Record<string, string> = {
    kernel_size: 'Keras has no default kernel size: write e.g. `kernel_size: 3` (or `[3, 3]`)',
    nnspec: 'start the file with `nnspec: 1`',
    units: 'the number of output units, e.g. `units: 32`',
    shape: 'the input shape without the batch dimension, e.g. `shape: [28, 28]`; null is a dimension of any length',
    outputs: 'list the layers whose values the model returns, e.g. `outputs: [prediction]` (several for a multi-output model)',
  };
  return hints[key];
}

/** YAML 1.1 habits and quoted numbers: the usual reasons a value has the wrong type. */
function typeHint(expected: unknown, data: unknown): string | undefined {
  const want = String(expected ?? '');
  if (typeof data === 'string' && want.includes('boolean') && /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(data)) {
    return `YAML 1.2 reads ${data} as a string; write true or false`;
  }
  if (typeof data === 'string' && want.includes('boolean') && /^(true|false)$/i.test(data)) return `write ${data.toLowerCase()} without quotes`;
  if (typeof data === 'string' && /(integer|number)/.test(want) && data.trim() !== '' && Number.isFinite(Number(data))) return `write the number without quotes: ${data.trim()}`;
  return undefined;
}
