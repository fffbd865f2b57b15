/** Shared by the export and import tests: the specs they run on, and a file loader for tf.loadLayersModel. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { summarize, type Summary } from '../../src/backends/summary/rows.js';
import { compile } from '../../src/compiler/compile.js';
import type { Graph } from '../../src/compiler/graph.js';
import { ROOT } from '../helpers.js';

/** Every seed spec and valid fixture, as [path from the repository root, compiled graph]. */
export function specsIn(...dirs: string[]): [string, Graph][] {
  return dirs.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f): [string, Graph] => {
        const path = `${dir}/${f}`;
        const result = compile(readFileSync(join(ROOT, path)), path);
        if (!result.ok || !result.graph) throw new Error(`${path} does not compile`);
        return [path, result.graph];
      }),
  );
}

export const SEEDS = 'specs';
export const FIXTURES = 'test/fixtures/valid';

/** The summary of a spec text (or undefined when it does not compile). */
export function summaryOf(text: string): Summary | undefined {
  const r = compile(text, 'spec.yaml');
  return r.ok && r.graph ? summarize(r.graph) : undefined;
}

/**
 * A tf.io handler reading a model.json and the weight files its manifest names, from disk, as
 * tfjs-node's file:// handler would (tfjs-node cannot be installed here).
 */
export function fileHandler(modelJsonPath: string): tfTypes.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tfTypes.io.ModelJSON;
      const artifacts: tfTypes.io.ModelArtifacts = { modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy };
      if (json.weightsManifest) {
        const bytes = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p)))));
        artifacts.weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
        artifacts.weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }
      return artifacts;
    },
  };
}

/** Per node: type, output shape and parameters, keyed by name (order-free, for models tfjs lists by depth). */
export function byNode(s: Summary): Record<string, unknown> {
  return Object.fromEntries(s.layers.map((l) => [l.name, [l.type, l.output_shape, l.params, l.trainable_params, l.shares ?? null]]));
}
