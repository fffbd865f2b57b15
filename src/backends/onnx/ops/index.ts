/** Every ONNX op nnspec emits, by op type. Adding an op: one rule in its family's module, one line here. */
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import { logicOps } from './logic.js';
import { mathOps } from './math.js';
import { matmulOps } from './matmul.js';
import { randomOps } from './random.js';
import { reduceOps } from './reduce.js';
import type { OpRule } from './rule.js';
import { shapeOps } from './shape.js';

const ALL: OpRule[] = [...elementwiseOps, ...matmulOps, ...reduceOps, ...mathOps, ...logicOps, ...shapeOps, ...convOps, ...randomOps];

const RULES: ReadonlyMap<string, OpRule> = new Map(ALL.map((r) => [r.type, r]));

export function opRule(type: string): OpRule | undefined {
  return RULES.get(type);
}

export function opTypes(): string[] {
  return [...RULES.keys()];
}
