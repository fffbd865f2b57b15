/** A validate worker: checks the files it is sent and answers with their results, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile, type CheckOptions, type FileResult } from './check.js';

export interface WorkRequest {
  files: string[];
  /** Cached diagnostics by file and hash, for the files of this chunk that have any. */
  cached: Record<string, { hash: string; diagnostics: FileResult['diagnostics'] }>;
}

export type WorkReply = { results: FileResult[] } | { usage: string };

const opts = workerData as CheckOptions;
parentPort!.on('message', (req: WorkRequest) => {
  try {
    const lookup = (file: string, hash: string) => (req.cached[file]?.hash === hash ? req.cached[file]!.diagnostics : undefined);
    parentPort!.postMessage({ results: req.files.map((f) => checkFile(f, opts, lookup)) } satisfies WorkReply);
  } catch (e) {
    parentPort!.postMessage({ usage: (e as Error).message } satisfies WorkReply);
  }
});
