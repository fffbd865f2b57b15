/**
 * ONNX Runtime for Node, loaded only when a command runs a model (validate and summary never
 * load it). Sessions run sequentially on `threads` intra-op threads.
 */
import { createRequire } from 'node:module';
import type * as OrtTypes from 'onnxruntime-node';
import { onnx } from './proto.js';

export type Ort = typeof OrtTypes;

let cached: Ort | undefined;

/** onnxruntime-node, or an Error saying why it cannot load here. */
export function loadOrt(): Ort {
  if (!cached) cached = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  return cached;
}

/**
 * Where sessions run: ONNX Runtime's CPU kernels (inside the npm package), or its CUDA provider,
 * whose binaries onnxruntime-node's install script downloads only when asked (see README).
 */
export type Device = 'cpu' | 'cuda';

export interface SessionOptions {
  threads: number;
  device?: Device;
  /** Keep ONNX Runtime's own error log off stderr (a probe that may fail). */
  quiet?: boolean;
}

/**
 * Graphs of more nodes than this (unrolled recurrent layers: question_answering's training graph has
 * about 20,000) are optimised at level 'basic': session creation for it took 1.5 s CPU instead of
 * 3.3 s at 'all', with the same step time (qa and conv A/B in bench/RESULTS.md). Smaller graphs keep
 * 'all', whose fusions and layout pass cost little to apply there.
 */
export const LARGE_GRAPH_NODES = 5000;

export function optimizationLevel(bytes: Uint8Array): 'all' | 'basic' {
  return (onnx.ModelProto.decode(bytes).graph?.node?.length ?? 0) > LARGE_GRAPH_NODES ? 'basic' : 'all';
}

export async function createSession(bytes: Uint8Array, opts: SessionOptions): Promise<OrtTypes.InferenceSession> {
  const ort = loadOrt();
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: optimizationLevel(bytes),
    // Idle intra-op threads sleep instead of spinning between ops: on 2 shared cores, spinning
    // took CPU from the thread doing the work (qa at 2 threads: 79 against 125 ms CPU and 240
    // against 621 ms wall per step; posts 572 against 814 ms CPU; bench/RESULTS.md, issue 8).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(opts.quiet ? { logSeverityLevel: 4 as const } : {}),
    ...(opts.device === 'cuda' ? { executionProviders: ['cuda', 'cpu'] } : {}),
  });
}
