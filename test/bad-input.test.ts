/**
 * Hostile and broken input: every case is refused with a located diagnostic and exit status
 * 1 from `nnspec validate`, never a crash or a stack trace. Each test checks both faces: the
 * CLI's exit status and output, and the diagnostic's code, line:column and message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { brief, runCli, specWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnspec-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes `content` to a fresh file and runs `nnspec validate` on it. */
async function validate(content: string | Uint8Array) {
  const file = `case-${++n}.yaml`;
  writeFileSync(join(dir, file), content);
  return { file, ...(await runCli(['validate', file], { cwd: dir })) };
}

/** Exit 1, the code in the pretty output, nothing on stderr (no stack trace). */
async function expectRefused(content: string | Uint8Array, code: string) {
  const r = await validate(content);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain(`${r.file}:`);
  expect(r.stdout).toContain(`error[${code}]`);
  expect(r.stdout).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
  expect(r.code).toBe(1);
  return r;
}

function briefBytes(bytes: Uint8Array) {
  return compile(bytes, 'spec.yaml').diagnostics.map((d) => ({ code: d.code, at: `${d.line}:${d.column}`, message: d.message, severity: d.severity }));
}

const X = '  x: {shape: [4]}';
const D = (extra = '') => `  d: {type: Dense, units: 2${extra}}`;
const err = (code: string, at: string, message: string) => ({ code, at, message, severity: 'error' });

describe('files that hold no spec', () => {
  it.each([
    ['an empty file', ''],
    ['a file of only comments', '# nothing here\n\n# still nothing\n'],
    ['only a directive and a document marker', '%YAML 1.2\n---\n'],
  ])('%s', async (_, text) => {
    expect(brief(text)).toEqual([err('NN110', '1:1', 'the file holds no spec: it is empty or only comments')]);
    await expectRefused(text, 'NN110');
  });

  it('a top-level list', async () => {
    const text = '- nnspec: 1\n- name: t\n';
    expect(brief(text)).toEqual([err('NN111', '1:1', 'the top level of a spec must be a mapping of keys to values, not a list')]);
    await expectRefused(text, 'NN111');
  });

  it('a top-level scalar', async () => {
    const text = 'just some text\n';
    expect(brief(text)).toEqual([err('NN111', '1:1', 'the top level of a spec must be a mapping of keys to values, not a single value')]);
    await expectRefused(text, 'NN111');
  });

  it('several documents in one file, located at the second `---`', async () => {
    const text = `${specWith(X, D(), 'd')}---\n${specWith(X, D(), 'd')}`;
    expect(brief(text)).toEqual([err('NN105', '8:1', 'the file holds several YAML documents; a spec is exactly one')]);
    await expectRefused(text, 'NN105');
  });
});

describe('bytes that are not a text file', () => {
  const valid = Buffer.from(specWith(X, D(), 'd'));
  const withBytes = (bytes: number[]) => Buffer.concat([Buffer.from('nnspec: 1\nname: "ab'), Buffer.from(bytes), Buffer.from('"\n')]);

  it.each([
    ['a Latin-1 byte', [0xe9], 'the file is not valid UTF-8: 0xE9 at byte 19 starts a 3-byte sequence that is cut short'],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 'the file is not valid UTF-8: 0xC0 0xAF at byte 19 is an overlong encoding (a character written with more bytes than it needs)'],
    ['a 3-byte overlong encoding', [0xe0, 0x80, 0xaf], 'the file is not valid UTF-8: 0xE0 0x80 0xAF at byte 19 is an overlong encoding (a character written with more bytes than it needs)'],
    ['a lone surrogate encoded in UTF-8 (CESU)', [0xed, 0xa0, 0x80], 'the file is not valid UTF-8: 0xED 0xA0 0x80 at byte 19 encodes the UTF-16 surrogate U+D800, which UTF-8 forbids'],
    ['a byte that never appears in UTF-8', [0xff], 'the file is not valid UTF-8: 0xFF at byte 19 never appears in UTF-8'],
  ])('invalid UTF-8: %s', async (_, bytes, message) => {
    expect(briefBytes(withBytes(bytes))).toEqual([err('NN101', '2:10', message)]);
    await expectRefused(withBytes(bytes), 'NN101');
  });

  it('locates invalid UTF-8 after multi-byte characters by character, not byte', () => {
    const bytes = Buffer.concat([Buffer.from('nnspec: 1\nname: "héllo 😀 '), Buffer.from([0xc3]), Buffer.from('"\n')]);
    // "héllo 😀 " is 9 UTF-16 units after the quote at column 7.
    expect(briefBytes(bytes)[0]).toMatchObject({ code: 'NN101', at: '2:17' });
  });

  it('a UTF-16 file is named as such', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('nnspec: 1\n', 'utf16le')]);
    expect(compile(utf16, 'x.yaml').diagnostics[0]).toMatchObject({ code: 'NN101', line: 1, column: 1, hint: 'the file is UTF-16; save it as UTF-8' });
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(briefBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]))).toEqual([]);
  });

  it('a NUL byte', async () => {
    const text = 'nnspec: 1\nname: t\0u\n';
    expect(brief(text)).toEqual([err('NN102', '2:8', 'the file contains a NUL character; a spec is a text file')]);
    await expectRefused(text, 'NN102');
  });

  it('a file over the 5 MB cap, without reading it as YAML', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
    expect(briefBytes(big)).toEqual([err('NN100', '1:1', 'the file is 5,242,881 bytes; nnspec reads specs of at most 5 MB (5,242,880 bytes)')]);
    const r = await expectRefused(big, 'NN100');
    expect(r.stdout).toContain('the file is 5,242,881 bytes');
  });

  it('a file of exactly 5 MB is read', () => {
    const comment = Buffer.alloc(5 * 1024 * 1024 - valid.length, 0x20);
    comment[0] = 0x23; // '#': one long comment line, quick to read
    const padded = Buffer.concat([valid, comment]);
    expect(padded.length).toBe(5 * 1024 * 1024);
    expect(briefBytes(padded)).toEqual([]);
  });
});

describe('YAML that a spec must not use', () => {
  it('tabs as indentation', async () => {
    const text = 'nnspec: 1\nname: t\ninputs:\n\tx: {shape: [4]}\nlayers:\n  d: {type: Dense, units: 2}\noutputs: [d]\n';
    expect(brief(text)).toEqual([err('NN104', '4:1', 'a tab is used for indentation; YAML indents with spaces only')]);
    await expectRefused(text, 'NN104');
  });

  it('duplicate keys', async () => {
    const text = 'nnspec: 1\nname: t\nname: u\ninputs:\n  x: {shape: [4]}\nlayers:\n  d: {type: Dense, units: 2}\noutputs: [d]\n';
    expect(brief(text)).toEqual([err('NN106', '3:1', 'duplicate key \'name\' (first on line 2); keys are compared as written, so 1 and "1" are the same key')]);
    await expectRefused(text, 'NN106');
  });

  it('duplicate keys in a flow mapping', () => {
    expect(brief(specWith('  x: {shape: [4], shape: [5]}', D(), 'd'))).toEqual([
      err('NN106', '4:19', 'duplicate key \'shape\' (first on line 4); keys are compared as written, so 1 and "1" are the same key'),
    ]);
  });

  it('`1:` next to `"1":` are the same key', async () => {
    const text = `${specWith(X, D(), 'd')}1: a\n"1": b\n`;
    expect(brief(text)).toEqual([
      err('NN200', '8:1', "unknown key '1' in the spec"),
      err('NN106', '9:1', 'duplicate key \'1\' (first on line 8); keys are compared as written, so 1 and "1" are the same key'),
    ]);
    await expectRefused(text, 'NN106');
  });

  it('keys are compared as written: `01:` and `1:` differ', () => {
    const codes = brief(`${specWith(X, D(), 'd')}01: a\n1: b\n`).map((d) => d.code);
    expect(codes).toEqual(['NN200', 'NN200']);
  });

  it('duplicate layer names', async () => {
    const text = specWith(X, `${D()}\n  d: {type: Dense, units: 3}`, 'd');
    expect(brief(text)).toEqual([err('NN106', '7:3', "layer 'd' is defined twice (first on line 6); every layer needs its own name")]);
    await expectRefused(text, 'NN106');
  });

  it('duplicate input names', () => {
    expect(brief(specWith(`${X}\n  x: {shape: [5]}`, D(), 'd'))).toEqual([err('NN106', '5:3', "input 'x' is declared twice (first on line 4); every input needs its own name")]);
  });

  it('anchors and aliases, each located', async () => {
    const text = specWith(X, `${D(', activation: &act relu')}\n  e: {type: Dense, units: 2, activation: *act}`, 'e');
    expect(brief(text)).toEqual([
      err('NN107', '6:42', 'anchors are not allowed in a spec (&act)'),
      err('NN107', '7:42', 'aliases are not allowed in a spec (*act)'),
    ]);
    await expectRefused(text, 'NN107');
  });

  it('a self-referencing alias does not crash', async () => {
    const text = 'a: &x [*x]\n';
    const got = brief(text);
    expect(got).toContainEqual(err('NN107', '1:4', 'anchors are not allowed in a spec (&x)'));
    expect(got).toContainEqual(err('NN107', '1:8', 'aliases are not allowed in a spec (*x)'));
    await expectRefused(text, 'NN107');
  });

  it('an alias bomb (billion laughs) is refused once per anchor and alias name, without expanding it', async () => {
    const rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const [prev, cur] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) rows.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    const text = `${specWith(X, D(), 'd')}training:\n${rows.map((r) => `  ${r}`).join('\n')}\n`;
    const found = brief(text).filter((d) => d.code === 'NN107');
    expect(found).toHaveLength(9 + 8);
    expect(found[1]).toEqual(err('NN107', '10:6', 'anchors are not allowed in a spec (&b)'));
    expect(found[2]).toEqual(err('NN107', '10:10', 'aliases are not allowed in a spec (*a)'));
    await expectRefused(text, 'NN107');
  });

  it.each([
    ['!!js/function', "YAML tags such as '!!js/function' are not allowed in a spec"],
    ['!foo', "YAML tags such as '!foo' are not allowed in a spec"],
    ['!!set', "YAML tags such as '!!set' are not allowed in a spec"],
  ])('the custom tag %s', async (tag, message) => {
    const text = specWith(X, D(`, activation: ${tag} relu`), 'd');
    expect(brief(text)).toEqual([err('NN108', '6:42', message)]);
    await expectRefused(text, 'NN108');
  });

  it('a core tag on a value that does not fit it', () => {
    expect(brief(specWith('  x: {shape: [!!int four]}', D(), 'd'))).toEqual([err('NN108', '4:15', "the value tagged '!!int' is not an integer")]);
  });

  it('core tags on values that fit them are plain YAML', () => {
    expect(brief(specWith('  x: {shape: [!!int "4"]}', D(', activation: !!str relu'), 'd'))).toEqual([]);
  });
});

describe('YAML 1.1 surprises: a spec is read with the YAML 1.2 core schema, whatever %YAML says', () => {
  it.each([
    ['no', "'use_bias' in Dense layer 'd' must be true or false, got the string 'no'", 'YAML 1.2 reads no as a string; write true or false'],
    ['on', "'use_bias' in Dense layer 'd' must be true or false, got the string 'on'", 'YAML 1.2 reads on as a string; write true or false'],
    ['0777', "'use_bias' in Dense layer 'd' must be true or false, got 777", undefined],
  ])('use_bias: %s', async (value, message, hint) => {
    const text = `%YAML 1.1\n---\n${specWith(X, D(`, use_bias: ${value}`), 'd')}`;
    expect(brief(text)).toEqual([err('NN202', '8:40', message)]);
    expect(compile(text, 'x').diagnostics[0]!.hint).toBe(hint);
    await expectRefused(text, 'NN202');
  });

  it('0777 is the decimal 777, not octal 511', () => {
    const r = compile(specWith('  x: {shape: [0777]}', D(), 'd'), 'x');
    expect(r.graph!.nodes.get('x')!.output!.shape).toEqual([null, 777]);
  });
});

describe('keys that would reach JavaScript prototypes', () => {
  it('__proto__ is refused and pollutes nothing', async () => {
    const text = `__proto__: {polluted: 1}\n${specWith(X, D(), 'd')}`;
    expect(brief(text)).toEqual([err('NN114', '1:1', "'__proto__' cannot be used as a key in a spec")]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    await expectRefused(text, 'NN114');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('constructor in a layer', async () => {
    const text = specWith(X, D(', constructor: 1'), 'd');
    expect(brief(text)).toEqual([err('NN114', '6:30', "'constructor' cannot be used as a key in a spec")]);
    await expectRefused(text, 'NN114');
  });

  it('prototype as an input name: refused, without a cascade of "inputs is empty"', async () => {
    const text = specWith('  prototype: {shape: [4]}', D(', inputs: prototype'), 'd');
    expect(brief(text)).toEqual([
      err('NN114', '4:3', "'prototype' cannot be used as a key in a spec"),
      err('NN300', '6:38', "layer 'd' takes input 'prototype', which is not a model input or layer"),
    ]);
    await expectRefused(text, 'NN114');
  });
});

describe('numbers that cannot be sizes', () => {
  it.each([
    ['.nan in units', specWith(X, '  d: {type: Dense, units: .nan}', 'd'), err('NN112', '6:27', ".nan is not a finite number; a spec's numbers must be finite")],
    ['.inf in a shape', specWith('  x: {shape: [.inf]}', D(), 'd'), err('NN112', '4:15', ".inf is not a finite number; a spec's numbers must be finite")],
    ['-.inf in a learning rate', `${specWith(X, D(), 'd')}training:\n  optimizer: {type: adam, learning_rate: -.inf}\n`, err('NN112', '9:42', "-.inf is not a finite number; a spec's numbers must be finite")],
    ['1e999 in a rate', specWith(X, '  d: {type: Dropout, rate: 1e999}', 'd'), err('NN112', '6:28', "1e999 is not a finite number; a spec's numbers must be finite")],
    ['2^53 + 1 in a shape', specWith('  x: {shape: [9007199254740993]}', D(), 'd'), err('NN113', '4:15', '9007199254740993 is larger than 2^53 (9007199254740992) and cannot be represented exactly')],
    ['a 30-digit integer in units', specWith(X, '  d: {type: Dense, units: 123456789012345678901234567890}', 'd'), err('NN113', '6:27', '123456789012345678901234567890 is larger than 2^53 (9007199254740992) and cannot be represented exactly')],
  ])('%s: one error, no follow-on type or shape error', async (_, text, expected) => {
    expect(brief(text)).toEqual([expected]);
    await expectRefused(text, expected.code);
  });

  it('zero and negative sizes in input shapes', async () => {
    const text = specWith('  x: {shape: [0, -3]}', D(), 'd');
    expect(brief(text)).toEqual([
      err('NN204', '4:15', "item 1 of 'shape' in input 'x' must be >= 1, got 0"),
      err('NN204', '4:18', "item 2 of 'shape' in input 'x' must be >= 1, got -3"),
    ]);
    await expectRefused(text, 'NN204');
  });

  it('zero and negative sizes in layer arguments', async () => {
    const text = specWith('  x: {shape: [4], dtype: int32}', '  e: {type: Embedding, input_dim: 0, output_dim: -8}\n  d: {type: Dense, units: 0}', 'd');
    expect(brief(text)).toEqual([
      err('NN204', '6:35', "'input_dim' in Embedding layer 'e' must be >= 1, got 0"),
      err('NN204', '6:50', "'output_dim' in Embedding layer 'e' must be >= 1, got -8"),
      err('NN204', '7:27', "'units' in Dense layer 'd' must be >= 1, got 0"),
    ]);
    await expectRefused(text, 'NN204');
  });

  it('a layer with more than 10^10 parameters (Dense 100000 on a 10^6-wide input)', async () => {
    const text = specWith('  x: {shape: [1000000]}', '  d: {type: Dense, units: 100000}', 'd');
    expect(brief(text)).toEqual([err('NN505', '6:3', "Dense 'd' would have 1.00e+11 parameters; nnspec refuses more than 10^10")]);
    await expectRefused(text, 'NN505');
  });

  it('a parameter count far beyond 2^53', async () => {
    const text = specWith('  x: {shape: [4], dtype: int32}', '  d: {type: Embedding, input_dim: 9000000000000000, output_dim: 9000000000000000}', 'd');
    expect(brief(text)).toEqual([err('NN505', '6:3', "Embedding 'd' would have 8.10e+31 parameters; nnspec refuses more than 10^10")]);
    await expectRefused(text, 'NN505');
  });

  it('a model whose layers together exceed 10^10', () => {
    const text = specWith('  x: {shape: [100000]}', '  a: {type: Dense, units: 60000}\n  b: {type: Dense, units: 60000, inputs: x}\n  d: {type: Concatenate, inputs: [a, b]}', 'd');
    expect(brief(text)).toEqual([err('NN505', '5:1', 'the model would have 1.20e+10 parameters; nnspec refuses more than 10^10')]);
  });
});

describe('nesting deep enough to exhaust a recursive parser', () => {
  // Each of these took yaml's Composer into a stack overflow or out of memory unguarded.
  // Measured (not asserted): each is refused in well under a second.
  it('20,000 nested flow sequences `[[[[...`', async () => {
    const text = '['.repeat(20_000);
    expect(brief(text)).toEqual([err('NN109', '1:65', 'collections are nested more than 64 levels deep')]);
    await expectRefused(text, 'NN109');
  });

  it('20,000 nested block sequences `- - - -`', async () => {
    const text = `${'- '.repeat(20_000)}x\n`;
    expect(brief(text)).toEqual([err('NN109', '1:129', 'collections are nested more than 64 levels deep')]);
    await expectRefused(text, 'NN109');
  });

  it('20,000 nested flow mappings `{a: {a: ...`', async () => {
    const text = `${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`;
    expect(brief(text)).toEqual([err('NN109', '1:257', 'collections are nested more than 64 levels deep')]);
    await expectRefused(text, 'NN109');
  });

  it('2,000 levels of indented block mappings', async () => {
    let text = '';
    for (let i = 0; i < 2000; i++) text += `${' '.repeat(i)}a:\n`;
    expect(brief(text)).toEqual([err('NN109', '65:65', 'collections are nested more than 64 levels deep')]);
    await expectRefused(text, 'NN109');
  });

  it('deep nesting inside an otherwise valid spec is located where it passes the limit', () => {
    const text = `${specWith(X, D(), 'd')}description: ${'['.repeat(70)}${']'.repeat(70)}\n`;
    expect(brief(text)).toEqual([err('NN109', '8:78', 'collections are nested more than 64 levels deep')]);
  });
});

describe('unknown keys, at every level, with "did you mean" when close', () => {
  it.each([
    ['top level', specWith(X, D(), 'd').replace('name: t', 'nmae: t'), err('NN200', '2:1', "unknown key 'nmae' in the spec; did you mean 'name'?")],
    ['input', specWith('  x: {shape: [4], dtpye: int32}', D(), 'd'), err('NN200', '4:19', "unknown key 'dtpye' in input 'x'; did you mean 'dtype'?")],
    ['layer', specWith(X, D(', activaton: relu'), 'd'), err('NN200', '6:30', "unknown key 'activaton' in Dense layer 'd'; did you mean 'activation'?")],
    ['training', `${specWith(X, D(), 'd')}training:\n  epoch: 3\n`, err('NN200', '9:3', "unknown key 'epoch' in 'training'; did you mean 'epochs'?")],
    ['optimizer object', `${specWith(X, D(), 'd')}training:\n  optimizer: {type: adam, learning_rat: 0.01}\n`, err('NN200', '9:27', "unknown key 'learning_rat' in 'training.optimizer'; did you mean 'learning_rate'?")],
    ['initializer object', specWith(X, D(', kernel_initializer: {type: random_normal, stdev: 0.1}'), 'd'), err('NN200', '6:72', "unknown key 'stdev' in 'kernel_initializer' of Dense layer 'd'; did you mean 'stddev'?")],
  ])('%s', async (_, text, expected) => {
    expect(brief(text)).toEqual([expected]);
    await expectRefused(text, 'NN200');
  });

  it('a key nothing is close to lists what the place takes', () => {
    const [d] = compile(specWith(X, D(', colour: red'), 'd'), 'x').diagnostics;
    expect(d).toMatchObject({ code: 'NN200', line: 6, column: 30, message: "unknown key 'colour' in Dense layer 'd'" });
    expect(d!.hint).toMatch(/^Dense layer 'd' takes: type, inputs, units, activation, use_bias, /);
  });
});
