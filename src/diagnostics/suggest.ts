/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/**
 * The closest candidate within edit distance 2 (case-insensitive match wins outright),
 * or undefined. Short words get a tighter bound so that `a` does not suggest `b`.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    if (c.toLowerCase() === lower) return c;
    // `input_posts` for `posts`: a prefix or suffix added around the real name, as a whole word
    // (`accuarcy` contains `acc`, but means `accuracy`).
    const cl = c.toLowerCase();
    if (Math.min(cl.length, lower.length) >= 3 && (containsWord(lower, cl) || containsWord(cl, lower)) && bestDistance > 0.5) {
      best = c;
      bestDistance = 0.5;
      continue;
    }
    const d = editDistance(lower, c.toLowerCase());
    const bound = word.length <= 2 ? 0 : Math.min(2, Math.max(1, Math.floor(word.length / 3)));
    if (d <= bound && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `part` inside `whole`, bounded on each side by the string's end or a separator (`_`, `.`, `-`). */
function containsWord(whole: string, part: string): boolean {
  const sep = (ch: string | undefined) => ch === undefined || ch === '_' || ch === '.' || ch === '-';
  for (let i = whole.indexOf(part); i >= 0; i = whole.indexOf(part, i + 1)) {
    if (sep(whole[i - 1]) && sep(whole[i + part.length])) return true;
  }
  return false;
}

/** "; did you mean 'x'?" to end a headline with, or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
