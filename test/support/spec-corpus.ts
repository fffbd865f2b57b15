import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

/** A directory of `n` specs: the seed specs copied, every fifth one broken in a different way. */
export function corpus(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnspec-vscale-'));
  const seeds = readdirSync(join(ROOT, 'specs')).map((f) => readFileSync(join(ROOT, 'specs', f), 'utf8'));
  for (let i = 0; i < n; i++) {
    let text = seeds[i % seeds.length]!.replace(/^name: (\w+)/m, `name: $1_${i}`);
    if (i % 5 === 0) text = text.replace(/type: Dense/, 'type: Dens').replace(/outputs: \[(\w+)/, `outputs: [$1_${i}`);
    writeFileSync(join(dir, `spec_${String(i).padStart(3, '0')}.yaml`), text);
  }
  return dir;
}

