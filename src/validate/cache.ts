/**
 * `validate --cache`: the diagnostics of each file keyed by the sha256 of its bytes, as ESLint's
 * and Prettier's caches do, so an unchanged file is not compiled again. The cache is void when
 * nnspec's version (its compiler and schema) changes. Written atomically; a corrupt or foreign
 * cache file is ignored and rewritten.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocatedDiagnostic } from '../diagnostics/diagnostic.js';

export const DEFAULT_CACHE_FILE = '.nnspec-cache';

interface CacheFile {
  nnspec: string;
  files: Record<string, { hash: string; diagnostics: LocatedDiagnostic[] }>;
}

export class ValidateCache {
  private data: CacheFile;
  private dirty = false;

  private constructor(
    private readonly path: string,
    private readonly version: string,
    data: CacheFile | undefined,
  ) {
    this.data = data && data.nnspec === version && data.files && typeof data.files === 'object' ? data : { nnspec: version, files: {} };
  }

  static open(location: string, cwd: string, version: string): ValidateCache {
    const path = resolve(cwd, location);
    let data: CacheFile | undefined;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    } catch {
      data = undefined;
    }
    return new ValidateCache(path, version, data);
  }

  entry(key: string): { hash: string; diagnostics: LocatedDiagnostic[] } | undefined {
    return this.data.files[key];
  }

  lookup(key: string, hash: string): LocatedDiagnostic[] | undefined {
    const entry = this.data.files[key];
    return entry && entry.hash === hash ? entry.diagnostics : undefined;
  }

  store(key: string, hash: string, diagnostics: LocatedDiagnostic[]): void {
    const entry = this.data.files[key];
    if (entry && entry.hash === hash) return;
    this.data.files[key] = { hash, diagnostics };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}
