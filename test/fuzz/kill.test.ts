/**
 * Kill safety, a small N of scripts/kill-test.mjs (the recorded run is 100 kills, see FUZZING.md):
 * `nnspec train` SIGKILLed at random moments leaves a loadable last checkpoint, and --resume
 * ends with the weights of an uninterrupted run. Spawns bin/nnspec (the slow tier builds dist/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

describe('kill safety', () => {
  it('4 SIGKILLs at random moments: every run resumes to the uninterrupted weights', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/kill-test.mjs'), '--kills', '4', '--seed', '7', '--epochs', '8', '--jobs', '1'], { encoding: 'utf8' });
    expect(r.stdout, r.stderr).toContain('resumed (or retrained) to weights identical to the uninterrupted run: 4 of 4');
    expect(r.stdout).toContain('failures: 0');
    expect(r.status).toBe(0);
  });
});
