/** nnspec's own version, stamped into exported files as their producer. */
import { readFileSync } from 'node:fs';

export const NNSPEC_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
