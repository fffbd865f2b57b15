/** GitHub Actions workflow commands, one annotation a diagnostic. */
import type { LocatedDiagnostic } from '../diagnostic.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(diags: readonly LocatedDiagnostic[]): string {
  return diags
    .map((d) => {
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`, `endLine=${d.end_line}`, `endColumn=${d.end_column}`, `title=${escapeProperty(d.code)}`].join(',');
      const message = d.hint ? `${d.message} (hint: ${d.hint})` : d.message;
      return `::${d.severity} ${props}::${escapeData(message)}\n`;
    })
    .join('');
}
