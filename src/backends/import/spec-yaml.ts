/**
 * A spec value → YAML text laid out like the seed specs: block keys at the top, one flow
 * mapping a line for each input and layer (`dense_1: {type: Dense, units: 32}`), training's
 * settings one a line.
 */
import { Document, isMap, isSeq } from 'yaml';

export function specYaml(spec: Record<string, unknown>, header: readonly string[]): string {
  const doc = new Document(spec);
  for (const section of ['inputs', 'layers']) {
    const map = doc.get(section);
    if (isMap(map)) for (const pair of map.items) if (isMap(pair.value)) pair.value.flow = true;
  }
  const outputs = doc.get('outputs');
  if (isSeq(outputs)) outputs.flow = true;
  const training = doc.get('training');
  if (isMap(training)) for (const pair of training.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return header.map((line) => `# ${line}\n`).join('') + body;
}
