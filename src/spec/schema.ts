/**
 * Validates a parsed spec against the published JSON Schema with ajv, and turns ajv's
 * errors (from their `params`, never their `message`) into located nnspec diagnostics.
 */
import type { ErrorObject } from 'ajv';
import { getValidator } from './validator.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { didYouMean, suggest } from '../diagnostics/suggest.js';
import { keySpan, valueSpan, type SpecDocument } from './document.js';

/** Validates and reports; returns the pointers of values that had errors (so later passes can skip them). */
export function checkSchema(doc: SpecDocument, sink: DiagnosticSink): Set<string> {
  const validate = getValidator();
  const broken = new Set<string>();
  if (validate(doc.value)) return broken;
  for (const e of selectErrors(validate.errors ?? [])) {
    report(doc, e, sink);
    broken.add(e.instancePath);
  }
  return broken;
}

/** Keeps the errors worth showing: one explanation per failed value. */
function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const byAnyOf = errors.filter((e) => e.keyword === 'anyOf');
  const skip = new Set<ErrorObject>();
  for (const group of byAnyOf) {
    const prefix = group.schemaPath + '/';
    const children = errors.filter((e) => e.schemaPath.startsWith(prefix));
    children.forEach((c) => skip.add(c));
    skip.add(group);
    const deeper = children.filter((c) => c.instancePath !== group.instancePath && c.keyword !== 'anyOf');
    const enums = children.filter((c) => c.instancePath === group.instancePath && (c.keyword === 'enum' || c.keyword === 'const') && typeof c.data === 'string');
    const typed = children.filter((c) => c.instancePath === group.instancePath && !['type', 'anyOf', 'enum', 'const'].includes(c.keyword));
    if (deeper.length > 0) deeper.forEach((c) => skip.delete(c));
    else if (typed.length > 0) typed.forEach((c) => skip.delete(c));
    else if (enums.length > 0) skip.delete(enums[0]!);
    else skip.delete(group);
  }
  // `unit: 3` for `units`: the unknown key explains the missing one, so only it is reported.
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((e.parentSchema?.properties ?? {}) as Record<string, unknown>);
    const meant = suggest(String((e.params as { additionalProperty: string }).additionalProperty), allowed);
    for (const r of errors) if (r.keyword === 'required' && r.instancePath === e.instancePath && (r.params as { missingProperty: string }).missingProperty === meant) skip.add(r);
  }
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (skip.has(e) || e.keyword === 'if' || e.keyword === 'oneOf') return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function segments(ptr: string): string[] {
  return ptr === '' ? [] : ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** How a message names the place an error is in: "Dense layer 'answer'", "input 'text'", "training". */
function owner(doc: SpecDocument, ptr: string): string {
  const parts = segments(ptr);
  const root = doc.value as Record<string, Record<string, Record<string, unknown>>>;
  if (parts[0] === 'layers' && parts.length >= 2) {
    const node = root.layers?.[parts[1]!];
    if (parts[2] === 'layer' && node && typeof node.layer === 'object' && node.layer !== null) {
      const inner = node.layer as Record<string, unknown>;
      return `${typeof inner.type === 'string' ? inner.type + ' ' : ''}layer wrapped by '${parts[1]}'`;
    }
    const type = node && typeof node.type === 'string' ? `${node.type} ` : '';
    return `${type}layer '${parts[1]}'`;
  }
  if (parts[0] === 'inputs' && parts.length >= 2) return `input '${parts[1]}'`;
  if (parts[0] === 'training') return parts.length >= 2 ? `training.${parts[1]}` : 'training';
  return 'the spec';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function keyName(ptr: string): string {
  const parts = segments(ptr);
  const last = parts[parts.length - 1];
  return last === undefined ? 'the spec' : /^\d+$/.test(last) ? `item ${Number(last) + 1} of '${parts[parts.length - 2]}'` : `'${last}'`;
}

function report(doc: SpecDocument, e: ErrorObject, sink: DiagnosticSink): void {
  const ptr = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const where = owner(doc, ptr);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const at = keySpan(doc, `${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      const data = e.data as Record<string, unknown>;
      if (typeof data?.shares === 'string' && ptr.startsWith('/layers/')) {
        sink.error('NN209', `${where} shares '${data.shares}' and so takes no '${key}' of its own`, at, 'a sharing node reuses the shared layer as it is; remove the key, or give this node its own layer');
        return;
      }
      const allowed = Object.keys((e.parentSchema?.properties ?? {}) as Record<string, unknown>);
      const suggestion = didYouMean(key, allowed);
      const hint = suggestion ? undefined : `${where} takes: ${allowed.join(', ')}`;
      sink.error('NN200', `unknown key '${key}' in ${where}${suggestion}`, at, hint);
      return;
    }
    case 'required': {
      const key = String(params.missingProperty);
      sink.error('NN201', `${where === 'the spec' ? 'the spec' : where} is missing required key '${key}'`, keySpan(doc, ptr), requiredHint(key));
      return;
    }
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error === 'mapping') {
        const allowed = (e.parentSchema?.oneOf as { $ref: string }[] | undefined)?.map((r) => r.$ref.replace(/^.*\/(Layer_|Inner_)?/, '')) ?? [];
        const value = String(params.tagValue);
        const isOptimizer = ptr.startsWith('/training/optimizer');
        const place = isOptimizer ? 'training.optimizer' : where.replace(/^\S+ layer/, 'layer');
        sink.error(isOptimizer ? 'NN203' : 'NN205', `unknown ${isOptimizer ? 'optimizer' : 'layer type'} '${value}' in ${place}${didYouMean(value, allowed)}`, valueSpan(doc, `${ptr}/${tag}`));
      } else {
        sink.error('NN201', `${where} needs a '${tag}'${ptr.startsWith('/layers/') && segments(ptr).length === 2 ? ' (a layer class name) or a `shares:`' : ''}`, keySpan(doc, ptr));
      }
      return;
    }
    case 'type': {
      const expected = String(params.type).replace(/,/g, ' or ');
      sink.error('NN202', `${keyName(ptr)} in ${where} must be ${expected}, got ${describe(e.data)}`, valueSpan(doc, ptr));
      return;
    }
    case 'anyOf': {
      sink.error('NN202', `${keyName(ptr)} in ${where} has the wrong form: got ${describe(e.data)}`, valueSpan(doc, ptr), anyOfHint(e.parentSchema));
      return;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = String(e.data);
      const what = ptr.includes('/loss') && !ptr.includes('loss_weights') ? 'loss' : ptr.includes('/metrics') ? 'metric' : 'value';
      sink.error('NN203', `${what === 'value' ? `${keyName(ptr)} in ${where}` : `'${value}'`} ${what === 'value' ? `cannot be '${value}'` : `is not a known ${what}`}${didYouMean(value, allowed)}`, valueSpan(doc, ptr), allowed.length <= 20 ? `accepted: ${allowed.join(', ')}` : undefined);
      return;
    }
    case 'const': {
      if (ptr === '/nnspec') {
        sink.error('NN206', `spec format version ${describe(e.data)} is not supported; this nnspec reads version 1`, valueSpan(doc, ptr), 'write `nnspec: 1`');
        return;
      }
      sink.error('NN203', `${keyName(ptr)} in ${where} must be ${JSON.stringify(params.allowedValue)}, got ${describe(e.data)}`, valueSpan(doc, ptr));
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      const isSize = /\/shape\/\d+$/.test(ptr);
      sink.error('NN204', `${keyName(ptr)} in ${where} must be ${op} ${String(params.limit)}, got ${String(e.data)}`, valueSpan(doc, ptr), isSize ? 'sizes are positive; use null for a dimension of any length' : undefined);
      return;
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties': {
      const n = Number(params.limit);
      const more = e.keyword === 'maxItems' ? 'at most' : 'at least';
      sink.error('NN207', `${keyName(ptr)} in ${where} needs ${more} ${n} ${n === 1 ? 'entry' : 'entries'}`, valueSpan(doc, ptr));
      return;
    }
    case 'pattern': {
      sink.error('NN208', `'${String(e.data)}' is not a valid name: use letters, digits, '_', '.' and '-', starting with a letter or '_'`, valueSpan(doc, ptr));
      return;
    }
    case 'propertyNames': {
      return; // the pattern error on the name itself is reported
    }
    default:
      sink.error('NN202', `${keyName(ptr)} in ${where} is invalid (${e.keyword})`, valueSpan(doc, ptr));
  }
}

function requiredHint(key: string): string | undefined {
  const hints: Record<string, string> = {
    kernel_size: 'Keras has no default kernel size: write e.g. `kernel_size: 3` (or `[3, 3]`)',
    nnspec: 'start the file with `nnspec: 1`',
    units: 'the number of output units, e.g. `units: 32`',
  };
  return hints[key];
}

function anyOfHint(schema: unknown): string | undefined {
  const variants = (schema as { anyOf?: { type?: unknown; enum?: unknown[] }[] } | undefined)?.anyOf;
  if (!variants) return undefined;
  const kinds = variants.map((v) => (v.enum ? `one of ${v.enum.slice(0, 6).join(', ')}${v.enum.length > 6 ? ', ...' : ''}` : Array.isArray(v.type) ? v.type.join(' or ') : String(v.type ?? 'a mapping')));
  return `expected ${kinds.map((k) => (k === 'array' ? 'a list' : k === 'object' ? 'a mapping' : k)).join(', or ')}`;
}
