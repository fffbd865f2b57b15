/**
 * Kernels that training needs and the TensorFlow.js backends lack or run far too slowly. tfjs has no
 * per-kernel fallback: a gradient whose kernel is missing on the active backend throws. On the wasm
 * backend (4.22) four are missing: UnsortedSegmentSum (Embedding), Conv2DBackpropFilter (Conv1D,
 * Conv2D, SeparableConv2D, Conv2DTranspose) and both DepthwiseConv2dNative backprops (DepthwiseConv2D,
 * SeparableConv2D); its Conv2DBackpropInput is a slow loop, and GatherV2 (Embedding's forward), Sum
 * over leading axes (bias gradients) and the pooling gradients are slow on training shapes (see
 * bench/RESULTS.md). On the cpu backend UnsortedSegmentSum loops over every segment, both filter
 * gradients read through TensorBuffer.get, and so do GatherV2 and the pooling gradients. On both,
 * AvgPoolGrad is wrong under 'same' padding (pool-grad.ts): ours is the forward pass's derivative.
 *
 * Call `registerGapKernels(tf)` (or `registerGapKernels(tf, 'wasm')`) after importing the backend:
 * importing a backend registers its kernels and would overwrite a replacement registered earlier.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { gatherV2Config } from './gather.js';
import { avgPoolGradConfig, maxPoolGradConfig } from './pool-grad.js';
import type { Own } from './scope.js';
import { sumConfig } from './sum.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** A kernel for a backend; `own` gives the backend's kernel it displaces, for cases it leaves to it. */
export type Make = (tf: Tf, backendName: string, own: Own) => KernelConfig;

/** Which kernels each backend gets; a backend keeps its own kernel where it is fast enough. */
export const GAP_KERNELS: Record<string, Make[]> = {
  wasm: [
    unsortedSegmentSumConfig,
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig,
    depthwiseBackpropFilterConfig,
    depthwiseBackpropInputConfig,
    gatherV2Config,
    sumConfig,
    maxPoolGradConfig,
    // For correctness, not speed (it ties wasm's own): tfjs's own divides clipped windows by the full size.
    avgPoolGradConfig,
  ],
  cpu: [unsortedSegmentSumConfig, conv2dBackpropFilterConfig, depthwiseBackpropFilterConfig, gatherV2Config, sumConfig, maxPoolGradConfig, avgPoolGradConfig],
};

export interface RegisteredKernel {
  kernelName: string;
  backendName: string;
  /** Whether the backend had its own kernel, which `restore` puts back. */
  replaced: boolean;
}

export interface GapKernels {
  kernels: RegisteredKernel[];
  /** Puts every backend's own kernels back (and removes the ones it lacked). */
  restore(): void;
}

/** The backend's own kernels displaced by ours, per tf module, so a second call does not wrap ours. */
const displaced = new WeakMap<object, Map<string, KernelConfig | null>>();

/**
 * Registers the gap kernels for `backends` (default: wasm and cpu), replacing the backend's own where
 * listed in GAP_KERNELS; calling it again is harmless. Kernels for a backend that is not loaded are
 * registered all the same and used if it is loaded later.
 */
export function registerGapKernels(tf: Tf, backends: string | string[] = Object.keys(GAP_KERNELS)): GapKernels {
  if (typeof backends === 'string') backends = [backends];
  let own = displaced.get(tf);
  if (!own) displaced.set(tf, (own = new Map()));
  const kernels: RegisteredKernel[] = [];
  for (const backendName of backends) {
    for (const make of GAP_KERNELS[backendName] ?? []) {
      let key = '';
      const config = make(tf, backendName, () => own.get(key) ?? undefined);
      key = `${config.kernelName}/${backendName}`;
      const existing = tf.getKernel(config.kernelName, backendName);
      if (!own.has(key)) own.set(key, existing ?? null);
      if (existing) tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
      kernels.push({ kernelName: config.kernelName, backendName, replaced: own.get(key) !== null });
    }
  }
  return {
    kernels,
    restore() {
      for (const { kernelName, backendName } of kernels) {
        const key = `${kernelName}/${backendName}`;
        if (!own.has(key)) continue;
        const original = own.get(key);
        if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
        if (original) tf.registerKernel(original);
        own.delete(key);
      }
    },
  };
}
