/** A seeded random source with the helpers the mutators need (xorshift32, as test/support/rng.ts). */
import { rng } from '../support/rng.js';

export class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed === 0 ? 0x9e3779b9 : seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** A case's own seed from the run's seed and its index, so any case can be replayed alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ index, 0xcc9e2d51) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x1b873593) >>> 0;
  return (h ^ (h >>> 13)) >>> 0 || 1;
}
