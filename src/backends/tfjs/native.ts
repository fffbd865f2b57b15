/**
 * Loading @tensorflow/tfjs-node, the native backend, and saying truthfully why it did not load.
 *
 * It is an optional dependency: its install script downloads libtensorflow (from
 * storage.googleapis.com), and npm drops an optional dependency whose install fails without a
 * word, so the usual cause is an install without network access. Running `npm install` again
 * reports "up to date"; the package has to be named with its version, or rebuilt when its
 * folder is there but its native binding is not.
 *
 * Node 23 removed `util.isNullOrUndefined`, which tfjs-node 4 calls on its first op; it is
 * defined (as it was) before tfjs-node loads, as many projects do.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import util from 'node:util';
import { packageRoot } from '../../paths.js';

const PKG = '@tensorflow/tfjs-node';

/** Puts back the util predicates tfjs-node 4 calls and Node ≥ 23 no longer has. Returns the names added. */
export function shimNodeUtil(target: object = util): string[] {
  const u = target as Record<string, unknown>;
  const added: string[] = [];
  const define = (name: string, fn: (v: unknown) => boolean) => {
    if (typeof u[name] === 'function') return;
    u[name] = fn;
    added.push(name);
  };
  define('isNullOrUndefined', (v) => v === null || v === undefined);
  define('isArray', (v) => Array.isArray(v));
  return added;
}

/** Where tfjs-node's package folder is, when npm left one, seen from nnspec's own folder. */
function installedAt(root: string): string | undefined {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve(`${PKG}/package.json`));
  } catch {
    const guess = join(root, 'node_modules', PKG);
    return existsSync(guess) ? guess : undefined;
  }
}

/** The version nnspec asks for (its optionalDependencies), for the command to run. */
function wantedVersion(root: string): string {
  try {
    const manifest = createRequire(join(root, 'package.json'))('./package.json') as { optionalDependencies?: Record<string, string> };
    return manifest.optionalDependencies?.[PKG]?.replace(/^[\^~]/, '') ?? '4.22.0';
  } catch {
    return '4.22.0';
  }
}

/**
 * Why tfjs-node did not load and what to run: not installed (npm skipped it), or installed
 * without its native library. Starts "@tensorflow/tfjs-node is not installed" or "... does not
 * load" so the backend line can shorten it.
 */
export function nativeProblem(e: unknown, root = packageRoot()): string {
  const reason = String(e instanceof Error ? e.message : e).split('\n')[0]!;
  const dir = installedAt(root);
  const network = 'its install downloads libtensorflow from storage.googleapis.com, so it needs network access';
  if (!dir) {
    return `${PKG} is not installed (npm skips this optional dependency when its install fails, without a word); in ${root} run \`npm install --foreground-scripts ${PKG}@${wantedVersion(root)}\` (${network}; --foreground-scripts shows why it fails)`;
  }
  return `${PKG} is installed in ${dir} but does not load here (${reason}); run \`npm rebuild --foreground-scripts ${PKG}\` in ${root} to fetch its native library (${network}), or use --backend onnx, wasm or cpu`;
}

/** Imports tfjs-node (registering its 'tensorflow' backend), after the Node ≥ 23 shim. Throws nativeProblem's message. */
export async function importNative(importer: (pkg: string) => Promise<unknown> = (pkg) => import(pkg)): Promise<void> {
  shimNodeUtil();
  try {
    await importer(PKG);
  } catch (e) {
    throw new Error(nativeProblem(e));
  }
}
