/** Each command's `--help` examples (plot keeps its own next to its options). */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  validate: [
    'nnspec validate specs/                      # every .yaml under specs/, on every core',
    'nnspec validate model.yaml --strict         # warnings fail too (exit 1)',
    'nnspec validate specs/ --format github      # annotations for GitHub Actions',
    'nnspec validate specs/ --cache              # skip files unchanged since the last run',
  ],
  summary: [
    'nnspec summary specs/question_answering.yaml',
    'nnspec summary runs/qa --format markdown    # a run directory: its spec.yaml',
    'nnspec summary resnet.yaml --expand         # a row for every layer a block expands to',
  ],
  graph: [
    'nnspec graph specs/inception_module.yaml --out inception.svg',
    'nnspec graph model.yaml --format mermaid    # paste into a Markdown file',
  ],
  synth: ['nnspec synth specs/question_answering.yaml --samples 1000 --out data/qa --seed 1'],
  train: [
    'nnspec train specs/question_answering.yaml --data data/qa --out runs/qa',
    'nnspec train model.yaml --data table.csv --out runs/t --epochs 20 --validation-split 0.2',
    'nnspec train model.yaml --data data/ --out runs/m --resume --epochs 40   # 40 in all, not 40 more',
    'nnspec train model.yaml --data data/ --out runs/m --checkpoint every:5 --backend onnx --threads 2',
  ],
  evaluate: ['nnspec evaluate runs/qa --data data/qa-test', 'nnspec evaluate runs/qa --data data/qa-test --format json'],
  predict: ['nnspec predict runs/qa --data data/qa-new --out predictions/', 'nnspec predict runs/digits --data digits.npz --out pred/ --classes   # also class ids'],
  export: [
    'nnspec export model.yaml --to keras-json --out model.json',
    'nnspec export model.yaml --to tfjs --weights runs/m --out web/model.json',
    'nnspec export model.yaml --to onnx --weights runs/m --out model.onnx',
  ],
  import: ['nnspec import model.json --out model.yaml   # a Keras model.to_json() or a TensorFlow.js model.json'],
  fmt: ['nnspec fmt specs/', 'nnspec fmt --check specs/   # in CI: exit 1 when a file is not formatted'],
  init: ['nnspec init model.yaml', 'nnspec init resnet.yaml --template resnet'],
  schema: ['nnspec schema > nnspec.schema.json   # for editors without nnspec lsp'],
  lsp: ['nnspec lsp   # started by the editor, talking LSP over stdin/stdout'],
};

/** The text commander prints after a command's help. */
export function examplesText(command: string): string | undefined {
  const lines = EXAMPLES[command];
  return lines ? `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n` : undefined;
}
