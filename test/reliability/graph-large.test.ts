/**
 * Issue 10, item 5: `graph --format svg` on large valid specs. A chain of 5,000 Dense layers
 * overflowed elkjs's stack; one layer called at many sites in a chain grew super-linearly
 * (200 sites: 87 s and 764 MB; 2,000: V8 aborted). Past the layout's bound the SVG is refused
 * with exit 2 and a pointer to `--format dot`; below it, share links are chained, so a layer
 * called 300 times is laid out in seconds.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LAYOUT_NODES } from '../../src/backends/graph/layout.js';
import { runCli } from '../helpers.js';
import { writeTemp } from './temp.js';

const head = 'nnspec: 1\nname: big\ninputs:\n  x: {shape: [4]}\nlayers:\n';

function denseChain(n: number): string {
  let text = head;
  for (let i = 0; i < n; i++) text += `  d${i}: {type: Dense, units: 4}\n`;
  return `${text}outputs: [d${n - 1}]\n`;
}

/** One Dense layer called `n` times, each call on the previous one's output. */
function sharedChain(n: number): string {
  let text = `${head}  s0: {type: Dense, units: 4}\n`;
  for (let i = 1; i < n; i++) text += `  s${i}: {shares: s0}\n`;
  return `${text}outputs: [s${n - 1}]\n`;
}

describe('graph --format svg on large specs', () => {
  it('a chain of 5,000 Dense layers: exit 2, a message suggesting --format dot', async () => {
    const file = writeTemp('chain5000.yaml', denseChain(5000));
    const r = await runCli(['graph', '--format', 'svg', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot draw '${file}' as SVG: the model has 5001 nodes; the SVG layout takes at most ${MAX_LAYOUT_NODES} nodes and 4000 connections; use --format dot`);
    expect(r.stderr).not.toMatch(/Maximum call stack|\n\s+at /);
  });

  it('the same chain in dot and mermaid: exit 0, every node drawn', async () => {
    const file = writeTemp('chain5000.yaml', denseChain(5000));
    for (const format of ['dot', 'mermaid']) {
      const r = await runCli(['graph', '--format', format, file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('d4999');
    }
  });

  it('one layer called at 2,000 sites: exit 2 for svg, exit 0 for dot', async () => {
    const file = writeTemp('shared2000.yaml', sharedChain(2000));
    const svg = await runCli(['graph', file]);
    expect(svg.code).toBe(2);
    expect(svg.stderr).toContain('the SVG layout takes at most');
    expect(svg.stderr).toContain('--format dot');
    const dot = await runCli(['graph', '--format', 'dot', file]);
    expect(dot.code).toBe(0);
  });

  it('one layer called at 300 sites in a chain is laid out (before: minutes), one share link per site', async () => {
    const file = writeTemp('shared300.yaml', sharedChain(300));
    const r = await runCli(['graph', '--format', 'svg', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/<path class="share"/g)).toHaveLength(299);
  });
});
