/**
 * Checks many spec files on every core: worker threads take chunks of files as they finish the
 * last (so a few large specs do not hold one worker back), and the results come back in the
 * files' order; a file that cannot be read stops the run with a FileReadError. Few files, or no worker script beside this module (running from TypeScript
 * sources), run on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FileReadError } from '../spec/read-file.js';
import { checkFile, type CacheLookup, type CheckOptions, type FileResult } from './check.js';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';

/** What the pool needs of a cache: lookups on the main thread, whole entries to send to workers. */
export interface CacheView {
  lookup: CacheLookup;
  entry(file: string): { hash: string; diagnostics: LocatedDiagnostic[] } | undefined;
}
import type { WorkReply, WorkRequest } from './worker.js';

/** Below this many files a worker's start-up (loading nnspec, ~0.1 s) costs more than it saves. */
export const PARALLEL_MIN_FILES = 64;
const CHUNK = 16;

/** The worker script: the bundled one beside the bundled CLI, or tsc's beside this module. */
function workerScript(): URL | undefined {
  const here = import.meta.url;
  const candidates = [new URL('./validate-worker.mjs', here), new URL('./worker.js', here)];
  return candidates.find((u) => existsSync(fileURLToPath(u)));
}

export interface PoolOptions {
  /** Worker threads; default: every core. 1 runs on the main thread. */
  jobs?: number;
}

export async function checkFiles(files: readonly string[], opts: CheckOptions, cache: CacheView | undefined, pool: PoolOptions = {}): Promise<FileResult[]> {
  const jobs = Math.max(1, Math.min(pool.jobs ?? availableParallelism(), Math.ceil(files.length / CHUNK)));
  const script = workerScript();
  if (jobs === 1 || files.length < PARALLEL_MIN_FILES || !script) return files.map((f) => checkFile(f, opts, cache?.lookup));

  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const workers = Array.from({ length: jobs }, () => new Worker(script, { workerData: opts }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((done, fail) => {
            let start = 0;
            const send = () => {
              if (next >= files.length) return done();
              start = next;
              const chunk = files.slice(next, (next += CHUNK));
              const req: WorkRequest = { files: chunk, cached: {} };
              if (cache) {
                // The worker hashes each file; it gets the stored entries to compare against.
                for (const f of chunk) {
                  const entry = cache.entry(f);
                  if (entry) req.cached[f] = entry;
                }
              }
              worker.postMessage(req);
            };
            worker.on('message', (reply: WorkReply) => {
              if ('usage' in reply) return fail(new FileReadError(reply.usage));
              reply.results.forEach((r, i) => (results[start + i] = r));
              send();
            });
            worker.on('error', fail);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
