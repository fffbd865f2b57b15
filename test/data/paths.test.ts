import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, resolveDataFile } from '../../src/data/paths.js';
import { dataError } from './fixtures.js';

// base/data holds the data; base/secret.npy is outside it.
let base: string;
let dir: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'nnspec-paths-')));
  dir = join(base, 'data');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'x.npy'), '');
  writeFileSync(join(dir, 'sub', 'y.npy'), '');
  writeFileSync(join(dir, '..odd.npy'), '');
  writeFileSync(join(base, 'secret.npy'), '');
  symlinkSync(join(dir, 'x.npy'), join(dir, 'inside-link.npy'));
  symlinkSync(join(base, 'secret.npy'), join(dir, 'outside-link.npy'));
  symlinkSync(base, join(dir, 'up'));
  symlinkSync(dir, join(base, 'data-link'));
  symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const refusal = (name: string, d = dir) => {
  const e = dataError(() => resolveDataFile(d, name, name));
  return [e.code, e.message];
};

describe('resolveDataFile', () => {
  it('resolves plain names, subdirectories and symlinks that stay inside', () => {
    expect(resolveDataFile(dir, 'x.npy')).toBe(join(dir, 'x.npy'));
    expect(resolveDataFile(dir, 'sub/y.npy')).toBe(join(dir, 'sub', 'y.npy'));
    expect(resolveDataFile(dir, './sub//y.npy')).toBe(join(dir, 'sub', 'y.npy'));
    expect(resolveDataFile(dir, 'inside-link.npy')).toBe(join(dir, 'x.npy'));
    expect(resolveDataFile(dir, '..odd.npy')).toBe(join(dir, '..odd.npy'));
  });

  it('accepts a data directory that is itself a symlink', () => {
    expect(resolveDataFile(join(base, 'data-link'), 'x.npy')).toBe(join(dir, 'x.npy'));
  });

  it('refuses absolute names and .. segments without touching the disk', () => {
    const hint = `; data files must be named relative to the data directory ${dir}`;
    expect(refusal('/etc/passwd')).toEqual(['NN818', `/etc/passwd: is an absolute path ('/etc/passwd')${hint}`]);
    expect(refusal('C:\\data\\x.npy')).toEqual(['NN818', `C:\\data\\x.npy: is an absolute path ('C:\\data\\x.npy')${hint}`]);
    expect(refusal('../secret.npy')).toEqual(['NN818', `../secret.npy: goes up a directory with '..' ('../secret.npy')${hint}`]);
    expect(refusal('sub/../../secret.npy')[0]).toBe('NN818');
    expect(refusal('sub\\..\\x.npy')[0]).toBe('NN818');
    expect(refusal('')).toEqual(['NN818', `: is not a file name${hint}`]);
    expect(refusal('x\0.npy')[0]).toBe('NN818');
  });

  it('refuses symlinks that resolve outside the directory', () => {
    const hint = `; data files must be named relative to the data directory ${dir}`;
    expect(refusal('outside-link.npy')).toEqual(['NN818', `outside-link.npy: is a symlink to ${join(base, 'secret.npy')}, outside the data directory${hint}`]);
    expect(refusal('up/secret.npy')).toEqual(['NN818', `up/secret.npy: is a symlink to ${join(base, 'secret.npy')}, outside the data directory${hint}`]);
  });

  it('reports missing files, loops and a missing directory as unreadable', () => {
    expect(refusal('nope.npy')).toEqual(['NN800', 'nope.npy: no such file']);
    expect(refusal('loop')).toEqual(['NN800', 'loop: is a symlink loop']);
    const e = dataError(() => resolveDataFile(join(base, 'missing'), 'x.npy'));
    expect([e.code, e.message]).toEqual(['NN800', `${join(base, 'missing')}: data directory does not exist`]);
  });
});

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/b/..c', true],
    ['/a/b', '/a', false],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/x/b', false],
  ])('%s contains %s: %s', (root, target, inside) => {
    expect(isInside(root, target)).toBe(inside);
  });
});
