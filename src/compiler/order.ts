/**
 * Order: a topological order of the nodes by depth-first search, which keeps declaration order
 * wherever the connections allow it. A back edge is a cycle, reported with its path.
 */
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { keySpan, type SpecDocument } from '../spec/document.js';
import type { GraphNode } from './graph.js';
import type { Resolved } from './resolve.js';

export function order(resolved: Resolved, doc: SpecDocument, sink: DiagnosticSink): GraphNode[] {
  const { nodes } = resolved;
  const done = new Set<string>();
  const onPath: string[] = [];
  const inProgress = new Set<string>();
  const out: GraphNode[] = [];
  const inCycle = new Set<string>();

  // Iterative DFS (a 5 MB spec can chain many thousands of layers).
  const visit = (start: GraphNode): void => {
    const stack: { node: GraphNode; next: number }[] = [{ node: start, next: 0 }];
    inProgress.add(start.name);
    onPath.push(start.name);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.inputs.length) {
        const dep = nodes.get(top.node.inputs[top.next++]!);
        if (!dep || done.has(dep.name)) continue;
        if (inProgress.has(dep.name)) {
          const cycle = [...onPath.slice(onPath.indexOf(dep.name)), dep.name];
          if (!cycle.some((n) => inCycle.has(n))) {
            const path = [...cycle].reverse();
            sink.error('NN400', `the connections form a cycle: ${path.join(' → ')}`, keySpan(doc, `${top.node.ptr}/inputs`), 'a model is a directed acyclic graph; break the cycle');
          }
          cycle.forEach((n) => inCycle.add(n));
          continue;
        }
        inProgress.add(dep.name);
        onPath.push(dep.name);
        stack.push({ node: dep, next: 0 });
      } else {
        stack.pop();
        onPath.pop();
        inProgress.delete(top.node.name);
        done.add(top.node.name);
        out.push(top.node);
      }
    }
  };
  for (const node of [...resolved.inputs, ...resolved.layerNodes]) if (!done.has(node.name)) visit(node);
  for (const name of inCycle) nodes.get(name)!.broken = true;
  return out;
}
