/** Every command's --help ends with examples, and every flag an example uses is one the command has. */
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/commands/help-examples.js';
import { runCli } from '../helpers.js';

describe('--help examples', () => {
  it.each(Object.keys(EXAMPLES))('nnspec %s --help', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nExamples:\n');
    for (const line of EXAMPLES[command]!) {
      expect(line.startsWith(`nnspec ${command} `), line).toBe(true);
      expect(r.stdout).toContain(`  ${line}`);
      const flags = line.replace(/#.*$/, '').split(/\s+/).filter((t) => t.startsWith('-'));
      for (const flag of flags) expect(r.stdout, `${command}: ${flag}`).toMatch(new RegExp(`(^|[ ,])${flag}( |,|$)`, 'm'));
    }
  });
});
