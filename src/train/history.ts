/**
 * The run's history, as Keras keeps it: history.json maps each key to its per-epoch values (like
 * `model.fit(...).history`), history.csv has one row per epoch, numbered from 0 (like CSVLogger).
 */
import { join } from 'node:path';
import type { Logs } from './accumulate.js';
import { replaceFile } from './durable.js';

export const HISTORY_JSON = 'history.json';
export const HISTORY_CSV = 'history.csv';

/** `sync`: fsync too (the run's last save); between epochs a rename suffices. */
export function writeHistory(run: string, history: Logs[], sync = true): void {
  const keys: string[] = [];
  for (const row of history) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  const json: Record<string, (number | null)[]> = {};
  for (const k of keys) json[k] = history.map((row) => (k in row ? row[k]! : null));
  replaceFile(join(run, HISTORY_JSON), JSON.stringify(json, null, 2) + '\n', sync);
  const lines = [['epoch', ...keys].join(','), ...history.map((row, epoch) => [String(epoch), ...keys.map((k) => (k in row ? String(row[k]) : ''))].join(','))];
  replaceFile(join(run, HISTORY_CSV), lines.join('\n') + '\n', sync);
}
