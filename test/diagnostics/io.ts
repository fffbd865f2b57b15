/** A fake Io whose diagnostics go to a reporter in the format a test chooses. */
import { makeReporter, type Io } from '../../src/commands/io.js';
import type { DiagnosticFormat } from '../../src/diagnostics/report.js';

export interface Captured {
  io: Io;
  stdout: () => string;
  stderr: () => string;
  /** Ends the reporter (json, sarif: prints the document) and returns stderr. */
  end: () => string;
}

export function captureIo(cwd: string, format: DiagnosticFormat = 'pretty'): Captured {
  let out = '';
  let err = '';
  const base: Io = { stdout: { write: (s: string) => (out += s), isTTY: false }, stderr: { write: (s: string) => (err += s), isTTY: false }, env: {}, cwd };
  const io: Io = { ...base, diagnostics: makeReporter(base, format, 'test') };
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    end: () => {
      io.diagnostics!.end();
      return err;
    },
  };
}

/** Every `error[...]` / `warning[...]` headline in pretty output, and any old-style uncoded `: error:` line. */
export function headlines(stderr: string): { coded: string[]; uncoded: string[] } {
  const lines = stderr.split('\n');
  return {
    coded: lines.filter((l) => /(error|warning)\[NN\d{3}\]: /.test(l)),
    uncoded: lines.filter((l) => /(^|: )(error|warning): /.test(l) && !/(error|warning)\[NN\d{3}\]/.test(l)),
  };
}
