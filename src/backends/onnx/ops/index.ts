/** Every ONNX op nnspec emits, by op type. Adding an op: one rule in its family's module, one line here. */
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import { gatherOps } from './gather.js';
import { logicOps } from './logic.js';
import { mathOps } from './math.js';
import { matmulOps } from './matmul.js';
import { poolOps } from './pool.js';
import { randomOps } from './random.js';
import { reduceOps } from './reduce.js';
import { resizeOps } from './resize.js';
import type { OpRule } from './rule.js';
import { shapeOps } from './shape.js';
import { softmaxOps } from './softmax.js';

const ALL: OpRule[] = [...elementwiseOps, ...matmulOps, ...reduceOps, ...mathOps, ...logicOps, ...shapeOps, ...convOps, ...randomOps, ...softmaxOps, ...gatherOps, ...poolOps, ...resizeOps];

const RULES: ReadonlyMap<string, OpRule> = index(ALL);

/** The registry; an op type defined twice is a mistake (the second would silently win). */
function index(rules: readonly OpRule[]): Map<string, OpRule> {
  const map = new Map<string, OpRule>();
  for (const r of rules) {
    if (map.has(r.type)) throw new Error(`internal: two ONNX op rules for ${r.type}`);
    map.set(r.type, r);
  }
  return map;
}

export function opRule(type: string): OpRule | undefined {
  return RULES.get(type);
}

export function opTypes(): string[] {
  return [...RULES.keys()];
}
