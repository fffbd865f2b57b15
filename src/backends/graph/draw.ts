/** A compiled spec → its picture in one format. Undefined when the spec is too broken to have a graph. */
import type { CompileResult } from '../../compiler/compile.js';
import { renderDot } from './dot.js';
import { layout, tooLargeToLayOut } from './layout.js';
import { renderMermaid } from './mermaid.js';
import { buildDiagram, type Diagram } from './model.js';
import { sourceFacts } from './source.js';
import { renderSvg } from './svg.js';

export const GRAPH_FORMATS = ['svg', 'dot', 'mermaid'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function diagramOf(result: CompileResult): Diagram | undefined {
  if (!result.graph) return undefined;
  return buildDiagram(result.graph, sourceFacts(result.graph, result.doc, result.text, result.diagnostics));
}

/** Why `result` is too large to draw as SVG (then `dot` and `mermaid` still work), or undefined. */
export function svgTooLarge(result: CompileResult): string | undefined {
  const diagram = diagramOf(result);
  return diagram ? tooLargeToLayOut(diagram) : undefined;
}

export async function draw(result: CompileResult, format: GraphFormat): Promise<string | undefined> {
  const diagram = diagramOf(result);
  if (!diagram) return undefined;
  switch (format) {
    case 'svg':
      return renderSvg(diagram, await layout(diagram));
    case 'dot':
      return renderDot(diagram);
    case 'mermaid':
      return renderMermaid(diagram);
  }
}
