/** Reference tables generated from the code (diagnostic codes, layer types) for the README. */
import { readFileSync } from 'node:fs';
import { draw } from './backends/graph/draw.js';
import { renderTable } from './backends/summary/table.js';
import { summarize } from './backends/summary/rows.js';
import { compile } from './compiler/compile.js';
import { painter } from './diagnostics/render/color.js';
import { countLine, renderPretty } from './diagnostics/render/pretty.js';
import { LAYER_KINDS } from './layers/registry.js';

export { codesTable } from './diagnostics/codes-table.js';

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

/** The README's quick start: a real summary and a real diagnostic, as the commands print them. */
export function quickStart(root: URL): string {
  const read = (f: string) => readFileSync(new URL(f, root));
  const qa = compile(read('specs/question_answering.yaml'), 'specs/question_answering.yaml');
  const bad = 'test/fixtures/chapter/inception_unpadded.yaml';
  const broken = compile(read(bad), bad);
  const plain = painter({ isTTY: false, env: {} });
  const errors = broken.diagnostics.filter((d) => d.severity === 'error').length;
  return [
    '```sh',
    'npx nnspec summary specs/question_answering.yaml',
    '```',
    '',
    '```',
    renderTable(summarize(qa.graph!)).trimEnd(),
    '```',
    '',
    "A mistake is caught with its place and a way to fix it (this one is from the chapter the project",
    'grew from, whose inception branches cannot be concatenated):',
    '',
    '```sh',
    `npx nnspec validate ${bad}`,
    '```',
    '',
    '```',
    (renderPretty(broken.diagnostics, broken.text, plain) + countLine(errors, broken.diagnostics.length - errors, 1, plain)).trimEnd(),
    '```',
  ].join('\n');
}

/** The README's Mermaid picture of the siamese seed spec, as `nnspec graph --format mermaid` prints it. */
export async function mermaidExample(root: URL): Promise<string> {
  const file = 'specs/siamese_lstm.yaml';
  const picture = await draw(compile(readFileSync(new URL(file, root)), file), 'mermaid');
  return ['```mermaid', picture!.trimEnd(), '```'].join('\n');
}
