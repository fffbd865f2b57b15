/** Every ONNX op nnspec emits, by op type. Adding an op: one rule in its family's module, one line here. */
import { elementwiseOps } from './elementwise.js';
import { matmulOps } from './matmul.js';
import { reduceOps } from './reduce.js';
import type { OpRule } from './rule.js';

const ALL: OpRule[] = [...elementwiseOps, ...matmulOps, ...reduceOps];

const RULES: ReadonlyMap<string, OpRule> = new Map(ALL.map((r) => [r.type, r]));

export function opRule(type: string): OpRule | undefined {
  return RULES.get(type);
}

export function opTypes(): string[] {
  return [...RULES.keys()];
}
