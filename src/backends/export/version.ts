/** nnspec's own version, stamped into exported files as their producer. */
import { packageVersion } from '../../paths.js';

export const NNSPEC_VERSION = packageVersion();
