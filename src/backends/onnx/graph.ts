/**
 * An ONNX graph under construction, with every value's static shape known. Training graphs are
 * specialised to the batch's concrete shapes (batch size, sequence length), so shapes are plain
 * numbers; each op's shape rule (src/backends/onnx/ops/) computes its outputs as it is added.
 *
 * Conventions for emitters, so the same forward graph can be exported with a dynamic batch axis:
 * never bake the batch size into a constant (Reshape uses 0 or -1 on the batch axis; shapes that
 * depend on it come from a Shape op of a value).
 */
import type { onnx as OnnxNs } from 'onnx-proto';
import { attributeProto, elemTypeOf, ELEM, onnx, tensorProto, type AttrValue, type ElemType, type TensorData } from './proto.js';
import { opRule } from './ops/index.js';

export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: ElemType;
  /** The value's contents when it is a constant (initializer), for shape rules that read it. */
  readonly data?: TensorData;
}

export type Attrs = Readonly<Record<string, AttrValue>>;

export interface OpNode {
  readonly type: string;
  readonly domain: string;
  /** '' for an omitted optional input. */
  readonly inputs: readonly (Value | undefined)[];
  readonly outputs: readonly Value[];
  readonly attrs: Attrs;
  readonly name: string;
}

export const OPSET = 18;

export class OnnxGraph {
  readonly nodes: OpNode[] = [];
  readonly initializers = new Map<string, Value>();
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  private counter = 0;
  private readonly taken = new Set<string>();

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.taken.has(n));
    this.taken.add(n);
    return n;
  }

  private claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`internal: ONNX value name '${name}' used twice`);
    this.taken.add(name);
    return name;
  }

  input(name: string, shape: readonly number[], dtype: ElemType = 'float32'): Value {
    const v: Value = { name: this.claim(name), shape: [...shape], dtype };
    this.inputs.push(v);
    return v;
  }

  /** Marks `v` as a graph output, renamed to `name` through an Identity when the names differ. */
  output(v: Value, name = v.name): Value {
    const out = name === v.name ? v : this.op('Identity', [v], {}, { names: [name] })[0]!;
    this.outputs.push(out);
    return out;
  }

  constant(data: TensorData, shape: readonly number[], prefix = 'c'): Value {
    return this.addInitializer(this.fresh(prefix), data, shape);
  }

  /** A named initializer (weights baked into an exported model). */
  initializer(name: string, data: TensorData, shape: readonly number[]): Value {
    return this.addInitializer(this.claim(name), data, shape);
  }

  private addInitializer(name: string, data: TensorData, shape: readonly number[]): Value {
    const v: Value = { name, shape: [...shape], dtype: elemTypeOf(data), data };
    this.initializers.set(v.name, v);
    return v;
  }

  ints(values: readonly number[]): Value {
    return this.constant(BigInt64Array.from(values.map((x) => BigInt(x))), [values.length], 'i');
  }

  scalar(x: number): Value {
    return this.constant(Float32Array.of(x), [], 's');
  }

  /**
   * Adds one node; its output shapes come from the op's shape rule. Returns the outputs.
   * `names` gives explicit output names (graph outputs); otherwise fresh ones. `outputs` keeps
   * only the first n of an op's optional outputs (MaxPool without Indices runs far faster).
   */
  op(type: string, inputs: readonly (Value | undefined)[], attrs: Attrs = {}, opts: { names?: string[]; domain?: string; outputs?: number } = {}): Value[] {
    const rule = opRule(type);
    if (!rule) throw new Error(`internal: no ONNX op rule for ${type}`);
    const specs = rule.infer(inputs, attrs).slice(0, opts.outputs);
    const outputs = specs.map((s, i) => ({ name: opts.names?.[i] !== undefined ? this.claim(opts.names[i]!) : this.fresh(type.toLowerCase()), shape: s.shape, dtype: s.dtype, ...(s.data ? { data: s.data } : {}) }));
    this.nodes.push({ type, domain: opts.domain ?? '', inputs: [...inputs], outputs, attrs, name: this.fresh(`n_${type}`) });
    return outputs;
  }

  /** Adds one node with only its first output (optional outputs such as MaxPool's Indices left out) and returns it. */
  op1(type: string, inputs: readonly (Value | undefined)[], attrs: Attrs = {}): Value {
    return this.op(type, inputs, attrs, { outputs: 1 })[0]!;
  }

  /**
   * The serialised model. `dynamic` names dims of inputs and outputs to write as symbolic
   * (e.g. `{ 0: 'batch' }` for a dynamic batch axis).
   */
  toBytes(opts: { dynamic?: Record<number, string>; producer?: string; docString?: string } = {}): Uint8Array {
    const info = (v: Value): OnnxNs.IValueInfoProto => ({
      name: v.name,
      type: { tensorType: { elemType: ELEM[v.dtype], shape: { dim: v.shape.map((d, i) => (opts.dynamic?.[i] !== undefined ? { dimParam: opts.dynamic[i] } : { dimValue: d })) } } },
    });
    const graph: OnnxNs.IGraphProto = {
      name: this.name,
      node: this.nodes.map((n) => ({
        opType: n.type,
        domain: n.domain,
        name: n.name,
        input: n.inputs.map((v) => v?.name ?? ''),
        output: n.outputs.map((v) => v.name),
        attribute: Object.entries(n.attrs).map(([k, v]) => attributeProto(k, v)),
      })),
      initializer: [...this.initializers.values()].map((v) => tensorProto(v.name, v.data!, v.shape)),
      input: this.inputs.map(info),
      output: this.outputs.map(info),
    };
    const domains = new Set(this.nodes.map((n) => n.domain).filter((d) => d !== ''));
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: opts.producer ?? 'nnspec',
      docString: opts.docString ?? '',
      opsetImport: [{ domain: '', version: OPSET }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
