/**
 * The .json reader: nested arrays of numbers (or of booleans) → an n-d array. The shape comes
 * from the first element at each depth; every later list must match it, so a ragged file is
 * refused at its first odd element. A small scanner of its own, instead of JSON.parse, so that
 * errors carry a place, integers beyond 2^53 are caught before they round, and memory holds one
 * flat buffer instead of nested JS arrays.
 */
import type { NdArray } from './array.js';
import { failer, guard, textPlace } from './errors.js';
import { readDataFile } from './file.js';
import { decodeText } from './text.js';
import { Values } from './values.js';

/** Deeper nesting than any tensor a model takes; bounds the recursion. */
export const MAX_JSON_DEPTH = 32;

export function readJsonArray(path: string, label: string = path): NdArray {
  return guard(label, () => parseJsonArray(decodeText(readDataFile(path, label), label), label));
}

type Kind = 'list' | 'number' | 'boolean';

export function parseJsonArray(text: string, file: string): NdArray {
  const fail = failer(file);
  const values = new Values();
  const shape: number[] = [];
  const kinds: Kind[] = []; // the kind of the first element at each depth
  const firsts: number[][] = []; // where that first element is, for messages
  const path: number[] = [];
  let scalar: { kind: Kind; path: number[] } | undefined; // the first number or boolean
  let i = 0;

  const where = (at = i) => {
    let line = 1;
    let col = 1;
    for (let k = 0; k < at; k++) {
      if (text.charCodeAt(k) === 10) [line, col] = [line + 1, 1];
      else col++;
    }
    return `line ${line}, column ${col}`;
  };
  const syntax = (message: string, at = i): never => fail('NN813', `${where(at)}: ${message}`, textPlace(text, at));
  const seen = () => (i >= text.length ? 'the end of the file' : `'${text[i]}'`);
  const skip = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };

  // A list where the first element at the same depth is a scalar, or the reverse, is ragged.
  const expectKind = (kind: Kind, describe: () => string) => {
    const d = path.length;
    if (kinds[d] === undefined) {
      kinds[d] = kind;
      firsts[d] = [...path];
    } else if ((kinds[d] === 'list') !== (kind === 'list')) {
      // A list met before its first sibling closed has no length yet: say only that it is a list.
      const first = kinds[d] === 'list' ? (shape[d] === undefined ? 'a list' : `a list of ${items(shape[d]!)}`) : `a ${kinds[d]}`;
      fail('NN814', `${place(path)} is ${describe()}, ${place(firsts[d]!)} is ${first}`, textPlace(text, i));
    }
  };

  const value = (): void => {
    skip();
    const c = text[i];
    const start = i;
    if (c === '[') return list();
    if (/^-?(NaN|Infinity)/.test(text.slice(i, i + 9))) return notNumber('NaN or Infinity, which JSON does not allow', start);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (text.startsWith('true', i) || text.startsWith('false', i)) return boolean();
    if (c === '"') return notNumber('a string', start);
    if (c === '{') return notNumber('an object', start);
    if (text.startsWith('null', i)) return notNumber('null', start);
    syntax(`expected a number, a boolean or '[' but found ${seen()}`);
  };

  const notNumber = (what: string, start: number): never => fail('NN815', `${place(path)} (${where(start)}) is ${what}; expected a number or a boolean`, textPlace(text, start));

  const list = () => {
    const start = i++;
    if (path.length >= MAX_JSON_DEPTH) syntax(`lists are nested more than ${MAX_JSON_DEPTH} deep`, start);
    expectKind('list', () => 'a list');
    const d = path.length;
    path.push(0);
    skip();
    if (text[i] !== ']') {
      for (;;) {
        value();
        skip();
        if (text[i] === ']') break;
        if (text[i] !== ',') syntax(`expected ',' or ']' but found ${seen()}`);
        i++;
        path[d]!++;
      }
      path[d]!++;
    }
    i++;
    const n = path.pop()!;
    if (shape[d] === undefined) {
      shape[d] = n;
      firsts[d] = [...path];
    } else if (shape[d] !== n) fail('NN814', `${place(path)} has ${items(n)}, ${place(firsts[d]!)} has ${shape[d]}`, textPlace(text, start, i - start));
  };

  const number = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return syntax(`expected a number but found ${seen()}`);
    const integer = m[2] === undefined && m[3] === undefined;
    const v = Number(m[0]);
    scalarKind('number');
    if (!Number.isFinite(v)) fail('NN815', `${place(path)} (${where()}) is ${m[0]}, which is not a finite number`, textPlace(text, i, m[0].length));
    if (integer && !Number.isSafeInteger(v)) fail('NN808', `${place(path)} (${where()}) is the integer ${m[0]}, which is beyond 2^53 and cannot be represented exactly; write it as a float (${m[0]}.0) if it may round`, textPlace(text, i, m[0].length));
    i += m[0].length;
    values.push(v, integer);
  };

  const boolean = () => {
    const v = text.startsWith('true', i);
    scalarKind('boolean');
    i += v ? 4 : 5;
    values.pushBool(v);
  };

  const scalarKind = (kind: 'number' | 'boolean') => {
    expectKind(kind, () => `a ${kind}`);
    if (scalar === undefined) scalar = { kind, path: [...path] };
    else if (scalar.kind !== kind) fail('NN815', `${place(path)} is a ${kind}, ${place(scalar.path)} is a ${scalar.kind}; use numbers or booleans, not both`, textPlace(text, i));
  };

  if (text.trim() === '') fail('NN813', 'is empty', { place: 'the whole file' });
  value();
  skip();
  if (i < text.length) syntax(`expected the end of the file but found ${seen()}`);
  return values.toArray(shape);
}

/** JSON's number grammar, sticky so it matches in place without slicing the text. */
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);

/** "row 3" at depth 1, "element [2, 1]" deeper, "the top level" at depth 0. */
function place(path: readonly number[]): string {
  if (path.length === 0) return 'the top level';
  if (path.length === 1) return `row ${path[0]}`;
  return `element [${path.join(', ')}]`;
}
