/**
 * What a gap kernel needs from a backend, for the two backends it serves (wasm and cpu): typed-array
 * views of tensor data, writable outputs, and calls to the backend's other registered kernels with
 * their intermediates freed at the end. The backend is recognised by what it offers (the wasm backend
 * keeps data in its heap, the cpu backend in JS arrays), so one kernel body serves both.
 */
import type { DataType, KernelBackend, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../env.js';

export type Values = Float32Array | Int32Array | Uint8Array;

/** The backend's own kernel that ours displaced (undefined if it had none), for cases ours leaves to it. */
export type Own = () => KernelConfig | undefined;

interface WasmLike {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: Values): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Values;
}
interface CpuLike {
  data: { get(dataId: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Values): TensorInfo;
}

function isWasm(backend: unknown): backend is WasmLike {
  return typeof (backend as WasmLike).typedArrayFromHeap === 'function';
}

function emptyValues(dtype: DataType, size: number): Values {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  return new Float32Array(size);
}

export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  readonly backend: KernelBackend;

  /** `backend` is what a kernel function is given (typed `{}` by tfjs). */
  constructor(
    private readonly tf: Tf,
    backend: object,
    readonly backendName: string,
  ) {
    this.backend = backend as KernelBackend;
  }

  /**
   * A view of the tensor's data, not a copy. On wasm the heap can move whenever memory is allocated,
   * so take views only after every `alloc`/`run` of the kernel is done.
   */
  view(info: TensorInfo): Values {
    const b: unknown = this.backend;
    if (isWasm(b)) return b.typedArrayFromHeap(info);
    return (b as CpuLike).data.get(info.dataId).values;
  }

  /**
   * A new zero-filled tensor that the kernel writes through `view` (wasm's malloc does not zero);
   * `zero: false` skips the fill on wasm, for a kernel that writes every element.
   */
  alloc(shape: number[], dtype: DataType, zero = true): TensorInfo {
    const b: unknown = this.backend;
    if (isWasm(b)) {
      const out = b.makeOutput(shape, dtype);
      if (zero) b.typedArrayFromHeap(out).fill(0);
      return out;
    }
    return (b as CpuLike).makeTensorInfo(shape, dtype, emptyValues(dtype, sizeOf(shape)));
  }

  /** A temporary tensor holding `values` (freed with the scope). */
  upload(values: Values, shape: number[], dtype: DataType): TensorInfo {
    const b: unknown = this.backend;
    const info = isWasm(b) ? b.makeOutput(shape, dtype, undefined, values) : (b as CpuLike).makeTensorInfo(shape, dtype, values);
    this.temps.push(info);
    return info;
  }

  /** Runs another kernel registered for this backend; its output is temporary unless `keep` is called. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const config = this.tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`gap kernels need '${kernelName}' on the ${this.backendName} backend`);
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** `x` itself (not a copy) when the slice is all of it. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  /** Makes an `alloc`ed tensor temporary, freed with the scope. */
  track(info: TensorInfo): TensorInfo {
    this.temps.push(info);
    return info;
  }

  /** Marks `info` as the kernel's result so `dispose` leaves it alone. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.temps.indexOf(info);
    if (i >= 0) this.temps.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Runs `body` with a fresh scope and frees every intermediate except the returned tensor. */
export function withScope(tf: Tf, backend: object, backendName: string, body: (s: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(tf, backend, backendName);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
