/**
 * yaml's errors, restated for a spec's author. The library's messages describe its parser
 * ("Implicit keys need to be on a single line") and some of its positions point at the end of
 * what is wrong (a missing quote is reported at the end of the file); this module moves each
 * to the token at fault and says what happened and what was expected.
 */
import { CST, type YAMLError } from 'yaml';
import type { Code } from '../diagnostics/codes.js';
import type { Span } from '../diagnostics/diagnostic.js';
import { walkCst } from './cst.js';

export interface SyntaxProblem {
  code: Code;
  message: string;
  span: Span;
  hint?: string;
}

const CORE_TAGS: Record<string, string> = { int: 'an integer', float: 'a number', bool: 'a boolean', null: 'null', str: 'a string', map: 'a mapping', seq: 'a list' };

export function describeYamlError(e: YAMLError, text: string, tokens: readonly CST.Token[]): SyntaxProblem {
  // yaml places some errors at the end of the input (pos[0] === text.length): keep the span inside the text.
  const start = Math.min(e.pos[0], text.length);
  const at: Span = { start, end: Math.min(Math.max(e.pos[1], start + 1), text.length) };
  const first = e.message.split('\n')[0]!;
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { code: 'NN104', message: 'a tab is used for indentation; YAML indents with spaces only', span: at, hint: 'replace the tab with spaces' };
    case 'TAG_RESOLVE_FAILED':
      return tagProblem(first, text.slice(e.pos[0], e.pos[1]), at);
    case 'BAD_ALIAS':
    case 'MULTIPLE_ANCHORS':
    case 'ALIAS_PROPS':
      return { code: 'NN107', message: 'anchors and aliases are not allowed in a spec', span: at, hint: 'write every value out in full' };
    case 'RESOURCE_EXHAUSTION':
      return { code: 'NN109', message: 'the YAML is nested too deeply to read', span: at, hint: 'a spec never needs this depth; check for unbalanced brackets or runaway indentation' };
    case 'MISSING_CHAR':
      if (/closing ["']quote/.test(first)) return unclosedQuote(first.includes('"') ? '"' : "'", e.pos[0], tokens, at);
      if (/end with a [\]}]$/.test(first)) return unclosedFlow(e.pos[0], tokens, at);
      if (first.startsWith('Implicit map keys need to be followed')) {
        const key = text.slice(e.pos[0], e.pos[1]).split('\n')[0]!;
        return syntax(`'${key}' has no ':' and value after it`, at, `write \`${key}: value\`, or indent it under the key it belongs to`);
      }
      if (first.startsWith('Sequence item without')) return syntax("this line is indented like a list item but does not start with '- '", lineStart(text, at), "start every item of a block list with '- '");
      if (first.startsWith('Comments must be separated')) return syntax("a comment needs a space before its '#'", at, "write ' # comment', or quote the value if '#' belongs to it");
      if (first.startsWith('Missing directives-end')) return syntax("a '%' directive line must be followed by a '---' line", at);
      if (first.startsWith('Missing , between')) return syntax(`missing ',' between the items of a ${first.includes('map') ? 'mapping in { }' : 'list in [ ]'}`, at);
      if (first.startsWith('Missing space after :')) return syntax("missing space after ':' in { }", at, 'write `key: value` with a space after the colon');
      break;
    case 'BAD_INDENT':
      if (/end with a [\]}]$/.test(first)) return unclosedFlow(e.pos[0], tokens, at);
      if (first.startsWith('All mapping items')) return syntax('this key is not lined up with the other keys of its mapping', lineStart(text, at), 'indent every key of one mapping by the same number of spaces');
      if (first.startsWith('All sequence items')) return syntax('this item is not lined up with the other items of its list', lineStart(text, at), "indent every '- ' of one list by the same number of spaces");
      break;
    case 'MULTILINE_IMPLICIT_KEY':
      return multilineKey(text, at);
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (/block sequence may not be used as an implicit map key/.test(first)) {
        return syntax("this '- ' item is not lined up with the other items of its list", lineStart(text, at), "indent every '- ' of one list by the same number of spaces");
      }
      if (first.startsWith('Nested mappings')) {
        return syntax('a `key: value` pair cannot be the value of another key on the same line', at, 'put the inner mapping on its own lines, indented under its key, or in { }; quote the value if the colon belongs to it');
      }
      break;
    case 'BLOCK_IN_FLOW':
      return syntax("a block list or mapping (lines of '- item' or 'key: value') cannot appear inside [ ] or { }", at, 'write the inner collection in brackets too, or write the outer one as a block');
    case 'BAD_SCALAR_START': {
      const ch = text[e.pos[0]] ?? '';
      return syntax(`a plain value cannot start with '${ch}'`, at, `put the value in quotes: "${text.slice(e.pos[0]).split(/[\n,\]}]/)[0]!.trim()}"`);
    }
    case 'BAD_DQ_ESCAPE':
      return syntax(`invalid escape sequence in a double-quoted string: ${first.replace(/^Invalid escape sequence /, '')}`, at, "write '\\\\' for a backslash, or use single quotes, where '\\' is an ordinary character");
    case 'KEY_OVER_1024_CHARS':
      return syntax('a key is longer than 1024 characters', { start: e.pos[0], end: e.pos[0] + 1 });
    case 'UNEXPECTED_TOKEN': {
      const ch = text[e.pos[0]] ?? '';
      if (ch === ']' || ch === '}') return syntax(`unexpected '${ch}' with no '${ch === ']' ? '[' : '{'}' to close`, at, 'remove it, or add the opening bracket where the collection starts');
      if (ch === ',') return syntax("unexpected ',': an item is missing between two commas, or before the first", at);
      break;
    }
  }
  return syntax(`invalid YAML: ${first.charAt(0).toLowerCase()}${first.slice(1).replace(/ at line \d+, column \d+:?$/, '')}`, at);
}

function syntax(message: string, span: Span, hint?: string): SyntaxProblem {
  return hint === undefined ? { code: 'NN103', message, span } : { code: 'NN103', message, span, hint };
}

function tagProblem(message: string, source: string, at: Span): SyntaxProblem {
  const core = /^Unresolved tag: tag:yaml\.org,2002:(\w+)$/.exec(message);
  if (core && CORE_TAGS[core[1]!]) {
    return { code: 'NN108', message: `the value tagged '${source}' is not ${CORE_TAGS[core[1]!]}`, span: at, hint: 'remove the tag: nnspec reads numbers, booleans, null, lists and mappings without tags' };
  }
  return { code: 'NN108', message: `YAML tags such as '${source}' are not allowed in a spec`, span: at, hint: 'write the plain value without a tag' };
}

/** yaml reports a missing closing quote where the file (or line) ends; the fault is the opening quote. */
function unclosedQuote(q: string, end: number, tokens: readonly CST.Token[], at: Span): SyntaxProblem {
  let open: number | undefined;
  walkCst(tokens, (t) => {
    if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && t.offset + t.source.length === end) {
      open = t.offset;
      return false;
    }
    return true;
  });
  const escape = q === '"' ? 'a " inside the string is written \\"' : "a ' inside the string is written ''";
  if (open === undefined) return syntax(`a quoted string is never closed; expected a closing ${q}`, at, escape);
  return syntax(`this ${q}-quoted string is never closed; expected a closing ${q}`, { start: open, end: open + 1 }, `add the closing ${q}; ${escape}`);
}

/** An unclosed `[` or `{` is reported where yaml gave up; the fault is the bracket that was opened. */
function unclosedFlow(pos: number, tokens: readonly CST.Token[], at: Span): SyntaxProblem {
  let open: CST.FlowCollection | undefined;
  walkCst(tokens, (t) => {
    if (t.type !== 'flow-collection' || t.offset > pos) return true;
    const close = t.start.source === '[' ? ']' : '}';
    if (t.end[0]?.source !== close && (!open || t.offset > open.offset)) open = t;
    return true;
  });
  if (!open) return syntax('a bracket is never closed', at);
  const o = open.start.source;
  const c = o === '[' ? ']' : '}';
  return syntax(
    `this '${o}' is never closed; expected '${c}'`,
    { start: open.start.offset, end: open.start.offset + 1 },
    `close it with '${c}'; a collection in brackets that spans lines must keep each line indented more than its key`,
  );
}

/** `name t` then `inputs: ...`: yaml reads both lines as one key; the fault is the missing `: `. */
function multilineKey(text: string, at: Span): SyntaxProblem {
  const lineEnd = text.indexOf('\n', at.start);
  const end = lineEnd < 0 ? text.length : lineEnd;
  const first = text.slice(at.start, end).replace(/\r$/, '').trimEnd();
  if (/^- /.test(first)) return syntax("a '- ' list item cannot appear inside [ ] or { }", { start: at.start, end: at.start + 1 }, 'separate the items of a list in brackets with commas: `[a, b]`');
  const hint = /:\S/.test(first) ? "a key needs a space after its colon: write `key: value`" : 'write `key: value`';
  return syntax(`missing ': ' after '${first}', so YAML reads it and the next line as one key`, { start: at.start, end: at.start + first.length }, hint);
}

/** Moves a span at the start of a line's indentation to its first non-blank character. */
function lineStart(text: string, at: Span): Span {
  let i = at.start;
  while (text[i] === ' ') i++;
  if (text[i] === '\n' || i >= text.length) return at;
  return { start: i, end: i + 1 };
}
