import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two tiers. `npm test` runs the fast one: unit, golden and CLI tests. `npm run test:slow` runs
 * the rest: fuzzing (test/fuzz/ and any `*.slow.test.ts`), kill/signal runs, long training, the
 * browser and the 200-layer layout. `vitest run` with no --project runs both.
 */
export const SLOW = [
  'test/**/*.slow.test.ts',
  'test/fuzz/**/*.test.ts',
  // Other engineers' files, slow by nature and left unrenamed: layouts of specs with hundreds of nodes.
  'test/reliability/graph-large.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    // One test file per core (vitest leaves one core to itself by default: a single worker on two).
    maxWorkers: availableParallelism(),
    // Timeouts only catch hangs: no verdict may depend on how loaded the machine is, so they are
    // far above any test's time on a busy machine. Tests wait on events and files, not clocks.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
