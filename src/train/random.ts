/**
 * nnspec's own seeded random numbers (sfc32 seeded through splitmix32), so a seeded run shuffles,
 * synthesizes and initializes the same way on every backend and every tfjs version's Math.random.
 * A stream is named by labels (`rngFor(seed, 'shuffle', epoch)`), so resuming at epoch 7 needs no
 * saved generator state: the epoch's stream is derived afresh.
 */

export interface Rng {
  /** Uniform in [0, 1) with 53 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the labels, so distinct streams of one seed are unrelated. */
function hashLabels(seed: number, labels: readonly (string | number)[]): number {
  // The seed goes in as text only: XORing it in as well can cancel against its own digits.
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${labels.join('|')}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h >>> 0;
}

export function rngFor(seed: number, ...labels: (string | number)[]): Rng {
  const mix = splitmix32(hashLabels(seed, labels));
  let a = mix(), b = mix(), c = mix(), d = mix() | 1;
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | undefined;
  const rng: Rng = {
    next: () => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992,
    int: (n) => Math.floor(rng.next() * n),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * rng.next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      return items;
    },
  };
  return rng;
}

/** A fresh seed for an unseeded run (recorded in run.json so the run can be repeated). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Runs `fn` with Math.random drawn from `rng`. TensorFlow.js seeds every unseeded random op
 * (initializers, dropout, noise) from Math.random, so this makes those repeat exactly without
 * touching the layer emitters. Synchronous on purpose: nothing else may run while it is swapped.
 */
export function withRandom<T>(rng: Rng, fn: () => T): T {
  const saved = Math.random;
  Math.random = rng.next;
  try {
    return fn();
  } finally {
    Math.random = saved;
  }
}
