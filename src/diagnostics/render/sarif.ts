/**
 * SARIF 2.1.0 (OASIS) for `--format sarif`: one run, nnspec as the tool with every
 * diagnostic code as a rule, one result a diagnostic. GitHub code scanning reads it
 * (github/codeql-action/upload-sarif): paths relative to the repository root, 1-based lines and
 * columns counted in UTF-16 code units as nnspec counts them, end columns exclusive.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODES, type Code } from '../codes.js';
import type { LocatedLabel, PrintedDiagnostic } from '../diagnostic.js';

const CODE_LIST = Object.keys(CODES) as Code[];

/** A relative path as a URI reference (forward slashes, each segment percent-encoded); an absolute one as a file: URI. */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split(/[\\/]/).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * A text region by lines and columns, a binary one by its byte offset (SARIF 3.30.2), or none:
 * a diagnostic about a whole file has a location without a region, one about the command line none.
 */
function location(d: PrintedDiagnostic) {
  if (d.file === null) return [];
  const region =
    d.line !== null
      ? { startLine: d.line, startColumn: d.column, endLine: d.end_line, endColumn: d.end_column }
      : d.offset !== undefined
        ? { byteOffset: d.offset, byteLength: 1 }
        : undefined;
  return [{ physicalLocation: { artifactLocation: artifactUri(d.file), ...(region ? { region } : {}) } }];
}

function related(l: LocatedLabel, id: number) {
  return {
    id,
    message: { text: l.message },
    physicalLocation: { artifactLocation: artifactUri(l.file), region: { startLine: l.line, startColumn: l.column, endLine: l.end_line, endColumn: l.end_column } },
  };
}

function result(d: PrintedDiagnostic) {
  const place = d.file !== null && d.line === null && d.place ? ` (${d.place})` : '';
  return {
    ruleId: d.code,
    ruleIndex: CODE_LIST.indexOf(d.code),
    level: d.severity,
    message: { text: `${d.message}${place}${d.hint ? `\nhint: ${d.hint}` : ''}` },
    locations: location(d),
    ...(d.labels && d.labels.length > 0 ? { relatedLocations: d.labels.map(related) } : {}),
  };
}

/** The SARIF log of one validate run; `cwd` anchors the relative paths (%SRCROOT%). */
export function renderSarif(diags: readonly PrintedDiagnostic[], version: string, cwd: string): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nnspec',
            semanticVersion: version,
            rules: CODE_LIST.map((code) => ({ id: code, name: CODES[code].name, shortDescription: { text: CODES[code].summary } })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href } },
        columnKind: 'utf16CodeUnits',
        results: diags.map(result),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
