import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;

describe.skipIf(!hasNvim)('a scripted Neovim session with nnspec lsp (Debian neovim, headless)', () => {
  it('shows diagnostics as the user types, hover shapes and layer-type completion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnspec-nvim-'));
    const spec = join(dir, 'model.yaml');
    copyFileSync(join(ROOT, 'specs/question_answering.yaml'), spec);
    const out = join(dir, 'session.json');
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${join(ROOT, 'test/lsp/neovim-session.lua')}`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NNSPEC_BIN: join(ROOT, 'bin/nnspec'), NNSPEC_SPEC: spec, NNSPEC_OUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    const session = JSON.parse(readFileSync(out, 'utf8')) as {
      initialized: boolean;
      typo_line: number;
      steps: [{ diagnostics: number }, { count: number; code: string; lnum: number; col: number; end_col: number; message: string }, { hover: string }, { completion: string[] }];
    };
    expect(session.initialized).toBe(true);
    expect(session.steps[0].diagnostics).toBe(0);
    const typed = readFileSync(join(ROOT, 'specs/question_answering.yaml'), 'utf8').split('\n')[session.typo_line]!.replace('encoded_text', 'encoded_txt');
    const col = typed.indexOf('encoded_txt');
    expect(col).toBeGreaterThan(0);
    expect(session.steps[1]).toMatchObject({ count: 1, code: 'NN300', lnum: session.typo_line, col, end_col: col + 'encoded_txt'.length });
    expect(session.steps[1].message).toMatch(/did you mean 'encoded_text'/);
    expect(session.steps[2].hover).toContain('Output shape: `(None, 32)`');
    expect(session.steps[3].completion).toEqual(expect.arrayContaining(['Dense', 'LSTM', 'Conv2D']));
  });
});
