/** Reference tables generated from the code (diagnostic codes, layer types) for the README. */
import { CODES } from './diagnostics/codes.js';
import { LAYER_KINDS } from './layers/registry.js';

export function codesTable(): string {
  const rows = Object.entries(CODES).map(([code, { name, summary }]) => `| \`${code}\` | ${name} | ${summary} |`);
  return ['| code | name | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function layersTable(): string {
  const rows = [...LAYER_KINDS.values()].map((k) => {
    const required = Object.entries(k.params).filter(([, p]) => p.required).map(([n]) => `\`${n}\``);
    const optional = Object.entries(k.params).filter(([, p]) => !p.required).map(([n, p]) => `\`${n}\`=${JSON.stringify(p.default)}`);
    const inputs = k.arity.max === 1 ? '1' : k.arity.max === Number.POSITIVE_INFINITY ? `${k.arity.min}+` : `${k.arity.min}`;
    return `| \`${k.type}\` | ${inputs} | ${required.join(', ') || '—'} | ${optional.join(', ') || '—'} | ${k.description} |`;
  });
  return ['| type | inputs | required | optional (Keras default) | what it does |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function fillSection(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README has no ${name} section`);
  return doc.slice(0, a + start.length) + '\n' + body + '\n' + doc.slice(b);
}
