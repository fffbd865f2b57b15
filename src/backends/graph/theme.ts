/** Colours and strokes, shared by the SVG, DOT and Mermaid renderers so the three pictures agree. */
import type { DiagramNode } from './model.js';

export interface BoxStyle {
  fill: string;
  stroke: string;
  strokeWidth: number;
  /** SVG dash pattern, for boxes that are not real layers or were not inferred. */
  dash?: string;
  text: string;
}

export const EDGE_COLOUR = '#555555';
export const ERROR_COLOUR = '#c62828';
export const DASH = '5 3';

/** Shared layers: one fill and stroke per layer, clear of the input (blue), output (green) and error (red) colours. */
const SHARED = [
  { fill: '#fff3e0', stroke: '#e65100' },
  { fill: '#f3e5f5', stroke: '#8e24aa' },
  { fill: '#e0f2f1', stroke: '#00796b' },
  { fill: '#fce4ec', stroke: '#ad1457' },
  { fill: '#efebe9', stroke: '#6d4c41' },
  { fill: '#f9fbe7', stroke: '#827717' },
];

export function sharedColour(group: number): { fill: string; stroke: string } {
  return SHARED[group % SHARED.length]!;
}

export function boxStyle(node: DiagramNode): BoxStyle {
  let fill = '#fafafa';
  let stroke = '#616161';
  if (node.role === 'input') [fill, stroke] = ['#e3f2fd', '#1565c0'];
  else if (node.output) [fill, stroke] = ['#e8f5e9', '#2e7d32'];
  if (node.group !== undefined) ({ fill, stroke } = sharedColour(node.group));
  const style: BoxStyle = { fill, stroke, strokeWidth: node.output ? 2.5 : 1.2, text: '#212121' };
  switch (node.status) {
    case 'error':
      Object.assign(style, { stroke: ERROR_COLOUR, strokeWidth: 2.5, fill: '#ffebee' });
      if (node.role === 'missing') Object.assign(style, { fill: '#ffffff', dash: DASH });
      break;
    case 'skipped':
      Object.assign(style, { stroke: '#9e9e9e', fill: '#f5f5f5', dash: DASH, text: '#757575' });
      break;
    case 'warning':
      Object.assign(style, { stroke: '#f9a825', strokeWidth: 2.5 });
      break;
  }
  return style;
}
