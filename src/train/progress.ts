/**
 * What a run tells while it runs: a redrawn progress bar on a terminal (epoch, batch, loss and
 * metrics, samples/s, ETA), one plain line per epoch otherwise or with --quiet, or JSON lines on
 * stdout with --json. Progress goes to stderr; stdout carries only --json's records.
 */
import type { Logs } from './accumulate.js';

/** Where progress is written (a stream; a terminal has `columns`). */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  epochStart(epoch: number, epochs: number, batches: number): void;
  batch(batch: number, logs: Logs, samplesPerSecond: number): void;
  epochEnd(epoch: number, epochs: number, logs: Logs, seconds: number, samplesPerSecond: number): void;
  /** A one-off line (backend, resumed, stopped early, ...). */
  note(message: string, record?: Record<string, unknown>): void;
}

export type ProgressMode = 'bar' | 'plain' | 'json';

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => `${k} ${formatNumber(v)}`).join('  ');
}

function formatRate(r: number): string {
  return `${Math.round(r).toLocaleString('en-US')} samples/s`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function makeProgress(mode: ProgressMode, stdout: Output, stderr: Output): Progress {
  if (mode === 'json') {
    const line = (r: Record<string, unknown>) => stdout.write(JSON.stringify(r) + '\n');
    return {
      epochStart() {},
      batch() {},
      epochEnd: (epoch, epochs, logs, seconds, rate) => line({ event: 'epoch', epoch: epoch + 1, epochs, ...logs, seconds, samples_per_second: rate }),
      note: (message, record) => line({ event: 'note', message, ...record }),
    };
  }
  const epochLine = (epoch: number, epochs: number, logs: Logs, seconds: number, rate: number) =>
    `epoch ${epoch + 1}/${epochs}  ${formatLogs(logs)}  (${formatSeconds(seconds)}, ${formatRate(rate)})`;
  if (mode === 'plain') {
    return {
      epochStart() {},
      batch() {},
      epochEnd: (epoch, epochs, logs, seconds, rate) => stderr.write(epochLine(epoch, epochs, logs, seconds, rate) + '\n'),
      note: (message) => stderr.write(message + '\n'),
    };
  }
  let current = { epoch: 0, epochs: 0, batches: 0, started: 0 };
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stderr.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    epochStart(epoch, epochs, batches) {
      current = { epoch, epochs, batches, started: performance.now() };
      lastDraw = 0;
    },
    batch(batch, logs, rate) {
      const now = performance.now();
      // Redrawing more than ~10 times a second costs more than it shows.
      if (batch < current.batches && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 24;
      const done = Math.round((width * batch) / Math.max(1, current.batches));
      const bar = '='.repeat(Math.max(0, done - 1)) + (done > 0 ? (batch < current.batches ? '>' : '=') : '') + ' '.repeat(width - done);
      const elapsed = (now - current.started) / 1000;
      const eta = batch > 0 ? (elapsed / batch) * (current.batches - batch) : 0;
      const line = `epoch ${current.epoch + 1}/${current.epochs} [${bar}] ${batch}/${current.batches}  ${formatRate(rate)}  ETA ${formatSeconds(eta)}  ${formatLogs(logs)}`;
      // A line longer than the terminal wraps, and \r would then redraw only its last part.
      const columns = stderr.columns ?? 100;
      clear();
      stderr.write(line.length < columns ? line : line.slice(0, columns - 2) + '…');
      drawn = true;
    },
    epochEnd(epoch, epochs, logs, seconds, rate) {
      clear();
      stderr.write(epochLine(epoch, epochs, logs, seconds, rate) + '\n');
    },
    note(message) {
      clear();
      stderr.write(message + '\n');
    },
  };
}
