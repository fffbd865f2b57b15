/**
 * A strict reader for the Python literals a .npy header uses: dicts, tuples, lists, quoted
 * strings without escapes, integers (exact, as bigint), True and False. NumPy evaluates the
 * header with ast.literal_eval; we accept only the subset it writes, and never evaluate anything.
 */

export type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: [PyValue, PyValue][] };

/** Why a literal could not be read; `at` is the character offset in the text. */
export class PyLiteralError {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
}

// A real header nests at most 2 deep ({'shape': (...)}); structured dtypes a few more.
const MAX_DEPTH = 16;

/** Parses one literal from `text[start..]`; returns it and the offset just past it. */
export function parsePyLiteral(text: string, start = 0): { value: PyValue; end: number } {
  let i = start;
  const fail = (message: string, at = i): never => {
    throw new PyLiteralError(message, at);
  };
  const skip = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const seen = () => (i < text.length ? `'${text[i]}'` : 'the end of the header');

  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} deep`);
    skip();
    const c = text[i];
    if (c === '{') return dict(depth);
    if (c === '(') return sequence('tuple', ')', depth);
    if (c === '[') return sequence('list', ']', depth);
    if (c === "'" || c === '"') return string();
    if (c !== undefined && /[-+0-9]/.test(c)) return integer();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 32))?.[0];
    if (word === 'True' || word === 'False') {
      i += word.length;
      return { kind: 'bool', value: word === 'True' };
    }
    return fail(word ? `unexpected name '${word}'` : `unexpected ${seen()}`);
  };

  const string = (): PyValue => {
    const quote = text[i]!;
    const from = ++i;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') fail('escape sequences are not accepted in header strings');
      if (text[i] === '\n') fail('unterminated string');
      i++;
    }
    if (i >= text.length) fail('unterminated string', from - 1);
    return { kind: 'str', value: text.slice(from, i++) };
  };

  const integer = (): PyValue => {
    const m = /^[-+]?[0-9]+L?/.exec(text.slice(i, i + 64));
    if (!m) return fail(`unexpected ${seen()}`);
    // Headers written by Python 2 spell long integers with a trailing L.
    const digits = m[0].replace(/L$/, '');
    i += m[0].length;
    if (/^[-+]?0[0-9]/.test(digits)) fail(`integer '${digits}' has a leading zero`, i - m[0].length);
    if (i < text.length && /[.eExX_A-Za-z]/.test(text[i]!)) fail('only integers are accepted as numbers');
    return { kind: 'int', value: BigInt(digits) };
  };

  const sequence = (kind: 'tuple' | 'list', close: string, depth: number): PyValue => {
    const open = i++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      skip();
      if (text[i] === close) break;
      if (i >= text.length) fail(`'${text[open]}' is never closed`, open);
      items.push(value(depth + 1));
      skip();
      if (text[i] === ',') {
        i++;
        sawComma = true;
      } else if (text[i] !== close) fail(`expected ',' or '${close}' but found ${seen()}`);
    }
    i++;
    // (3) is the integer 3 in Python, not a tuple: only (3,) is.
    if (kind === 'tuple' && items.length === 1 && !sawComma) fail("a one-item tuple needs a trailing comma, as in (3,)", open);
    return { kind, items };
  };

  const dict = (depth: number): PyValue => {
    const open = i++;
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      skip();
      if (text[i] === '}') break;
      if (i >= text.length) fail("'{' is never closed", open);
      const key = value(depth + 1);
      skip();
      if (text[i] !== ':') fail(`expected ':' but found ${seen()}`);
      i++;
      entries.push([key, value(depth + 1)]);
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail(`expected ',' or '}' but found ${seen()}`);
    }
    i++;
    return { kind: 'dict', entries };
  };

  const v = value(0);
  return { value: v, end: i };
}

/** How a value reads in an error message: Python's spelling, shortened. */
export function pyText(v: PyValue): string {
  let s: string;
  switch (v.kind) {
    case 'str':
      s = `'${v.value}'`;
      break;
    case 'int':
      s = String(v.value);
      break;
    case 'bool':
      s = v.value ? 'True' : 'False';
      break;
    case 'tuple':
      s = v.items.length === 1 ? `(${pyText(v.items[0]!)},)` : `(${v.items.map(pyText).join(', ')})`;
      break;
    case 'list':
      s = `[${v.items.map(pyText).join(', ')}]`;
      break;
    case 'dict':
      s = `{${v.entries.map(([k, x]) => `${pyText(k)}: ${pyText(x)}`).join(', ')}}`;
      break;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
