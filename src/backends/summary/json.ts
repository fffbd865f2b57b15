/** The summary as JSON: shapes include the batch dimension as null. */
import type { Summary } from './rows.js';

export function renderJson(s: Summary): string {
  const { sequential: _s, ...rest } = s;
  return JSON.stringify(rest, null, 2) + '\n';
}
