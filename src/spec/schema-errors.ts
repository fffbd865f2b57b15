/**
 * Chooses which of ajv's errors to report: one explanation per mistake.
 *
 * ajv with allErrors reports every branch of a failed `anyOf` (for `activation: 3`: "not a
 * string", "not in the enum", "not null", then "anyOf failed"). The branch worth explaining is
 * the one the value was meant for: one whose type the value has, and of those the one that got
 * deepest into it. When no branch has the value's type, the `anyOf` itself is the explanation
 * ("must be an activation name or null, got 3").
 */
import type { ErrorObject } from 'ajv';
import { suggest } from '../diagnostics/suggest.js';

/** References to other names: a bad one is reported by resolve ("did you mean"), not as a pattern. */
const REFERENCE = /^\/(outputs(\/\d+)?|layers\/[^/]+\/((inputs|initial_state)(\/\d+)?|shares)|training\/(loss|loss_weights|metrics))$/;

export function selectErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const chosen = explain(errors);
  // Indexed by place: a file with 100,000 unknown keys must not take 10^10 comparisons.
  const required = new Map<string, ErrorObject>();
  for (const r of chosen) if (r.keyword === 'required') required.set(`${r.instancePath}|${(r.params as { missingProperty: string }).missingProperty}`, r);
  const skip = new Set<ErrorObject>();
  for (const e of chosen) {
    let meant: string | undefined;
    if (e.keyword === 'additionalProperties') {
      // `unit: 3` for `units`: the unknown key explains the missing one, so only it is reported.
      const allowed = Object.keys((e.parentSchema?.properties ?? {}) as Record<string, unknown>);
      meant = suggest(String((e.params as { additionalProperty: string }).additionalProperty), allowed);
    } else if (e.keyword === 'discriminator') {
      // A layer without `type`: the discriminator's error says it better than `required`.
      meant = (e.params as { tag: string }).tag;
    }
    const r = meant === undefined ? undefined : required.get(`${e.instancePath}|${meant}`);
    if (r) skip.add(r);
  }
  const seen = new Set<string>();
  return chosen.filter((e) => {
    if (skip.has(e) || e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'propertyNames') return false;
    if (e.keyword === 'pattern' && REFERENCE.test(e.instancePath) && (e as { propertyName?: string }).propertyName === undefined) return false;
    if (e.keyword === 'pattern' && (e as { propertyName?: string }).propertyName !== undefined && /^\/training\//.test(e.instancePath)) return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}|${(e as { propertyName?: string }).propertyName ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base + '/');
}

/** Replaces every failed `anyOf` (with the errors of its branches before it) by its explanation. */
function explain(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[][] = [];
  let j = errors.length - 1;
  while (j >= 0) {
    const e = errors[j]!;
    if (e.keyword !== 'anyOf') {
      out.push([e]);
      j--;
      continue;
    }
    const start = branchesStart(errors, j);
    out.push(explainAnyOf(e, errors.slice(start, j)));
    j = start - 1;
  }
  return out.reverse().flat();
}

/**
 * ajv emits an `anyOf`'s branch errors just before the `anyOf` error itself, and they all
 * concern its value or values inside it; walking back while that holds finds them.
 */
function branchesStart(errors: readonly ErrorObject[], j: number): number {
  const group = errors[j]!;
  const own = group.schemaPath.replace(/\/anyOf$/, '/');
  let i = j;
  while (i > 0) {
    const prev = errors[i - 1]!;
    if (!within(prev.instancePath, group.instancePath)) break;
    // A sibling keyword of the same schema (`type` next to `anyOf`) is not a branch.
    if (prev.schemaPath.startsWith(own) && !prev.schemaPath.startsWith(group.schemaPath + '/')) break;
    i--;
  }
  return i;
}

function explainAnyOf(group: ErrorObject, kids: readonly ErrorObject[]): ErrorObject[] {
  const variants = ((group.parentSchema as { anyOf?: { $ref?: string }[] } | undefined)?.anyOf ?? []) as { $ref?: string }[];
  const branches = new Map<number, ErrorObject[]>();
  let current = 0;
  for (const k of kids) {
    current = branchOf(k, group, variants) ?? current;
    if (!branches.has(current)) branches.set(current, []);
    branches.get(current)!.push(k);
  }
  let best: ErrorObject[] | undefined;
  let bestDepth = -1;
  for (const errs of branches.values()) {
    const explained = explain(errs);
    const wrongType = explained.some((e) => e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'anyOf'));
    if (wrongType) continue;
    const depth = Math.max(...explained.map((e) => e.instancePath.split('/').length));
    if (depth > bestDepth || (depth === bestDepth && best !== undefined && explained.length < best.length)) {
      best = explained;
      bestDepth = depth;
    }
  }
  return best ?? [group];
}

/** The branch an error belongs to: from its schema path, or from the `$ref` its branch follows. */
function branchOf(e: ErrorObject, group: ErrorObject, variants: readonly { $ref?: string }[]): number | undefined {
  const prefix = group.schemaPath + '/';
  if (e.schemaPath.startsWith(prefix)) return Number(e.schemaPath.slice(prefix.length).split('/')[0]);
  const i = variants.findIndex((v) => typeof v.$ref === 'string' && (e.schemaPath === v.$ref || e.schemaPath.startsWith(v.$ref + '/')));
  return i >= 0 ? i : undefined;
}
