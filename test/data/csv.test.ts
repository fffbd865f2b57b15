import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { dataError } from './fixtures.js';

const read = (text: string) => parseCsv(text, 'x.csv');
const refusal = (text: string) => {
  const e = dataError(() => read(text));
  return [e.code, e.message];
};

describe('reading', () => {
  it('reads one row a sample, shape (rows, columns)', () => {
    expect(read('1,2,3\n4,5,6\n')).toEqual({ header: null, array: { dtype: 'int32', shape: [2, 3], data: Int32Array.from([1, 2, 3, 4, 5, 6]) } });
  });

  it('reads a single column as a vector (N,)', () => {
    expect(read('0\n1\n1\n').array).toEqual({ dtype: 'int32', shape: [3], data: Int32Array.from([0, 1, 1]) });
    expect(read('label\n0.5\n1\n')).toEqual({ header: ['label'], array: { dtype: 'float64', shape: [2], data: Float64Array.from([0.5, 1]) } });
  });

  it('detects a header when no cell of the first line is a number', () => {
    expect(read('a, "b, c",d\n1,2,3\n').header).toEqual(['a', 'b, c', 'd']);
    expect(read(',a,b\n0,1.5,2\n')).toMatchObject({ header: ['', 'a', 'b'], array: { shape: [1, 3] } }); // pandas' index column
  });

  it('takes any number spelling, with spaces, CRLF and trailing empty lines', () => {
    const t = read(' 1.5 , -2e3 ,+.5\r\n3., 1E-2 ,-0\r\n\r\n  \n\n');
    expect(t.array).toEqual({ dtype: 'float64', shape: [2, 3], data: Float64Array.from([1.5, -2000, 0.5, 3, 0.01, -0]) });
  });

  it('reads quoted numbers and integers beyond int32 exactly', () => {
    expect(read('"1","2"\n3,"4"\n').array.data).toEqual(Int32Array.from([1, 2, 3, 4]));
    expect(read('4294967296\n1\n').array).toEqual({ dtype: 'int64', shape: [2], data: Float64Array.from([2 ** 32, 1]) });
  });
});

describe('refusing', () => {
  it.each([
    ['', 'NN816', 'x.csv: is empty; expected one line of numbers per sample'],
    ['\n\n \n', 'NN816', 'x.csv: is empty; expected one line of numbers per sample'],
    ['a,b\n', 'NN816', 'x.csv: has a header line but no data lines'],
    ['1,2,3\n4,5\n', 'NN814', 'x.csv: line 2 has 2 cells, line 1 has 3'],
    ['a,b\n1,2\n3\n', 'NN814', 'x.csv: line 3 has 1 cell, the header (line 1) has 2'],
    ['1,2\n\n3,4\n', 'NN814', 'x.csv: line 2 is empty; only empty lines at the end are ignored'],
    ['1,2\n3,abc\n', 'NN815', "x.csv: line 2, cell 2: 'abc' is not a number"],
    ['1,2\n3,\n', 'NN815', 'x.csv: line 2, cell 2 is empty; every cell must be a number'],
    ['1,x,3\n4,5,6\n', 'NN815', "x.csv: line 1, cell 2: 'x' is not a number (a header line must have no numeric cells)"],
    ['a\n1;2\n', 'NN815', "x.csv: line 2, cell 1: '1;2' is not a number (cells are separated by commas)"],
    ['1\nnan\n', 'NN815', "x.csv: line 2, cell 1: 'nan' is not a number"],
    ['1\n1e999\n', 'NN815', "x.csv: line 2, cell 1: '1e999' is not a finite number"],
    ['1\n9007199254740993\n', 'NN808', 'x.csv: line 2, cell 1: the integer 9007199254740993 is beyond 2^53 and cannot be represented exactly'],
    ['1,"2\n', 'NN813', 'x.csv: line 1, cell 2: the quote at character 3 is never closed'],
    ['1,"2" 3\n', 'NN813', 'x.csv: line 1, cell 2: text after a closing quote'],
  ])('%j', (text, code, message) => {
    expect(refusal(text)).toEqual([code, message]);
  });
});
