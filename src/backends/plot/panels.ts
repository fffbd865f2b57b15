/**
 * A run's history as panels of a chart: one panel per loss or metric with its training and
 * validation series side by side (`loss` and `val_loss`), and one for the learning rate when the
 * history records it. Epochs are numbered from 1, as the console counts them.
 */

/** The history as `model.fit(...).history` has it: each key's per-epoch values (null where an epoch has none). */
export type History = Record<string, readonly (number | null)[]>;

export interface Series {
  /** The history key, e.g. `val_loss`. */
  key: string;
  role: 'train' | 'validation' | 'rate';
  values: readonly (number | null)[];
}

export interface Panel {
  /** The metric's name without `val_`, e.g. `loss`, `out_accuracy`, `learning_rate`. */
  name: string;
  series: Series[];
  /** A learning rate spanning more than a decade is drawn on a log axis. */
  log: boolean;
}

/** Keras's names for the learning rate in a history (Keras 3 `learning_rate`, Keras 2 `lr`). */
const RATE_KEYS = ['learning_rate', 'lr'];

export function panelsOf(history: History): Panel[] {
  const keys = Object.keys(history).filter((k) => k !== 'epoch' && history[k]!.some((v) => typeof v === 'number' && Number.isFinite(v)));
  const panels = new Map<string, Panel>();
  const panel = (name: string) => {
    let p = panels.get(name);
    if (!p) panels.set(name, (p = { name, series: [], log: false }));
    return p;
  };
  for (const key of keys) {
    if (RATE_KEYS.includes(key)) continue;
    const validation = key.startsWith('val_');
    panel(validation ? key.slice(4) : key).series.push({ key, role: validation ? 'validation' : 'train', values: history[key]! });
  }
  for (const p of panels.values()) p.series.sort((a, b) => (a.role === b.role ? 0 : a.role === 'train' ? -1 : 1));
  const rate = RATE_KEYS.find((k) => keys.includes(k));
  if (rate) {
    const values = history[rate]!;
    const positive = values.filter((v): v is number => typeof v === 'number' && v > 0);
    const log = positive.length === values.filter((v) => v !== null).length && positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 10;
    panels.set('learning_rate', { name: 'learning_rate', series: [{ key: rate, role: 'rate', values }], log });
  }
  // Losses first (the total, then per output), then metrics in the history's order, the rate last.
  const order = (p: Panel) => (p.name === 'loss' ? 0 : p.name === 'learning_rate' ? 3 : p.name.endsWith('loss') ? 1 : 2);
  return [...panels.values()].sort((a, b) => order(a) - order(b));
}

/** The number of epochs: the longest series. */
export function epochsOf(history: History): number {
  return Math.max(0, ...Object.values(history).map((v) => v.length));
}

/**
 * A history.csv (Keras's CSVLogger form: an `epoch` column, then one column per key; an empty
 * cell is an epoch without that key) as a history. Undefined when it is not such a file.
 */
export function historyFromCsv(text: string): History | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  const head = lines[0]!.split(',').map((c) => c.trim());
  const history: Record<string, (number | null)[]> = {};
  for (const k of head) if (k !== 'epoch') history[k] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (cells.length !== head.length) return undefined;
    head.forEach((k, i) => {
      if (k === 'epoch') return;
      const cell = cells[i]!.trim();
      const v = cell === '' ? null : Number(cell);
      history[k]!.push(v === null || Number.isNaN(v) ? null : v);
    });
  }
  return history;
}

/** Checks that a parsed history.json has Keras's form: each key a list of numbers or nulls. */
export function isHistory(value: unknown): value is History {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number'));
}
