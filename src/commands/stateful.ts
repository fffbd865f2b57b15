/**
 * `stateful: true` recurrent layers compile, summarize, import and export; they are not run.
 * Keras carries each sample's final states into the same row of the next batch (until
 * reset_states()); nnspec's engines start every batch from zero states and shuffle, so a run
 * would compute another model. train, evaluate and predict refuse the spec here, at the key.
 */
import type { Graph } from '../compiler/graph.js';
import { statefulNodes } from '../layers/recurrent.js';
import { reporterOf, type Io } from './io.js';
import { specDiagnostic } from './spec-file.js';

/** Reports each stateful layer (NN915) and returns true when there is one. */
export function refuseStateful(graph: Graph, file: string, io: Io, command: 'train' | 'evaluate' | 'predict'): boolean {
  const found = statefulNodes(graph);
  for (const s of found) {
    const message = `${s.type} '${s.name}' is stateful: Keras carries each sample's final states into the next batch, but nnspec's engines start every batch from zero states, so \`nnspec ${command}\` would run another model`;
    const hint = "set stateful: false to start each batch from zero states (what Keras does after every reset_states()); summary, graph and export keep stateful: true";
    reporterOf(io).report(specDiagnostic(graph, file, 'NN915', message, s.ptr, hint));
  }
  return found.length > 0;
}
