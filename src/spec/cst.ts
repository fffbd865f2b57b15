/**
 * The YAML concrete syntax tree, read before composing: yaml's Parser builds it without
 * recursion, but its Composer recurses once per nesting level and so must never see a tree
 * deeper than MAX_DEPTH. These helpers walk the tree with an explicit stack.
 */
import { CST, Lexer, Parser } from 'yaml';

/** Deeper nesting than this is refused; a real spec needs about six levels. */
export const MAX_DEPTH = 64;

type Visit = (token: CST.Token, depth: number) => boolean | void;

/** Visits every token under `roots`, depth-first; `depth` counts enclosing collections. Return false to stop. */
export function walkCst(roots: readonly CST.Token[], visit: Visit): void {
  const stack: [CST.Token, number][] = roots.map((t) => [t, 0] as [CST.Token, number]).reverse();
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (visit(token, depth) === false) return;
    const children: (CST.Token | null | undefined)[] = [];
    switch (token.type) {
      case 'document':
        children.push(token.value);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        for (const item of token.items) children.push(item.key, item.value);
        break;
    }
    const inner = CST.isCollection(token) ? depth + 1 : depth;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push([child, inner]);
    }
  }
}

/**
 * The CST of `text`, or the offset where its nesting first goes deeper than MAX_DEPTH.
 * Flow brackets are counted on the lexer's tokens as they are fed to the Parser, which stops
 * being fed past the limit: even the Parser runs out of memory on 20,000 `[`. Block nesting
 * (`- - - -`, indented maps) is counted on the finished CST.
 */
export function readCst(text: string): { tokens: CST.Token[] } | { tooDeepAt: number } {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let depth = 0;
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (++depth > MAX_DEPTH) return { tooDeepAt: offset };
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') {
      depth = Math.max(0, depth - 1);
    }
    // doc-mode, flow-error-end and scalar are zero-width markers the lexer inserts.
    if (type !== 'doc-mode' && type !== 'flow-error-end' && type !== 'scalar') offset += lexeme.length;
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  let at: number | undefined;
  walkCst(tokens, (token, d) => {
    if (!CST.isCollection(token) || d < MAX_DEPTH) return true;
    at = token.offset;
    return false;
  });
  return at === undefined ? { tokens } : { tooDeepAt: at };
}
