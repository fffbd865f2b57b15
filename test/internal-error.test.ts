import { describe, expect, it, vi } from 'vitest';
import * as summary from '../src/commands/summary.js';
import { runCli } from './helpers.js';

describe('an internal error', () => {
  it('is one NN999 line saying it is nnspec\'s bug, exit 70, no stack trace', async () => {
    const spy = vi.spyOn(summary, 'summaryCommand').mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'dims')"));
    try {
      const r = await runCli(['summary', 'specs/sequential_mlp.yaml']);
      expect(r.code).toBe(70);
      expect(r.stderr).toBe(
        "nnspec: error[NN999]: internal error: Cannot read properties of undefined (reading 'dims') (this is a bug in nnspec, not a problem with your input) (please report it with the command line and the files it read; NNSPEC_DEBUG=1 prints the stack trace)\n",
      );
      const json = await runCli(['validate', 'specs', '--format', 'json'], {});
      expect(json.code).toBe(0);
      const debug = await runCli(['summary', 'specs/sequential_mlp.yaml'], { env: { NNSPEC_DEBUG: '1' } });
      expect(debug.code).toBe(70);
      expect(debug.stderr).toMatch(/\n {4}at /);
    } finally {
      spy.mockRestore();
    }
  });
});
