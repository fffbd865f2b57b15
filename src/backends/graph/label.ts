/**
 * The text of a box, the same in every format: name (bold), layer type, output shape. Sizes are
 * estimated for a monospace font, so a box fits its label without measuring text.
 */
import type { DiagramNode } from './model.js';

export interface LabelLine {
  text: string;
  bold?: boolean;
}

export function labelLines(node: DiagramNode): LabelLine[] {
  const lines: LabelLine[] = [{ text: printable(node.name), bold: true }];
  if (node.role === 'missing') {
    lines.push({ text: node.output ? 'not defined (output)' : 'not defined' });
    return lines;
  }
  let type = node.type ?? '?';
  if (node.shares !== undefined) type += ` · shares ${node.shares}`;
  type = printable(type);
  if (node.output) type += ' · output';
  lines.push({ text: type });
  lines.push({ text: shapeLine(node) });
  return lines;
}

function shapeLine(node: DiagramNode): string {
  if (node.shape !== undefined) return node.dtype && node.dtype !== 'float32' ? `${node.shape} ${node.dtype}` : node.shape;
  if (node.status === 'skipped') return '? (an input failed)';
  const codes = [...new Set(node.problems.filter((p) => p.severity === 'error').map((p) => p.code))];
  return codes.length > 0 ? `error ${codes.join(', ')}` : 'error';
}

/** Control characters (possible in an invalid spec's quoted names) made visible, so no format breaks a line. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Font metrics the layout assumes: common monospace fonts advance 0.6 em per character. */
export const FONT_SIZE = 12;
export const LINE_HEIGHT = 16;
export const CHAR_WIDTH = 0.61 * FONT_SIZE;
export const FONT_FAMILY = "Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/** Width of a string in monospace cells: wide (East Asian, emoji) characters take two, combining marks none. */
export function cells(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    n += isWide(c) ? 2 : 1;
  }
  return n;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

export function textWidth(text: string): number {
  return cells(text) * CHAR_WIDTH;
}
