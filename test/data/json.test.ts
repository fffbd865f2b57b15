import { describe, expect, it } from 'vitest';
import { parseJsonArray } from '../../src/data/json.js';
import { dataError } from './fixtures.js';

const read = (text: string) => parseJsonArray(text, 'answer.json');
const refusal = (text: string) => {
  const e = dataError(() => read(text));
  return [e.code, e.message];
};

describe('reading', () => {
  it('reads a matrix of integers as int32, C order', () => {
    expect(read('[[1, 2, 3], [4, 5, 6]]')).toEqual({ dtype: 'int32', shape: [2, 3], data: Int32Array.from([1, 2, 3, 4, 5, 6]) });
  });

  it('reads any non-integer spelling as float64, exactly', () => {
    expect(read('[0.1, 1e2, -2E-1, 3]')).toEqual({ dtype: 'float64', shape: [4], data: Float64Array.from([0.1, 100, -0.2, 3]) });
    expect(read('[1.0, 2.0]').dtype).toBe('float64');
  });

  it('reads integers beyond int32 as int64, exactly', () => {
    expect(read('[1, 9007199254740991]')).toEqual({ dtype: 'int64', shape: [2], data: Float64Array.from([1, 2 ** 53 - 1]) });
  });

  it('reads booleans as bool', () => {
    expect(read('[[true, false], [false, true]]')).toEqual({ dtype: 'bool', shape: [2, 2], data: Uint8Array.from([1, 0, 0, 1]) });
  });

  it('reads 3-d arrays, scalars, empty lists and whitespace', () => {
    expect(read(' [ [[1],[2]] ,\n [[3],[4]] ]\n')).toMatchObject({ shape: [2, 2, 1], data: Int32Array.from([1, 2, 3, 4]) });
    expect(read('7')).toEqual({ dtype: 'int32', shape: [], data: Int32Array.from([7]) });
    expect(read('[]')).toEqual({ dtype: 'float64', shape: [0], data: new Float64Array(0) });
    expect(read('[[], []]')).toEqual({ dtype: 'float64', shape: [2, 0], data: new Float64Array(0) });
  });

  it('grows past its first buffer', () => {
    const n = 5000;
    const a = read(`[${Array.from({ length: n }, (_, i) => i).join(',')}]`);
    expect([a.shape, a.data[n - 1]]).toEqual([[n], n - 1]);
  });
});

describe('refusing', () => {
  it.each([
    ['[[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4]]', 'answer.json: row 3 has 4 items, row 0 has 5'],
    ['[[1], [2, 3]]', 'answer.json: row 1 has 2 items, row 0 has 1'],
    ['[[[1, 2], [3, 4]], [[5, 6], [7]]]', 'answer.json: element [1, 1] has 1 item, element [0, 0] has 2'],
    ['[[1, 2], 3]', 'answer.json: row 1 is a number, row 0 is a list of 2 items'],
    ['[1, [2]]', 'answer.json: row 1 is a list, row 0 is a number'],
    ['[[], [[1], 2]]', 'answer.json: element [1, 1] is a number, element [1, 0] is a list of 1 item'],
    ['[[[1], 2]]', 'answer.json: element [0, 1] is a number, element [0, 0] is a list of 1 item'],
  ])('ragged %s', (text, message) => {
    expect(refusal(text)).toEqual(['NN814', message]);
  });

  it.each([
    ['[1, "2"]', 'answer.json: row 1 (line 1, column 5) is a string; expected a number or a boolean'],
    ['[[1, 2],\n [3, null]]', 'answer.json: element [1, 1] (line 2, column 6) is null; expected a number or a boolean'],
    ['{"x": [1]}', 'answer.json: the top level (line 1, column 1) is an object; expected a number or a boolean'],
    ['[1, NaN]', 'answer.json: row 1 (line 1, column 5) is NaN or Infinity, which JSON does not allow; expected a number or a boolean'],
    ['[-Infinity]', 'answer.json: row 0 (line 1, column 2) is NaN or Infinity, which JSON does not allow; expected a number or a boolean'],
    ['[1e999]', 'answer.json: row 0 (line 1, column 2) is 1e999, which is not a finite number'],
    ['[true, 1]', 'answer.json: row 1 is a number, row 0 is a boolean; use numbers or booleans, not both'],
    ['[[1], [true]]', 'answer.json: element [1, 0] is a boolean, element [0, 0] is a number; use numbers or booleans, not both'],
  ])('non-number %s', (text, message) => {
    expect(refusal(text)).toEqual(['NN815', message]);
  });

  it('refuses integers beyond 2^53 before they round', () => {
    expect(refusal('[1, 9007199254740993]')).toEqual(['NN808', 'answer.json: row 1 (line 1, column 5) is the integer 9007199254740993, which is beyond 2^53 and cannot be represented exactly; write it as a float (9007199254740993.0) if it may round']);
    expect(read('[9007199254740993.0]').dtype).toBe('float64');
  });

  it.each([
    ['', 'answer.json: is empty'],
    ['[1, 2', "answer.json: line 1, column 6: expected ',' or ']' but found the end of the file"],
    ['[1 2]', "answer.json: line 1, column 4: expected ',' or ']' but found '2'"],
    ['[1,]', "answer.json: line 1, column 4: expected a number, a boolean or '[' but found ']'"],
    ['[01]', "answer.json: line 1, column 3: expected ',' or ']' but found '1'"],
    ['[1] [2]', "answer.json: line 1, column 5: expected the end of the file but found '['"],
    ['[.5]', "answer.json: line 1, column 2: expected a number, a boolean or '[' but found '.'"],
    ['[-]', "answer.json: line 1, column 2: expected a number but found '-'"],
    [`${'['.repeat(40)}${']'.repeat(40)}`, 'answer.json: line 1, column 33: lists are nested more than 32 deep'],
  ])('syntax %j', (text, message) => {
    expect(refusal(text)).toEqual(['NN813', message]);
  });
});
