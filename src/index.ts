/** nnspec's library API: compile a spec, then walk or render the graph. */
export { compile, type CompileResult } from './compiler/compile.js';
export { walk } from './compiler/walk.js';
export type { Graph, GraphNode, Layer } from './compiler/graph.js';
export type { Diagnostic, LocatedDiagnostic, Severity } from './diagnostics/diagnostic.js';
export { CODES, type Code } from './diagnostics/codes.js';
export { LAYER_KINDS } from './layers/registry.js';
export { buildSchema } from './spec/schema-build.js';
export type { TensorSpec, Shape, Dim, DType } from './layers/shape.js';
export { registerNnspecLayers } from './backends/tfjs/register.js';
