/** GitHub Actions workflow commands, one annotation a diagnostic. */
import type { PrintedDiagnostic } from '../diagnostic.js';
import { placeText } from './pretty.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * A diagnostic without lines is annotated on its file alone (the place goes in the message), one
 * about the command line on nothing; related places, which annotations cannot carry, are appended.
 */
export function renderGithub(diags: readonly PrintedDiagnostic[]): string {
  return diags
    .map((d) => {
      const props: string[] = [];
      if (d.file !== null) props.push(`file=${escapeProperty(d.file)}`);
      if (d.line !== null) props.push(`line=${d.line}`, `col=${d.column}`, `endLine=${d.end_line}`, `endColumn=${d.end_column}`);
      props.push(`title=${escapeProperty(d.code)}`);
      let message = d.message;
      if (d.file !== null && d.line === null && (d.offset !== undefined || d.place !== undefined)) message = `${placeText(d)}: ${message}`;
      for (const l of d.labels ?? []) message += ` (${l.file}:${l.line}:${l.column}: ${l.message})`;
      if (d.hint) message += ` (hint: ${d.hint})`;
      return `::${d.severity} ${props.join(',')}::${escapeData(message)}\n`;
    })
    .join('');
}
