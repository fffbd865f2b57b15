import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorEnv {
  isTTY?: boolean;
  env: Record<string, string | undefined>;
}

/** Colour only on a TTY; NO_COLOR (non-empty) wins, then FORCE_COLOR (0-3). */
export function colorLevel({ isTTY, env }: ColorEnv): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number(force);
    return n >= 3 ? 3 : n >= 2 ? 2 : n >= 1 ? 1 : 0;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  return /256/.test(env.TERM ?? '') ? 2 : 1;
}

export function painter(c: ColorEnv): ChalkInstance {
  return new Chalk({ level: colorLevel(c) });
}
